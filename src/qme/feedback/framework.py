"""The default competency framework: data, copied into version 1 when none exists."""

ANCHORS_EN = {
    "1": "Not yet: needs close guidance.",
    "2": "Developing: does it with help.",
    "3": "Competent: does it independently at the expected level.",
    "4": "Proficient: does it well, also in complex situations.",
    "5": "Excellent: a model for others.",
}
ANCHORS_NL = {
    "1": "Nog niet: heeft nauwe begeleiding nodig.",
    "2": "In ontwikkeling: doet het met hulp.",
    "3": "Bekwaam: doet het zelfstandig op het verwachte niveau.",
    "4": "Vaardig: doet het goed, ook in complexe situaties.",
    "5": "Uitstekend: een voorbeeld voor anderen.",
}

DEFAULT_COMPETENCIES = [
    # (area, English, Dutch, description English, description Dutch)
    (
        "content",
        "Medical-engineering knowledge",
        "Medisch-technische kennis",
        "Applies engineering and physics knowledge to clinical questions.",
        "Past technische en natuurkundige kennis toe op klinische vragen.",
    ),
    (
        "content",
        "Mathematical modelling",
        "Wiskundig modelleren",
        "Builds, validates and explains models of physiology and devices.",
        "Bouwt, valideert en verklaart modellen van fysiologie en apparatuur.",
    ),
    (
        "content",
        "Image and signal analysis",
        "Beeld- en signaalanalyse",
        "Analyses medical images and signals rigorously and reproducibly.",
        "Analyseert medische beelden en signalen nauwkeurig en reproduceerbaar.",
    ),
    (
        "content",
        "Design",
        "Ontwerpen",
        "Turns needs into requirements, concepts and a validated design.",
        "Zet behoeften om in eisen, concepten en een gevalideerd ontwerp.",
    ),
    (
        "content",
        "Clinical understanding",
        "Klinisch inzicht",
        "Understands the clinical context, workflow and patient impact.",
        "Begrijpt de klinische context, de werkwijze en de gevolgen voor de patiënt.",
    ),
    (
        "professional",
        "Communication",
        "Communicatie",
        "Explains clearly to doctors, nurses, engineers and patients.",
        "Legt helder uit aan artsen, verpleegkundigen, technici en patiënten.",
    ),
    (
        "professional",
        "Collaboration with doctors",
        "Samenwerking met artsen",
        "Works with the medical doctor as a partner in the design project.",
        "Werkt met de medisch specialist samen als partner in het ontwerpproject.",
    ),
    (
        "professional",
        "Leadership",
        "Leiderschap",
        "Takes initiative, organises the work and involves others.",
        "Neemt initiatief, organiseert het werk en betrekt anderen.",
    ),
    (
        "professional",
        "Professionalism",
        "Professionaliteit",
        "Is reliable, ethical and aware of patient safety and regulation.",
        "Is betrouwbaar, ethisch en bewust van patiëntveiligheid en regelgeving.",
    ),
    (
        "professional",
        "Reflection",
        "Reflectie",
        "Reflects on own work and acts on feedback.",
        "Reflecteert op het eigen werk en doet iets met feedback.",
    ),
]
