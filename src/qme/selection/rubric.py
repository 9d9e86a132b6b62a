"""The default procedure of a position: stages with their rubric. Data, copied to each position
when its committee starts; the programme office adjusts it per position."""

from __future__ import annotations

from .models import StageKind

ANCHORS_EN = {
    "1": "Insufficient: clearly below what the programme needs.",
    "2": "Weak: doubts outweigh strengths.",
    "3": "Adequate: meets the programme's entry level.",
    "4": "Good: convincing, with few doubts.",
    "5": "Excellent: exceptional for this stage of a career.",
}
ANCHORS_NL = {
    "1": "Onvoldoende: duidelijk onder wat de opleiding vraagt.",
    "2": "Zwak: de twijfels wegen zwaarder dan de sterke punten.",
    "3": "Voldoende: op het instapniveau van de opleiding.",
    "4": "Goed: overtuigend, met weinig twijfels.",
    "5": "Uitstekend: uitzonderlijk in deze fase van een loopbaan.",
}

DEFAULT_CRITERIA = [
    # (name_en, name_nl, weight, description_en, description_nl)
    (
        "Technical and mathematical depth",
        "Technische en wiskundige diepgang",
        2,
        "Command of modelling, mathematics and analysis, shown in the master's work.",
        "Beheersing van modelleren, wiskunde en analyse, zichtbaar in het masterwerk.",
    ),
    (
        "Design ability",
        "Ontwerpvaardigheid",
        2,
        "Turning a vague need into requirements, concepts and a working solution.",
        "Een vage behoefte omzetten in eisen, concepten en een werkende oplossing.",
    ),
    (
        "Clinical affinity",
        "Klinische affiniteit",
        1,
        "Interest in and feel for clinical practice, patients and doctors.",
        "Interesse in en gevoel voor de klinische praktijk, patiënten en artsen.",
    ),
    (
        "Communication in Dutch",
        "Communicatie in het Nederlands",
        1,
        "Speaking and writing Dutch with clinicians and colleagues.",
        "Nederlands spreken en schrijven met clinici en collega's.",
    ),
    (
        "Motivation and fit with the hospital",
        "Motivatie en passendheid bij het ziekenhuis",
        1,
        "Why this programme, this hospital and this project.",
        "Waarom deze opleiding, dit ziekenhuis en dit project.",
    ),
]

DEFAULT_STAGES = [StageKind.SCREENING, StageKind.INTERVIEW, StageKind.DECISION]
#: Stages in which the committee scores candidates on the rubric.
SCORED_STAGES = frozenset({StageKind.SCREENING, StageKind.INTERVIEW})
