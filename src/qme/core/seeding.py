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
    _seed_positions(organisations, password_hash)
    _seed_selection(organisations, password_hash)
    _refresh_next_due()
    if stdout:
        stdout.write(
            f"Demo data ready: {Organisation.objects.count()} organisations, {User.objects.count()} people."
        )
    return DEMO_LOGINS


@transaction.atomic
def seed_national(
    *,
    hospitals: int = 64,
    people: int = 5200,
    graduates: int = 10000,
    applications: int = 50_000,
    feedback: int = 500_000,
    seed: int = 4,
    stdout=None,
) -> None:
    """A large synthetic data set: at least 60 hospitals and 5,000 people with roles (about 2,500
    trainees in training), about `applications` applications with the committee's scores,
    about `feedback` feedback entries, and `graduates` graduates with signed diplomas."""
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
    start = User.objects.filter(email__endswith="@national.qme.example").count()
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
    # Only people without a role get one, so that running the seed again adds nothing.
    users = list(
        User.objects.filter(email__endswith="@national.qme.example", roles__isnull=True)
        .order_by("pk")
        .only("pk")
    )
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
    _seed_national_positions(rng, care, universities)
    _seed_national_selection(rng, total=applications)
    _seed_national_training(rng)
    _seed_national_feedback(rng, total=feedback)
    from qme.graduation.seeding import seed_national_graduates

    seed_national_graduates(graduates, stdout=stdout)
    _refresh_next_due()
    if stdout:
        stdout.write(
            f"National data ready: {Organisation.objects.care_providers().count()} hospitals and care "
            f"institutions, {User.objects.count()} people, {Role.objects.count()} roles."
        )


def _refresh_next_due() -> None:
    """Plans and records made in bulk pass no service: each traineeship's next due item is
    computed once, for all of them, at the end."""
    from qme.training import services as training_services
    from qme.training.models import Traineeship

    training_services.refresh_next_due(Traineeship.objects.all())


# --- Position requests and positions -----------------------------------------------------------

DEMO_PROJECTS = [
    # (hospital short name, title, clinical problem, outline, final state)
    (
        "Amstelland MC",
        "Patient-specific 4D flow MRI model of the aortic valve",
        "Cardiologists cannot yet predict which patients with a bicuspid aortic valve will develop aortic dilatation.",
        "Design a pipeline from 4D flow MRI to a patient-specific flow model that reports wall shear stress to the cardiologist.",
        "open",
    ),
    (
        "Maasoever",
        "AI-assisted follow-up of lung nodules in low-dose CT",
        "Radiologists spend much time comparing nodules between follow-up scans, and miss growth in small nodules.",
        "Design and validate a tool that registers follow-up CT scans and measures nodule volume change, embedded in the radiology workflow.",
        "open",
    ),
    (
        "Vechtdal",
        "Remote monitoring of heart failure patients at home",
        "Readmissions of heart failure patients are often preceded by signs that are not noticed in time.",
        "Design a monitoring concept with wearable sensors and an alarm logic that nurses trust.",
        "draft",
    ),
    (
        "MC Kempenland",
        "Dose optimisation in paediatric interventional radiology",
        "Children receive more radiation than needed during some interventional procedures.",
        "Design protocol-specific dose settings and a real-time feedback display for the interventional team.",
        "selection",
    ),
    (
        "Noorderzorg",
        "Patient-specific 3D-printed surgical guides for jaw reconstruction",
        "Planning jaw reconstructions takes surgeons many hours and the result varies.",
        "Design a validated workflow from CT to a 3D-printed cutting guide that surgeons can plan in one hour.",
        "filled",
    ),
    (
        "Waalboog",
        "Automated quality control of the linear accelerators",
        "Daily quality control of the radiotherapy linear accelerators takes an hour before the first patient.",
        "Design an automated QC procedure with image analysis of the daily phantom measurements.",
        "cancelled",
    ),
]
PROJECT_UNIVERSITY = {
    "Amstelland MC": "UT",
    "Maasoever": "TU/e",
    "Vechtdal": "UT",
    "MC Kempenland": "TU/e",
    "Noorderzorg": "TU Delft",
    "Waalboog": "WUR",
}
DEMO_REQUESTS = [
    ("Amstelland MC", "Closed-loop control of anaesthesia depth", "draft"),
    ("Maasoever", "Early warning of sepsis from monitoring data on the ward", "submitted"),
    ("Amstelland MC", "Image-guided needle placement for liver biopsies", "changes_requested"),
    ("Vechtdal", "Smart bed for the prevention of pressure ulcers", "declined"),
    ("Maasoever", "Ultrasound elastography of the thyroid", "withdrawn"),
]


def _person_of(hospital: Organisation, kind: str, password_hash: str) -> User:
    role = Role.objects.filter(organisation=hospital, kind=kind).select_related("user").first()
    if role:
        return role.user
    slug = (hospital.short_name or hospital.name).lower().replace(" ", "").replace("/", "")
    user = _make_user(
        f"{kind.replace('_', '.')}.{slug}@{DEMO_DOMAIN}",
        f"{kind.split('_')[-1].title()} {hospital.short_name}",
        "nl",
        password_hash,
    )
    Role.objects.create(user=user, organisation=hospital, kind=kind)
    return user


def _seed_positions(organisations: dict[str, Organisation], password_hash: str) -> None:
    import datetime as dt

    from django.utils import timezone

    from qme.positions import services as position_services
    from qme.positions.models import Position, PositionRequest, PositionStatus

    if PositionRequest.objects.exists():
        return
    office = User.objects.get(email=f"office@{DEMO_DOMAIN}")
    today = timezone.localdate()
    universities = [o for o in organisations.values() if o.is_university]
    uni_supervisors = {u.pk: _university_supervisor(u, password_hash) for u in universities}

    def draft(short: str, title: str, problem: str = "", outline: str = "") -> PositionRequest:
        hospital = organisations[short]
        coordinator = _person_of(hospital, RoleKind.HOSPITAL_COORDINATOR, password_hash)
        return position_services.create_request(
            actor=coordinator,
            hospital=hospital,
            department=hospital.departments.order_by("name").first(),
            title=title,
            clinical_problem=problem
            or f"The clinical problem behind “{title}”, as seen by the department.",
            project_outline=outline
            or f"A design project of effectively one year: {title.lower()}.",
            expected_result="A validated prototype that the department can use in daily care.",
            medical_doctor=_person_of(hospital, RoleKind.MEDICAL_DOCTOR, password_hash),
            hospital_supervisor=_person_of(hospital, RoleKind.HOSPITAL_SUPERVISOR, password_hash),
            intended_start=today + dt.timedelta(days=150),
            commits_employment=True,
            commits_funding=True,
            commits_workplace=True,
            training_climate="Clinical physicists, two engineers and a research group in the department.",
        )

    for short, title, problem, outline, state in DEMO_PROJECTS:
        request = draft(short, title, problem, outline)
        coordinator = request.created_by
        position_services.submit_request(actor=coordinator, request=request)
        university = organisations[PROJECT_UNIVERSITY.get(short, "UT")]
        position = position_services.approve_request(
            actor=office,
            request=request,
            university=university,
            university_supervisor=uni_supervisors[university.pk],
            reason="Strong clinical case and a good training climate.",
        )
        position_services.update_position(
            actor=office,
            position=position,
            changes={
                "title_nl": title,
                "requirements_en": "Experience with image analysis or modelling is an advantage.",
                "requirements_nl": "Ervaring met beeldanalyse of modelleren is een pre.",
            },
        )
        if state == "draft":
            continue
        position_services.publish_position(actor=office, position=position)
        if state in ("selection", "filled"):
            position_services.close_position(
                actor=office, position=position, reason="Enough strong applicants."
            )
        if state == "filled":
            Position.objects.filter(pk=position.pk).update(status=PositionStatus.FILLED)
        if state == "cancelled":
            position_services.cancel_position(
                actor=office, position=position, reason="The funding of the hospital fell through."
            )

    for short, title, state in DEMO_REQUESTS:
        request = draft(short, title)
        coordinator = request.created_by
        if state == "draft":
            position_services.update_request(
                actor=coordinator,
                request=request,
                changes={"training_climate": "", "commits_funding": False},
            )
            continue
        position_services.submit_request(actor=coordinator, request=request)
        if state == "changes_requested":
            position_services.request_changes(
                actor=office,
                request=request,
                comment="Please describe who supervises the trainee day to day, and confirm the funding for the second year.",
            )
        elif state == "declined":
            position_services.decline_request(
                actor=office,
                request=request,
                reason="The project is a product development without a design question at EngD level.",
            )
        elif state == "withdrawn":
            position_services.withdraw_request(
                actor=coordinator,
                request=request,
                reason="The department chose a PhD position instead.",
            )


def _university_supervisor(university: Organisation, password_hash: str) -> User:
    role = (
        Role.objects.filter(organisation=university, kind=RoleKind.UNIVERSITY_SUPERVISOR)
        .select_related("user")
        .first()
    )
    if role:
        return role.user
    slug = (university.short_name or university.name).lower().replace("/", "").replace(" ", "")
    user = _make_user(
        f"supervisor.{slug}@{DEMO_DOMAIN}",
        f"Supervisor {university.short_name}",
        "en",
        password_hash,
    )
    Role.objects.create(user=user, organisation=university, kind=RoleKind.UNIVERSITY_SUPERVISOR)
    return user


def _seed_national_positions(
    rng: random.Random, care: list[Organisation], universities: list[Organisation]
) -> None:
    """Hundreds of requests and positions over ten years, created in bulk (no e-mail)."""
    import datetime as dt

    from django.utils import timezone

    from qme.positions.models import Position, PositionRequest, PositionStatus, RequestStatus

    if PositionRequest.objects.filter(title__startswith="National project").exists():
        return
    office = User.objects.get(email=f"office@{DEMO_DOMAIN}")
    coordinators = dict(
        Role.objects.filter(kind=RoleKind.HOSPITAL_COORDINATOR).values_list(
            "organisation_id", "user_id"
        )
    )
    supervisors = list(
        Role.objects.filter(kind=RoleKind.UNIVERSITY_SUPERVISOR).values_list(
            "organisation_id", "user_id"
        )
    )
    today = timezone.localdate()
    requests = []
    for n in range(440):
        year_ago = 10 - n // 44
        hospital = care[n % len(care)]
        submitted = timezone.now() - dt.timedelta(days=365 * year_ago - rng.randint(0, 300))
        if year_ago > 1:
            status = rng.choices(
                [RequestStatus.APPROVED, RequestStatus.DECLINED, RequestStatus.WITHDRAWN], [7, 2, 1]
            )[0]
        else:
            status = rng.choice(list(RequestStatus.values))
        requests.append(
            PositionRequest(
                hospital=hospital,
                title=f"National project {n:04d}: {rng.choice(['imaging', 'modelling', 'monitoring', 'dosimetry', 'signal analysis'])}",
                clinical_problem="A clinical problem of the department.",
                project_outline="A design project of effectively one year.",
                expected_result="A validated prototype.",
                intended_start=(submitted + dt.timedelta(days=180)).date(),
                commits_employment=True,
                commits_funding=True,
                commits_workplace=True,
                training_climate="Clinical physicists and engineers.",
                status=status,
                created_by_id=coordinators.get(hospital.pk, office.pk),
                created_at=submitted - dt.timedelta(days=14),
                updated_at=submitted,
                submitted_at=None if status == RequestStatus.DRAFT else submitted,
                submission_count=0 if status == RequestStatus.DRAFT else 1,
                decided_at=submitted + dt.timedelta(days=20)
                if status in (RequestStatus.APPROVED, RequestStatus.DECLINED)
                else None,
                decided_by=office
                if status in (RequestStatus.APPROVED, RequestStatus.DECLINED)
                else None,
                decision_reason="Decided by the programme office."
                if status == RequestStatus.DECLINED
                else "",
            )
        )
    PositionRequest.objects.bulk_create(requests, batch_size=500)
    positions = []
    for request in PositionRequest.objects.filter(
        title__startswith="National project", status=RequestStatus.APPROVED
    ):
        university_id, supervisor_id = supervisors[request.pk % len(supervisors)]
        start = request.intended_start
        deadline = start - dt.timedelta(days=60)
        if start < today - dt.timedelta(days=60):
            status = PositionStatus.FILLED if request.pk % 9 else PositionStatus.CANCELLED
        elif deadline >= today:
            status = PositionStatus.OPEN
        else:
            status = PositionStatus.SELECTION
        PositionRequest.objects.filter(pk=request.pk).update(
            university_id=university_id, university_supervisor_id=supervisor_id
        )
        positions.append(
            Position(
                request=request,
                hospital_id=request.hospital_id,
                university_id=university_id,
                title_nl=request.title,
                title_en=request.title,
                description_nl=request.project_outline,
                description_en=request.project_outline,
                start_date=start,
                application_deadline=deadline,
                status=status,
                published_at=request.decided_at,
                status_changed_at=request.decided_at or request.updated_at,
            )
        )
    Position.objects.bulk_create(positions, batch_size=500)


# --- Selection ---------------------------------------------------------------------------------

DEMO_APPLICANTS = [
    # (name, language, Dutch level, evidence, master's field)
    ("Iris Vermeulen", "nl", "native", "first_language", "Biomedical Engineering"),
    ("Tom Hoekstra", "nl", "native", "first_language", "Technical Medicine"),
    ("Sara Kaya", "en", "C1", "certificate", "Applied Physics"),
    ("Wouter Dekker", "nl", "native", "first_language", "Electrical Engineering"),
    ("Mei Chen", "en", "B1", "certificate", "Biomedical Engineering"),
    ("Jasper de Graaf", "nl", "native", "dutch_degree", "Mechanical Engineering"),
]
TINY_PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"


def _pdf(name: str):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, TINY_PDF, content_type="application/pdf")


def _apply(user: User, position, *, level: str, evidence: str, field: str, submit: bool = True):
    import datetime as dt

    from qme.selection import services as selection_services

    application = selection_services.start_application(actor=user, position=position)
    selection_services.update_application(
        actor=user,
        application=application,
        changes={
            "phone": "06 1234 5678",
            "city": "Utrecht",
            "master_field": field,
            "master_university": "Eindhoven University of Technology",
            "master_date": position.start_date - dt.timedelta(days=200),
            "master_completed": True,
            "dutch_level": level,
            "dutch_evidence_kind": evidence,
            "dutch_certificate_date": position.start_date - dt.timedelta(days=400)
            if evidence == "certificate"
            else None,
        },
    )
    for kind in ("cv", "motivation", "diploma") + (
        () if evidence == "first_language" else ("dutch_evidence",)
    ):
        selection_services.upload_document(
            actor=user, application=application, kind=kind, uploaded=_pdf(f"{kind}.pdf")
        )
    if submit:
        selection_services.submit_application(actor=user, application=application)
    application.refresh_from_db()
    return application


def _score_all(member_user: User, stage, applications, base: int) -> None:
    from qme.selection import services as selection_services

    criteria = list(stage.criteria.all())
    for n, application in enumerate(applications):
        scores = {
            c.pk: (
                max(1, min(5, base + (n + i) % 3 - 1)),
                "Based on the CV, the motivation letter and the interview notes.",
            )
            for i, c in enumerate(criteria)
        }
        selection_services.save_scores(
            actor=member_user, stage=stage, application=application, scores=scores, submit=True
        )


def _seed_selection(organisations: dict[str, Organisation], password_hash: str) -> None:
    import datetime as dt

    from django.utils import timezone

    from qme.positions.models import Position, PositionStatus
    from qme.selection import services as selection_services
    from qme.selection.models import Application, Side, StageKind

    if Application.objects.exists():
        return
    office = User.objects.get(email=f"office@{DEMO_DOMAIN}")
    applicants = []
    for i, (name, language, level, evidence, field) in enumerate(DEMO_APPLICANTS):
        user = _make_user(f"candidate{i + 1}@{DEMO_DOMAIN}", name, language, password_hash)
        applicants.append((user, level, evidence, field))
    demo_applicant = User.objects.get(email=f"applicant@{DEMO_DOMAIN}")

    def committee(position, uni_members, hospital_members):
        for j, person in enumerate(uni_members):
            selection_services.add_committee_member(
                actor=office,
                position=position,
                person=person,
                side=Side.UNIVERSITY,
                is_chair=j == 0,
            )
        for j, person in enumerate(hospital_members):
            selection_services.add_committee_member(
                actor=office, position=position, person=person, side=Side.HOSPITAL, is_chair=j == 0
            )

    # 1. Amstelland (open): the committee is scoring while applications come in.
    amstelland = Position.objects.get(
        hospital=organisations["Amstelland MC"], status=PositionStatus.OPEN
    )
    lars = User.objects.get(email=f"university.supervisor@{DEMO_DOMAIN}")
    anouk = User.objects.get(email=f"committee@{DEMO_DOMAIN}")
    joost = User.objects.get(email=f"coordinator.amstelland@{DEMO_DOMAIN}")
    committee(amstelland, [lars], [anouk, joost])
    submitted = [
        _apply(
            demo_applicant,
            amstelland,
            level="C1",
            evidence="certificate",
            field="Biomedical Engineering",
        )
    ]
    for user, level, evidence, field in applicants[:3]:
        submitted.append(_apply(user, amstelland, level=level, evidence=evidence, field=field))
    _apply(
        applicants[4][0],
        amstelland,
        level="B1",
        evidence="certificate",
        field="Biomedical Engineering",
    )  # not eligible
    _apply(
        applicants[5][0],
        amstelland,
        level="native",
        evidence="dutch_degree",
        field="Mechanical Engineering",
        submit=False,
    )
    screening = amstelland.stages.get(kind=StageKind.SCREENING)
    _score_all(lars, screening, submitted, 4)
    _score_all(joost, screening, submitted[:2], 3)

    # 2. Kempenland (selection): everyone has scored; a decision waits for the hospital chair.
    kempenland = Position.objects.get(
        hospital=organisations["MC Kempenland"], status=PositionStatus.SELECTION
    )
    uni = organisations["TU/e"]
    hospital = organisations["MC Kempenland"]
    uni_supervisor = _university_supervisor(uni, password_hash)
    coordinator = _person_of(hospital, RoleKind.HOSPITAL_COORDINATOR, password_hash)
    doctor = _person_of(hospital, RoleKind.MEDICAL_DOCTOR, password_hash)
    committee(kempenland, [uni_supervisor, office], [coordinator, doctor])
    # Applications arrived while the position was open.
    Position.objects.filter(pk=kempenland.pk).update(status=PositionStatus.OPEN)
    kempenland.refresh_from_db()
    candidates = [
        _apply(user, kempenland, level=level, evidence=evidence, field=field)
        for user, level, evidence, field in applicants[:4]
    ]
    Position.objects.filter(pk=kempenland.pk).update(status=PositionStatus.SELECTION)
    kempenland.refresh_from_db()
    screening = kempenland.stages.get(kind=StageKind.SCREENING)
    for k, member in enumerate([uni_supervisor, office, coordinator, doctor]):
        _score_all(member, screening, candidates, 3 + k % 2)
    selection_services.shortlist(actor=office, applications=candidates[:3])
    selection_services.reject(
        actor=office,
        applications=[candidates[3]],
        reason="Less design experience than the other candidates.",
    )
    selection_services.invite_to_interview(
        actor=office,
        applications=candidates[:2],
        starts_at=timezone.now() + dt.timedelta(days=7),
        duration_minutes=60,
        location="MC Kempenland, Klinische Fysica, room 2.14",
    )
    decision = selection_services.propose_decision(
        actor=coordinator,
        position=kempenland,
        candidate=candidates[0],
        reserves=[candidates[1], candidates[2]],
        rationale="Strongest in modelling and design; clear clinical motivation. Reserves in the order of the ranking.",
        offer_deadline=timezone.localdate() + dt.timedelta(days=14),
    )
    selection_services.approve_decision(actor=uni_supervisor, decision=decision)

    # 3. Noorderzorg (filled): the procedure ran to the end; the graduate-to-be is a trainee.
    noorderzorg = Position.objects.get(
        hospital=organisations["Noorderzorg"], status=PositionStatus.FILLED
    )
    uni = organisations["TU Delft"]
    hospital = organisations["Noorderzorg"]
    chair_uni = _university_supervisor(uni, password_hash)
    chair_hospital = _person_of(hospital, RoleKind.HOSPITAL_COORDINATOR, password_hash)
    Position.objects.filter(pk=noorderzorg.pk).update(status=PositionStatus.OPEN)
    noorderzorg.refresh_from_db()
    committee(noorderzorg, [chair_uni], [chair_hospital])
    winner_user = _make_user(f"new.trainee@{DEMO_DOMAIN}", "Sven Kramer", "nl", password_hash)
    winner = _apply(
        winner_user,
        noorderzorg,
        level="native",
        evidence="first_language",
        field="Technical Medicine",
    )
    runner_up = _apply(
        applicants[3][0],
        noorderzorg,
        level="native",
        evidence="first_language",
        field="Electrical Engineering",
    )
    Position.objects.filter(pk=noorderzorg.pk).update(status=PositionStatus.SELECTION)
    noorderzorg.refresh_from_db()
    screening = noorderzorg.stages.get(kind=StageKind.SCREENING)
    _score_all(chair_uni, screening, [winner, runner_up], 4)
    _score_all(chair_hospital, screening, [winner, runner_up], 4)
    selection_services.shortlist(actor=office, applications=[winner, runner_up])
    decision = selection_services.propose_decision(
        actor=chair_uni,
        position=noorderzorg,
        candidate=winner,
        reserves=[runner_up],
        rationale="Best fit with the surgical team, strong in 3D modelling.",
        offer_deadline=timezone.localdate() + dt.timedelta(days=10),
    )
    selection_services.approve_decision(actor=chair_uni, decision=decision)
    selection_services.approve_decision(actor=chair_hospital, decision=decision)
    offer = decision.offers.get()
    selection_services.respond_to_offer(actor=winner_user, offer=offer, accept=True)

    _seed_training(organisations, office, lars, password_hash)
    _seed_graduates(organisations, office, password_hash)


def _seed_national_selection(rng: random.Random, total: int = 50_000) -> None:
    """About `total` applications with committee scores, spread over the national positions, in
    bulk (no e-mail)."""
    import datetime as dt

    from django.utils import timezone

    from qme.positions.models import Position, PositionStatus
    from qme.selection import rubric
    from qme.selection.models import (
        Application,
        ApplicationStatus,
        CommitteeMember,
        Criterion,
        Score,
        ScoreSheet,
        Side,
        Stage,
        StageKind,
    )

    positions = list(
        Position.objects.filter(request__title__startswith="National project")
        .exclude(status=PositionStatus.DRAFT)
        .filter(committee__isnull=True)
    )
    if not positions:
        return
    per_position = max(1, -(-total // len(positions)))
    password_hash = make_password(None)
    supervisors = dict(
        Role.objects.filter(kind=RoleKind.UNIVERSITY_SUPERVISOR).values_list(
            "organisation_id", "user_id"
        )
    )
    hospital_people = dict(
        Role.objects.filter(
            kind__in=[RoleKind.HOSPITAL_COORDINATOR, RoleKind.MEDICAL_DOCTOR]
        ).values_list("organisation_id", "user_id")
    )
    start = User.objects.filter(email__endswith="@applicants.qme.example").count()
    needed = len(positions) * per_position
    User.objects.bulk_create(
        [
            User(
                email=f"applicant{start + i:06d}@applicants.qme.example",
                full_name=f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}",
                language=rng.choice(["nl", "en"]),
                password=password_hash,
            )
            for i in range(needed)
        ],
        batch_size=2000,
    )
    applicant_ids = list(
        User.objects.filter(email__endswith="@applicants.qme.example")
        .order_by("-pk")
        .values_list("pk", flat=True)[:needed]
    )
    members, stages, applications = [], [], []
    for n, position in enumerate(positions):
        uni_user = supervisors.get(position.university_id)
        hospital_user = hospital_people.get(position.hospital_id)
        if uni_user:
            members.append(
                CommitteeMember(
                    position=position, user_id=uni_user, side=Side.UNIVERSITY, is_chair=True
                )
            )
        if hospital_user:
            members.append(
                CommitteeMember(
                    position=position, user_id=hospital_user, side=Side.HOSPITAL, is_chair=True
                )
            )
        for order, kind in enumerate(rubric.DEFAULT_STAGES, start=1):
            stages.append(Stage(position=position, order=order, kind=kind))
        submitted = position.published_at or timezone.now()
        for k in range(per_position):
            if position.status == PositionStatus.FILLED:
                status = ApplicationStatus.ACCEPTED if k == 0 else ApplicationStatus.REJECTED
            elif position.status == PositionStatus.CANCELLED:
                status = ApplicationStatus.REJECTED
            else:
                status = rng.choice(
                    [
                        ApplicationStatus.SUBMITTED,
                        ApplicationStatus.SHORTLISTED,
                        ApplicationStatus.REJECTED,
                    ]
                )
            applications.append(
                Application(
                    position=position,
                    applicant_id=applicant_ids[n * per_position + k],
                    status=status,
                    master_field="Biomedical Engineering",
                    master_university="University of Twente",
                    master_date=position.start_date - dt.timedelta(days=100),
                    master_completed=True,
                    dutch_level="C1",
                    dutch_evidence_kind="certificate",
                    submitted_at=submitted + dt.timedelta(days=k % 20),
                    created_at=submitted,
                    updated_at=submitted,
                    status_changed_at=submitted,
                    data_deleted_at=timezone.now()
                    if position.status in (PositionStatus.FILLED, PositionStatus.CANCELLED) and k
                    else None,
                )
            )
    CommitteeMember.objects.bulk_create(members, batch_size=2000)
    Stage.objects.bulk_create(stages, batch_size=2000)
    Application.objects.bulk_create(applications, batch_size=2000)
    screening = list(Stage.objects.filter(position__in=positions, kind=StageKind.SCREENING))
    Criterion.objects.bulk_create(
        [
            Criterion(
                stage=stage,
                order=i,
                name_en=en,
                name_nl=nl,
                weight=weight,
                description_en=d_en,
                description_nl=d_nl,
                anchors_en=rubric.ANCHORS_EN,
                anchors_nl=rubric.ANCHORS_NL,
            )
            for stage in screening
            for i, (en, nl, weight, d_en, d_nl) in enumerate(rubric.DEFAULT_CRITERIA, start=1)
        ],
        batch_size=5000,
    )
    stage_by_position = {s.position_id: s for s in screening}
    member_rows = list(
        CommitteeMember.objects.filter(position__in=positions).values_list("pk", "position_id")
    )
    sheets = [
        ScoreSheet(
            stage=stage_by_position[position_id],
            application_id=application_id,
            member_id=member_id,
            submitted_at=timezone.now(),
        )
        for member_id, position_id in member_rows
        for application_id in Application.objects.filter(position_id=position_id).values_list(
            "pk", flat=True
        )
    ]
    ScoreSheet.objects.bulk_create(sheets, batch_size=5000)
    criteria_by_stage: dict[int, list[int]] = {}
    for criterion_id, stage_id in Criterion.objects.filter(stage__in=screening).values_list(
        "pk", "stage_id"
    ):
        criteria_by_stage.setdefault(stage_id, []).append(criterion_id)
    scores = [
        Score(
            sheet_id=sheet_id,
            criterion_id=criterion_id,
            value=rng.randint(2, 5),
            justification="Seeded score.",
        )
        for sheet_id, stage_id in ScoreSheet.objects.filter(stage__in=screening).values_list(
            "pk", "stage_id"
        )
        for criterion_id in criteria_by_stage[stage_id]
    ]
    Score.objects.bulk_create(scores, batch_size=10000)


# --- Training --------------------------------------------------------------------------------------

CATALOGUE = [
    # (kind, English, Dutch, provider, EC)
    ("course", "Medical image analysis", "Medische beeldanalyse", "University of Twente", 5),
    (
        "course",
        "Mathematical modelling of physiology",
        "Wiskundig modelleren van fysiologie",
        "TU Eindhoven",
        5,
    ),
    (
        "course",
        "Design methodology for engineers",
        "Ontwerpmethodologie voor ingenieurs",
        "TU Delft",
        4,
    ),
    (
        "course",
        "Medical device regulation (MDR)",
        "Regelgeving medische hulpmiddelen (MDR)",
        "Wageningen University",
        3,
    ),
    ("course", "Clinical epidemiology", "Klinische epidemiologie", "University of Twente", 4),
    (
        "workshop",
        "Professional communication with clinicians",
        "Professioneel communiceren met clinici",
        "4TU",
        2,
    ),
    ("training", "Leadership in healthcare innovation", "Leiderschap in zorginnovatie", "4TU", 3),
    ("workshop", "Scientific writing", "Wetenschappelijk schrijven", "TU Delft", 2),
]


def _seed_training(
    organisations: dict[str, Organisation], office: User, lars: User, password_hash: str
) -> None:
    import datetime as dt
    from decimal import Decimal

    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.utils import timezone

    from qme.training import services as training_services
    from qme.training.models import CatalogueItem, Curriculum, Edition, Traineeship

    if Traineeship.objects.filter(trainee__email=f"trainee@{DEMO_DOMAIN}").exists():
        return
    today = timezone.localdate()
    items = []
    for kind, en, nl, provider, ec in CATALOGUE:
        item, _created = CatalogueItem.objects.get_or_create(
            title_en=en, defaults={"kind": kind, "title_nl": nl, "provider": provider, "ec": ec}
        )
        items.append(item)
        Edition.objects.get_or_create(
            item=item,
            starts_on=today + dt.timedelta(days=60),
            defaults={"ends_on": today + dt.timedelta(days=95), "place": provider},
        )
    for year in range(today.year - 3, today.year + 2):
        curriculum, _created = Curriculum.objects.get_or_create(cohort_year=year)
        # An offer accepted earlier in the demo may have made the default rules of its year.
        if not curriculum.mandatory.exists():
            curriculum.mandatory.set([items[2], items[5]])

    hospital = organisations["Amstelland MC"]
    supervisor = User.objects.get(email=f"hospital.supervisor@{DEMO_DOMAIN}")
    doctor = User.objects.get(email=f"doctor@{DEMO_DOMAIN}")
    trainee = User.objects.get(email=f"trainee@{DEMO_DOMAIN}")
    start = today - dt.timedelta(days=300)
    traineeship = training_services.create_traineeship(
        actor=office,
        trainee=trainee,
        hospital=hospital,
        university=organisations["UT"],
        start_date=start,
        university_supervisor=lars,
        hospital_supervisor=supervisor,
        medical_doctor=doctor,
        design_project_title="Quantitative perfusion MRI of the kidney",
    )
    plan = training_services.start_plan_version(actor=trainee, traineeship=traineeship)

    def add(kind, title, ec, begin, end, catalogue=None):
        return training_services.add_plan_item(
            actor=trainee,
            plan=plan,
            kind=kind,
            title=title,
            ec=Decimal(ec),
            catalogue_item=catalogue,
            planned_start=start + dt.timedelta(days=begin),
            planned_end=start + dt.timedelta(days=end),
        )

    project = add(
        "design_project", "Design project: quantitative perfusion MRI of the kidney", 60, 30, 700
    )
    done = [
        add("course", items[i].title_en, items[i].ec, b, e, items[i])
        for i, b, e in ((0, 20, 90), (2, 40, 120), (5, 60, 70))
    ]
    late = add("course", items[1].title_en, items[1].ec, 150, 250, items[1])
    waiting = add(
        "clinical_project", "Clinical project: MRI protocol for renal transplants", 10, 120, 280
    )
    add("course", items[4].title_en, items[4].ec, 320, 420, items[4])
    add("training", items[6].title_en, items[6].ec, 400, 430, items[6])
    add("clinical_project", "Clinical project: quality assurance of the 3T scanner", 6, 430, 520)
    add("course", items[3].title_en, items[3].ec, 450, 500, items[3])
    add("workshop", items[7].title_en, items[7].ec, 500, 510, items[7])
    add("course", "External course: deep learning for medical imaging (Radboud)", 7, 520, 600)
    add("course", "Advanced MRI physics (ISMRM school)", 9, 540, 560)  # 120 EC in all
    training_services.submit_plan(
        actor=trainee, plan=plan, note="First version, agreed in the kick-off meeting."
    )
    training_services.approve_plan(actor=lars, plan=plan)
    training_services.approve_plan(actor=supervisor, plan=plan)
    for item in done:
        record = training_services.record_completion(
            actor=trainee,
            traineeship=traineeship,
            item=item,
            completed_on=item.planned_end,
            grade="8",
            evidence=SimpleUploadedFile(
                "certificate.pdf", TINY_PDF, content_type="application/pdf"
            ),
        )
        training_services.sign_off(actor=lars, record=record)
    training_services.record_completion(
        actor=trainee,
        traineeship=traineeship,
        item=waiting,
        completed_on=today - dt.timedelta(days=3),
        note="Protocol in clinical use since last week.",
        evidence=SimpleUploadedFile("report.pdf", TINY_PDF, content_type="application/pdf"),
    )
    milestones = list(traineeship.design_project.milestones.all())
    for milestone in milestones[:2]:
        training_services.upload_deliverable(
            actor=trainee,
            milestone=milestone,
            uploaded=SimpleUploadedFile(
                f"{milestone.title_en}.pdf", TINY_PDF, content_type="application/pdf"
            ),
        )
        training_services.reach_milestone(
            actor=lars, milestone=milestone, reached_on=milestone.due_on
        )
    del project, late

    _seed_feedback(traineeship, lars, supervisor, doctor, trainee)

    # Two colleagues at other points of their two years: one on parental leave, one extended.
    for n, (email_prefix, start_days, event) in enumerate(
        (("colleague02", 500, "leave"), ("colleague05", 760, "extension"))
    ):
        person = User.objects.get(email=f"{email_prefix}@{DEMO_DOMAIN}")
        role = person.roles.filter(kind=RoleKind.TRAINEE).select_related("organisation").first()
        if role is None or Traineeship.objects.filter(trainee=person).exists():
            continue
        other = training_services.create_traineeship(
            actor=office,
            trainee=person,
            hospital=role.organisation,
            university=organisations[["TU/e", "TU Delft"][n]],
            start_date=today - dt.timedelta(days=start_days),
            university_supervisor=_university_supervisor(
                organisations[["TU/e", "TU Delft"][n]], password_hash
            ),
            hospital_supervisor=_person_of(
                role.organisation, RoleKind.HOSPITAL_SUPERVISOR, password_hash
            ),
            design_project_title=[
                "Sensor fusion for early warning on the ward",
                "Dose tracking in CT",
            ][n],
        )
        if event == "leave":
            training_services.record_leave(
                actor=office,
                traineeship=other,
                kind="parental",
                starts_on=today - dt.timedelta(days=20),
                ends_on=today + dt.timedelta(days=90),
                note="Parental leave, 16 weeks",
            )
        else:
            training_services.grant_extension(
                actor=office,
                traineeship=other,
                days=90,
                reason="Three months extra for the validation study, agreed in the go/no-go review.",
            )
            _seed_reviews(other, office)


def _seed_national_training(rng: random.Random) -> None:
    """A traineeship, an approved plan and completed items for every national trainee, in bulk."""
    import datetime as dt
    from decimal import Decimal

    from django.utils import timezone

    from qme.training.models import (
        Curriculum,
        ItemKind,
        ItemRecord,
        PlanItem,
        PlanStatus,
        RecordStatus,
        Traineeship,
        TrainingPlan,
    )

    trainee_roles = list(
        Role.objects.filter(kind=RoleKind.TRAINEE, user__email__endswith="@national.qme.example")
        .exclude(user__traineeships__isnull=False)
        .values_list("user_id", "organisation_id")
    )
    if not trainee_roles:
        return
    today = timezone.localdate()
    universities = list(Organisation.objects.universities().values_list("pk", flat=True))
    supervisors = dict(
        Role.objects.filter(kind=RoleKind.UNIVERSITY_SUPERVISOR).values_list(
            "organisation_id", "user_id"
        )
    )
    hospital_supervisors = dict(
        Role.objects.filter(kind=RoleKind.HOSPITAL_SUPERVISOR).values_list(
            "organisation_id", "user_id"
        )
    )
    curricula = {}
    for year in range(today.year - 3, today.year + 1):
        curricula[year], _created = Curriculum.objects.get_or_create(cohort_year=year)
    traineeships = []
    for n, (user_id, hospital_id) in enumerate(trainee_roles):
        start = today - dt.timedelta(days=rng.randint(0, 700))
        university_id = universities[n % len(universities)]
        traineeships.append(
            Traineeship(
                trainee_id=user_id,
                hospital_id=hospital_id,
                university_id=university_id,
                start_date=start,
                expected_end_date=start + dt.timedelta(days=730),
                curriculum=curricula[start.year],
                university_supervisor_id=supervisors.get(university_id),
                hospital_supervisor_id=hospital_supervisors.get(hospital_id),
                design_project_title=f"Design project {n:05d}",
            )
        )
    Traineeship.objects.bulk_create(traineeships, batch_size=2000)
    created = list(
        Traineeship.objects.filter(design_project_title__startswith="Design project ").exclude(
            plans__isnull=False
        )
    )
    TrainingPlan.objects.bulk_create(
        [
            TrainingPlan(
                traineeship=t,
                version=1,
                status=PlanStatus.APPROVED,
                submitted_at=timezone.now(),
                university_approved_at=timezone.now(),
                hospital_approved_at=timezone.now(),
            )
            for t in created
        ],
        batch_size=2000,
    )
    plans = dict(
        TrainingPlan.objects.filter(traineeship__in=created).values_list("traineeship_id", "pk")
    )
    layout = (
        [(ItemKind.DESIGN_PROJECT, 60, 30, 700)]
        + [(ItemKind.COURSE, 5, 40 + 60 * k, 90 + 60 * k) for k in range(7)]
        + [
            (ItemKind.CLINICAL_PROJECT, 8, 200, 330),
            (ItemKind.WORKSHOP, 2, 120, 125),
            (ItemKind.TRAINING, 3, 400, 430),
            (ItemKind.CLINICAL_PROJECT, 7, 450, 560),
        ]
    )
    items, records = [], []
    for t in created:
        for k, (kind, ec, begin, end) in enumerate(layout):
            item = PlanItem(
                plan_id=plans[t.pk],
                kind=kind,
                title=f"{ItemKind(kind).label} {k + 1}",
                ec=Decimal(ec),
                planned_start=t.start_date + dt.timedelta(days=begin),
                planned_end=t.start_date + dt.timedelta(days=end),
            )
            items.append(item)
            if item.planned_end < today and rng.random() < 0.85:
                records.append(
                    ItemRecord(
                        traineeship=t,
                        item_key=item.key,
                        title=item.title,
                        completed_on=item.planned_end,
                        status=RecordStatus.SIGNED_OFF
                        if rng.random() < 0.9
                        else RecordStatus.RECORDED,
                        decided_at=timezone.now(),
                    )
                )
    PlanItem.objects.bulk_create(items, batch_size=5000)
    ItemRecord.objects.bulk_create(records, batch_size=5000)


def _seed_feedback(traineeship, lars: User, supervisor: User, doctor: User, trainee: User) -> None:
    """Daan has recent feedback from the university and none from the hospital for six weeks (the
    hospital side is flagged), a multisource round with three anonymous answers and one pending."""
    import datetime as dt

    from django.utils import timezone

    from qme.feedback import services as feedback_services
    from qme.feedback.models import Feedback

    framework = feedback_services.current_framework()
    competencies = {c.name_en: c for c in framework.competencies.all()}
    entries = [
        (
            lars,
            40,
            ["Mathematical modelling", "Design"],
            4,
            "Your perfusion model in the meeting of last week was clear, and you explained the assumptions well.",
            "The validation plan is thin: for example, how will you compare against the clinical reference?",
            "Write a one-page validation plan and discuss it with Sanne before the next meeting.",
        ),
        (
            doctor,
            45,
            ["Collaboration with doctors", "Clinical understanding"],
            4,
            "During the renal transplant meeting you asked the right clinical questions and listened well.",
            "Check with the radiographers before changing the protocol; on Tuesday the change surprised them.",
            "Present the protocol change at the next radiology meeting.",
        ),
        (
            lars,
            6,
            ["Communication", "Reflection"],
            3,
            "Your written summary of the interim results was concise, for example the table of errors.",
            "In the presentation you spent ten minutes on methods and two on results; turn that around.",
            "Rehearse the interim presentation with me on Thursday.",
        ),
    ]
    for author, days_ago, names, rating, well, improve, step in entries:
        feedback = feedback_services.give_feedback(
            actor=author,
            traineeship=traineeship,
            competencies=[competencies[n] for n in names],
            rating=rating,
            went_well=well,
            to_improve=improve,
            next_step=step,
            send_anyway=True,
        )
        Feedback.objects.filter(pk=feedback.pk).update(
            given_at=timezone.now() - dt.timedelta(days=days_ago)
        )
    latest = traineeship.feedback.order_by("-given_at").first()
    feedback_services.respond(
        actor=trainee, feedback=latest, body="Thanks, I will send you the outline on Wednesday."
    )
    chosen = [
        competencies["Communication"],
        competencies["Collaboration with doctors"],
        competencies["Professionalism"],
    ]
    feedback_round = feedback_services.start_round(
        actor=trainee,
        traineeship=traineeship,
        title="Feedback from the MRI department",
        anonymous=True,
        competencies=chosen,
        respondents=[
            {"name": "Ingrid (MRI nurse)", "email": f"ingrid.nurse@{DEMO_DOMAIN}", "role": "nurse"},
            {
                "name": "Ahmed (radiographer)",
                "email": f"ahmed.radiographer@{DEMO_DOMAIN}",
                "role": "technician",
            },
            {
                "name": "Dr. Bos (radiologist)",
                "email": f"bos.radiologist@{DEMO_DOMAIN}",
                "role": "doctor",
            },
            {
                "name": "Karin (patient panel)",
                "email": f"karin.panel@{DEMO_DOMAIN}",
                "role": "patient_representative",
            },
        ],
    )
    answers = [
        (
            "Explains the scan changes patiently at the console.",
            "Could involve the night shift earlier.",
        ),
        ("Always checks the protocol with us before a change.", "Sometimes uses too much jargon."),
        (
            "Listens to patients' worries about the longer scan.",
            "Plan the pilot days further ahead.",
        ),
    ]
    for request, (well, improve) in zip(
        feedback_round.requests.order_by("name")[:3], answers, strict=False
    ):
        feedback_services.answer_request(
            request=request, ratings={c.pk: 4 for c in chosen}, went_well=well, to_improve=improve
        )


def _seed_reviews(traineeship, office: User) -> None:
    """Reviews with each outcome for a trainee well into the second year, and a confirmed go."""
    import datetime as dt

    from django.utils import timezone

    from qme.feedback import services as feedback_services
    from qme.feedback.models import Outcome, ReviewKind

    reviews = [
        r
        for r in feedback_services.schedule_reviews(traineeship)
        if r.due_on <= timezone.localdate()
    ]
    outcomes = iter(
        [
            Outcome.SATISFACTORY,
            Outcome.TARGETED_TRAINING,
            Outcome.EXTRA_TIME,
            Outcome.INCOMPLETE_EVIDENCE,
            Outcome.SATISFACTORY,
            Outcome.SATISFACTORY,
        ]
    )
    supervisor = traineeship.university_supervisor
    hospital = traineeship.hospital_supervisor
    for review in reviews:
        feedback_services.write_self_assessment(
            actor=traineeship.trainee,
            review=review,
            text="I made good progress on the design; see my plan.",
        )
        if review.kind == ReviewKind.GO_NO_GO:
            feedback_services.record_review(
                actor=supervisor,
                review=review,
                held_on=review.due_on,
                continue_training=True,
                actions="Go. Finish the validation study; three months extra agreed.",
            )
        else:
            feedback_services.record_review(
                actor=supervisor,
                review=review,
                held_on=review.due_on,
                outcome=next(outcomes, Outcome.SATISFACTORY),
                actions="Actions agreed in the review meeting.",
            )
        for person in (traineeship.trainee, supervisor, hospital):
            feedback_services.sign_review(actor=person, review=review)
        if review.kind == ReviewKind.GO_NO_GO:
            feedback_services.confirm_go_no_go(actor=office, review=review)
    del dt


def _seed_national_feedback(rng: random.Random, total: int = 500_000) -> None:
    """About `total` feedback entries, shared by the national trainees and spread over their time
    so far, in bulk."""
    import datetime as dt

    from django.utils import timezone

    from qme.feedback import services as feedback_services
    from qme.feedback.models import Feedback, Side
    from qme.training.models import Traineeship

    traineeships = list(
        Traineeship.objects.filter(
            design_project_title__startswith="Design project ", feedback__isnull=True
        ).values_list("pk", "start_date", "university_supervisor_id", "hospital_supervisor_id")
    )
    if not traineeships:
        return
    per_trainee = max(2, -(-total // len(traineeships)))
    competencies = list(
        feedback_services.current_framework().competencies.values_list("pk", flat=True)
    )
    now = timezone.now()
    rows = []
    for pk, start, university_supervisor, hospital_supervisor in traineeships:
        elapsed = max((timezone.localdate() - start).days, 1)
        for k in range(per_trainee):
            side = Side.UNIVERSITY if k % 2 == 0 else Side.HOSPITAL
            author = university_supervisor if side == Side.UNIVERSITY else hospital_supervisor
            if author is None:
                continue
            rows.append(
                Feedback(
                    traineeship_id=pk,
                    author_id=author,
                    side=side,
                    rating=rng.randint(2, 5),
                    went_well="Seeded: a concrete example of what went well during the week.",
                    to_improve="Seeded: for example, plan the validation earlier.",
                    next_step="Seeded: discuss at the next meeting.",
                    given_at=now - dt.timedelta(days=rng.randint(0, elapsed)),
                )
            )
        if len(rows) >= 50_000:  # keep memory flat: half a million entries in slices
            Feedback.objects.bulk_create(rows, batch_size=5000)
            rows = []
    Feedback.objects.bulk_create(rows, batch_size=5000)
    through = Feedback.competencies.through
    links = [
        through(
            feedback_id=feedback_id, competency_id=competencies[feedback_id % len(competencies)]
        )
        for feedback_id in Feedback.objects.filter(went_well__startswith="Seeded:").values_list(
            "pk", flat=True
        )
    ]
    through.objects.bulk_create(links, batch_size=10000, ignore_conflicts=True)


def _seed_graduates(
    organisations: dict[str, Organisation], office: User, password_hash: str
) -> None:
    """Two graduates with complete records and diplomas; the second one's first diploma was
    revoked and reissued with a corrected name."""
    import datetime as dt

    from django.utils import timezone

    from qme.graduation import issuing
    from qme.graduation.models import BoardVote, CaseStatus, Diploma, GraduationCase, Vote
    from qme.graduation.seeding import complete_records
    from qme.training import services as training_services

    if Diploma.objects.exists():
        return
    board = User.objects.get(email=f"board@{DEMO_DOMAIN}")
    today = timezone.localdate()
    for n, (email, name, hospital, project, register) in enumerate(
        (
            ("graduate1", "Eva de Wit", "Vechtdal", "Motion correction for cardiac PET", True),
            (
                "graduate2",
                "Joris van Dam",
                "Waalboog",
                "Automated dose audit in radiotherapy",
                False,
            ),
        )
    ):
        user = _make_user(f"{email}@{DEMO_DOMAIN}", name, "nl", password_hash)
        university = organisations[["UT", "WUR"][n]]
        traineeship = training_services.create_traineeship(
            actor=office,
            trainee=user,
            hospital=organisations[hospital],
            university=university,
            start_date=today - dt.timedelta(days=800 + 100 * n),
            university_supervisor=_university_supervisor(university, password_hash),
            hospital_supervisor=_person_of(
                organisations[hospital], RoleKind.HOSPITAL_SUPERVISOR, password_hash
            ),
            design_project_title=project,
        )
        # A complete record: every component signed off, the design report assessed and the
        # last progress review satisfactory, so that the requirements check passes.
        complete_records([traineeship], office=office, rng=random.Random(n), now=timezone.now())
        case = GraduationCase.objects.create(
            traineeship=traineeship,
            proposed_by=office,
            status=CaseStatus.GRANTED,
            decided_by=board,
            decided_at=timezone.now(),
        )
        BoardVote.objects.create(case=case, member=board, vote=Vote.GRANT)
        diploma = issuing.issue_diploma(case=case, holder_name=name if n == 0 else "Joris van Damm")
        if register:
            Diploma.objects.filter(pk=diploma.pk).update(in_register=True)
        if n == 1:
            issuing.reissue(
                actor=office, diploma=diploma, reason="The name was misspelled.", holder_name=name
            )
