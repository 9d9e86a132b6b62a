"""Demo data (fictional hospitals and people, the real four universities) and the synthetic
national data set for benchmarks. Later capabilities add their own data here."""

from __future__ import annotations

import random
from dataclasses import dataclass

from allauth.account.models import EmailAddress
from django.contrib.auth.hashers import make_password
from django.db import transaction

from qme.accounts.models import User
from qme.organisations.models import (
    Department,
    Organisation,
    OrganisationKind,
    Region,
    Role,
    RoleKind,
)

DEMO_PASSWORD = "qme-demo-2026"
#: Demo accounts that must use two-factor authentication sign in with this TOTP secret.
DEMO_TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
DEMO_DOMAIN = "demo.qme.example"

UNIVERSITIES = [
    (
        "Delft University of Technology",
        "TU Delft",
        "Delft",
        Region.ZUID_HOLLAND,
        "https://www.tudelft.nl",
    ),
    (
        "Eindhoven University of Technology",
        "TU/e",
        "Eindhoven",
        Region.NOORD_BRABANT,
        "https://www.tue.nl",
    ),
    ("University of Twente", "UT", "Enschede", Region.OVERIJSSEL, "https://www.utwente.nl"),
    (
        "Wageningen University & Research",
        "WUR",
        "Wageningen",
        Region.GELDERLAND,
        "https://www.wur.nl",
    ),
]

# Fictional hospitals and care institutions.
CARE_PROVIDERS = [
    (
        "Amstelland Medisch Centrum",
        "Amstelland MC",
        "Amsterdam",
        Region.NOORD_HOLLAND,
        OrganisationKind.HOSPITAL,
    ),
    (
        "Ziekenhuis De Maasoever",
        "Maasoever",
        "Rotterdam",
        Region.ZUID_HOLLAND,
        OrganisationKind.HOSPITAL,
    ),
    ("Vechtdal Ziekenhuis", "Vechtdal", "Zwolle", Region.OVERIJSSEL, OrganisationKind.HOSPITAL),
    (
        "Medisch Centrum Kempenland",
        "MC Kempenland",
        "Eindhoven",
        Region.NOORD_BRABANT,
        OrganisationKind.HOSPITAL,
    ),
    (
        "Noorderzorg Ziekenhuis",
        "Noorderzorg",
        "Groningen",
        Region.GRONINGEN,
        OrganisationKind.HOSPITAL,
    ),
    ("Ziekenhuis Waalboog", "Waalboog", "Nijmegen", Region.GELDERLAND, OrganisationKind.HOSPITAL),
    (
        "Heuvelland Medisch Centrum",
        "Heuvelland MC",
        "Maastricht",
        Region.LIMBURG,
        OrganisationKind.HOSPITAL,
    ),
    (
        "Revalidatiecentrum Domstad",
        "Domstad",
        "Utrecht",
        Region.UTRECHT,
        OrganisationKind.CARE_INSTITUTION,
    ),
]
DEPARTMENTS = ["Klinische Fysica", "Medische Technologie", "Radiologie", "Cardiologie"]


@dataclass(frozen=True)
class DemoLogin:
    email: str
    name: str
    roles: tuple[tuple[str, str], ...]  # (role kind, organisation short name)
    language: str = "nl"

    @property
    def needs_totp(self) -> bool:
        return any(
            kind in (RoleKind.PROGRAMME_OFFICE, RoleKind.EXAMINATION_BOARD)
            for kind, _ in self.roles
        )


DEMO_LOGINS = [
    DemoLogin(
        f"office@{DEMO_DOMAIN}", "Marieke van den Berg", ((RoleKind.PROGRAMME_OFFICE, "TU/e"),)
    ),
    DemoLogin(
        f"coordinator.amstelland@{DEMO_DOMAIN}",
        "Joost Bakker",
        ((RoleKind.HOSPITAL_COORDINATOR, "Amstelland MC"),),
    ),
    DemoLogin(
        f"coordinator.maasoever@{DEMO_DOMAIN}",
        "Fatima El Amrani",
        ((RoleKind.HOSPITAL_COORDINATOR, "Maasoever"),),
        "en",
    ),
    DemoLogin(
        f"doctor@{DEMO_DOMAIN}", "Sanne de Vries", ((RoleKind.MEDICAL_DOCTOR, "Amstelland MC"),)
    ),
    DemoLogin(
        f"hospital.supervisor@{DEMO_DOMAIN}",
        "Pieter Jansen",
        ((RoleKind.HOSPITAL_SUPERVISOR, "Amstelland MC"),),
    ),
    DemoLogin(
        f"university.supervisor@{DEMO_DOMAIN}",
        "Lars Visser",
        ((RoleKind.UNIVERSITY_SUPERVISOR, "UT"), (RoleKind.COMMITTEE_MEMBER, "UT")),
        "en",
    ),
    DemoLogin(
        f"committee@{DEMO_DOMAIN}", "Anouk Smit", ((RoleKind.COMMITTEE_MEMBER, "Amstelland MC"),)
    ),
    DemoLogin(
        f"board@{DEMO_DOMAIN}", "Hendrik Mulder", ((RoleKind.EXAMINATION_BOARD, "TU Delft"),)
    ),
    DemoLogin(f"trainee@{DEMO_DOMAIN}", "Daan Peters", ((RoleKind.TRAINEE, "Amstelland MC"),)),
    DemoLogin(f"applicant@{DEMO_DOMAIN}", "Lotte Hendriks", (), "en"),
]

FIRST_NAMES = [
    "Emma",
    "Noah",
    "Julia",
    "Liam",
    "Sophie",
    "Lucas",
    "Mila",
    "Sem",
    "Tess",
    "Finn",
    "Zoë",
    "Levi",
    "Sara",
    "Milan",
    "Nina",
    "Jesse",
    "Eva",
    "Thomas",
    "Lisa",
    "Ruben",
    "Yara",
    "Bram",
    "Amira",
    "Mehmet",
    "Priya",
    "Wei",
    "Chloé",
    "Joris",
    "Floor",
    "Kees",
]
LAST_NAMES = [
    "de Jong",
    "Jansen",
    "de Vries",
    "van den Berg",
    "van Dijk",
    "Bakker",
    "Janssen",
    "Visser",
    "Smit",
    "Meijer",
    "de Boer",
    "Mulder",
    "de Groot",
    "Bos",
    "Vos",
    "Peters",
    "Hendriks",
    "van Leeuwen",
    "Dekker",
    "Brouwer",
    "de Wit",
    "Dijkstra",
    "Smits",
    "de Graaf",
    "van der Meer",
    "Yilmaz",
    "El Idrissi",
    "Kaya",
    "Chen",
    "Pinto",
]
CITIES = [
    ("Alkmaar", Region.NOORD_HOLLAND),
    ("Haarlem", Region.NOORD_HOLLAND),
    ("Leiden", Region.ZUID_HOLLAND),
    ("Den Haag", Region.ZUID_HOLLAND),
    ("Dordrecht", Region.ZUID_HOLLAND),
    ("Utrecht", Region.UTRECHT),
    ("Amersfoort", Region.UTRECHT),
    ("Arnhem", Region.GELDERLAND),
    ("Apeldoorn", Region.GELDERLAND),
    ("Enschede", Region.OVERIJSSEL),
    ("Deventer", Region.OVERIJSSEL),
    ("Leeuwarden", Region.FRIESLAND),
    ("Assen", Region.DRENTHE),
    ("Emmen", Region.DRENTHE),
    ("Lelystad", Region.FLEVOLAND),
    ("Middelburg", Region.ZEELAND),
    ("Breda", Region.NOORD_BRABANT),
    ("Tilburg", Region.NOORD_BRABANT),
    ("'s-Hertogenbosch", Region.NOORD_BRABANT),
    ("Venlo", Region.LIMBURG),
    ("Heerlen", Region.LIMBURG),
    ("Groningen", Region.GRONINGEN),
]
HOSPITAL_PATTERNS = [
    "Ziekenhuis {c}",
    "{c} Medisch Centrum",
    "Gasthuis {c}",
    "Zorgcentrum {c}",
    "Streekziekenhuis {c}",
]


def _ensure_organisations() -> dict[str, Organisation]:
    by_short: dict[str, Organisation] = {}
    for name, short, city, region, website in UNIVERSITIES:
        org, _ = Organisation.objects.get_or_create(
            name=name,
            defaults={
                "short_name": short,
                "city": city,
                "region": region,
                "website": website,
                "kind": OrganisationKind.UNIVERSITY,
            },
        )
        by_short[short] = org
    for name, short, city, region, kind in CARE_PROVIDERS:
        org, created = Organisation.objects.get_or_create(
            name=name, defaults={"short_name": short, "city": city, "region": region, "kind": kind}
        )
        by_short[short] = org
        if created:
            Department.objects.bulk_create(
                [Department(organisation=org, name=d) for d in DEPARTMENTS[: 2 + len(short) % 3]]
            )
    return by_short


def _make_user(email: str, name: str, language: str, password_hash: str) -> User:
    user = User.objects.create(
        email=email, full_name=name, language=language, password=password_hash
    )
    EmailAddress.objects.create(user=user, email=email, primary=True, verified=True)
    return user


@transaction.atomic
def seed_demo(*, stdout=None) -> list[DemoLogin]:
    """Idempotent: running it twice changes nothing."""
    from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
    from allauth.mfa.totp.internal.auth import TOTP

    organisations = _ensure_organisations()
    password_hash = make_password(DEMO_PASSWORD)
    for login in DEMO_LOGINS:
        user = User.objects.filter(email=login.email).first()
        if user is None:
            user = _make_user(login.email, login.name, login.language, password_hash)
            for kind, short in login.roles:
                organisation = organisations[short]
                Role.objects.create(
                    user=user,
                    organisation=organisation,
                    kind=kind,
                    department=organisation.departments.order_by("name").first(),
                )
            if login.needs_totp:
                TOTP.activate(user, DEMO_TOTP_SECRET)
                RecoveryCodes.activate(user)
    # A few more people, so that lists look like a real programme.
    rng = random.Random(2026)
    hospitals = [o for o in organisations.values() if not o.is_university]
    if not User.objects.filter(email__startswith="colleague").exists():
        for n in range(24):
            name = f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}"
            user = _make_user(
                f"colleague{n:02d}@{DEMO_DOMAIN}", name, rng.choice(["nl", "en"]), password_hash
            )
            hospital = hospitals[n % len(hospitals)]
            kind = [RoleKind.MEDICAL_DOCTOR, RoleKind.HOSPITAL_SUPERVISOR, RoleKind.TRAINEE][n % 3]
            Role.objects.create(
                user=user,
                organisation=hospital,
                kind=kind,
                department=hospital.departments.order_by("name").first(),
            )
        for hospital in hospitals[2:6]:
            name = f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}"
            slug = hospital.short_name.lower().replace(" ", "")
            user = _make_user(f"coordinator.{slug}@{DEMO_DOMAIN}", name, "nl", password_hash)
            Role.objects.create(
                user=user, organisation=hospital, kind=RoleKind.HOSPITAL_COORDINATOR
            )
    if stdout:
        stdout.write(
            f"Demo data ready: {Organisation.objects.count()} organisations, {User.objects.count()} people."
        )
    return DEMO_LOGINS


@transaction.atomic
def seed_national(*, hospitals: int = 64, people: int = 5200, seed: int = 4, stdout=None) -> None:
    """A large synthetic data set: at least 60 hospitals and 5,000 people with roles."""
    rng = random.Random(seed)
    organisations = _ensure_organisations()
    universities = [o for o in organisations.values() if o.is_university]
    existing = set(Organisation.objects.values_list("name", flat=True))
    new_orgs = []
    n = 0
    while len(new_orgs) + Organisation.objects.care_providers().count() < hospitals:
        city, region = CITIES[n % len(CITIES)]
        pattern = HOSPITAL_PATTERNS[(n // len(CITIES)) % len(HOSPITAL_PATTERNS)]
        name = pattern.format(c=city) + (
            "" if n < len(CITIES) * len(HOSPITAL_PATTERNS) else f" {n}"
        )
        n += 1
        if name in existing:
            continue
        existing.add(name)
        new_orgs.append(
            Organisation(name=name, city=city, region=region, kind=OrganisationKind.HOSPITAL)
        )
    Organisation.objects.bulk_create(new_orgs, batch_size=500)
    care = list(Organisation.objects.care_providers())
    Department.objects.bulk_create(
        [Department(organisation=o, name=d) for o in care for d in DEPARTMENTS[:3]],
        batch_size=1000,
        ignore_conflicts=True,
    )
    password_hash = make_password(None)  # national accounts cannot sign in until invited
    start = User.objects.filter(email__startswith="person").count()
    users = [
        User(
            email=f"person{start + i:06d}@national.qme.example",
            full_name=f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}",
            language=rng.choice(["nl", "en"]),
            password=password_hash,
        )
        for i in range(max(0, people - start))
    ]
    User.objects.bulk_create(users, batch_size=1000)
    users = list(User.objects.filter(email__endswith="@national.qme.example").only("pk"))
    role_kinds = [
        RoleKind.MEDICAL_DOCTOR,
        RoleKind.HOSPITAL_SUPERVISOR,
        RoleKind.TRAINEE,
        RoleKind.TRAINEE,
    ]
    roles = []
    for i, user in enumerate(users):
        if i % 50 == 0:
            roles.append(
                Role(
                    user=user,
                    organisation=rng.choice(universities),
                    kind=RoleKind.UNIVERSITY_SUPERVISOR,
                )
            )
        elif i % 97 == 0:
            roles.append(
                Role(
                    user=user, organisation=care[i % len(care)], kind=RoleKind.HOSPITAL_COORDINATOR
                )
            )
        else:
            roles.append(
                Role(user=user, organisation=rng.choice(care), kind=rng.choice(role_kinds))
            )
    Role.objects.bulk_create(roles, batch_size=2000, ignore_conflicts=True)
    if stdout:
        stdout.write(
            f"National data ready: {Organisation.objects.care_providers().count()} hospitals and care "
            f"institutions, {User.objects.count()} people, {Role.objects.count()} roles."
        )
