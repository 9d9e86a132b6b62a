"""National-scale graduates for `qme seed --scale national`, in bulk: each with a completed
traineeship (an approved plan of 120 EC and more, every component signed off, a sufficient design
assessment and a satisfactory last progress review), a granted graduation case with the board's
votes, and an issued diploma signed as an OpenBadgeCredential; a few diplomas are revoked.

Rows are written with bulk_create and the credentials signed by `issuing.sign_many` (in worker
processes when there are many). Running it again creates only the graduates still missing up to
the number asked, so the same number twice creates nothing new.
"""

from __future__ import annotations

import datetime as dt
import random
import secrets
from decimal import Decimal

from django.contrib.auth.hashers import make_password
from django.utils import timezone

from qme.accounts.models import User
from qme.core.seeding import FIRST_NAMES, LAST_NAMES
from qme.feedback import services as feedback_services
from qme.feedback.models import Assessment, DeliverableKind, Outcome, Review, ReviewKind
from qme.organisations.models import Organisation, Role, RoleKind
from qme.training.models import (
    Curriculum,
    ItemKind,
    ItemRecord,
    PlanItem,
    PlanStatus,
    RecordStatus,
    Traineeship,
    TraineeshipStatus,
    TrainingPlan,
)

from . import issuing
from .credentials.proof import xsd_datetime
from .credentials.status import set_bit
from .models import BoardVote, CaseStatus, Diploma, GraduationCase, Vote

DOMAIN = "national.qme.example"
EMAIL_PREFIX = "graduate"
#: One graduate in this many has their diploma revoked (the 8th, the 1008th, ...).
REVOKE_EVERY = 1000
REVOKE_AT = 7

METHODS = [
    "Motion correction",
    "Automated quality assurance",
    "Dose tracking",
    "Sensor fusion",
    "Deep-learning segmentation",
    "Workflow redesign",
    "Real-time monitoring",
    "Risk-based maintenance",
    "Image reconstruction",
    "Decision support",
    "Closed-loop control",
    "3D-printed guides",
]
APPLICATIONS = [
    "cardiac PET",
    "radiotherapy planning",
    "the intensive care unit",
    "neonatal monitoring",
    "CT angiography",
    "orthopaedic surgery",
    "renal perfusion MRI",
    "infusion pumps",
    "the operating theatre",
    "home dialysis",
    "stroke imaging",
    "proton therapy",
]
# (kind, title, EC, begin, end) in days after the start: 120 EC meeting every cohort minimum.
LAYOUT = (
    [(ItemKind.DESIGN_PROJECT, "Design project", 60, 30, 700)]
    + [(ItemKind.COURSE, f"Course {k + 1}", 5, 40 + 60 * k, 90 + 60 * k) for k in range(8)]
    + [
        (ItemKind.CLINICAL_PROJECT, "Clinical project 1", 8, 200, 330),
        (ItemKind.WORKSHOP, "Workshop", 2, 120, 125),
        (ItemKind.TRAINING, "Training", 3, 400, 430),
        (ItemKind.CLINICAL_PROJECT, "Clinical project 2", 7, 450, 560),
    ]
)


def start_at(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(9)))


def complete_records(
    traineeships: list[Traineeship], *, office: User, rng: random.Random, now: dt.datetime
) -> None:
    """A complete record for each traineeship, in bulk: an approved plan of 120 EC (and the
    cohort's mandatory components), every component signed off, a satisfactory progress review
    signed by all three near the end, and a sufficient, agreed assessment of the design report.
    """
    rubric = feedback_services.current_rubric()
    mandatory: dict[int | None, list] = {None: []}
    for curriculum in Curriculum.objects.filter(
        pk__in={t.curriculum_id for t in traineeships if t.curriculum_id}
    ).prefetch_related("mandatory"):
        mandatory[curriculum.pk] = list(curriculum.mandatory.all())
    plans = TrainingPlan.objects.bulk_create(
        [
            TrainingPlan(
                traineeship=t,
                version=1,
                status=PlanStatus.APPROVED,
                created_at=now,
                submitted_at=now,
                university_approved_by_id=t.university_supervisor_id,
                university_approved_at=now,
                hospital_approved_by_id=t.hospital_supervisor_id,
                hospital_approved_at=now,
            )
            for t in traineeships
        ],
        batch_size=2000,
    )
    items, records = [], []
    for t, plan in zip(traineeships, plans, strict=True):
        layout = [(kind, title, Decimal(ec), b, e, None) for kind, title, ec, b, e in LAYOUT]
        layout += [
            (c.kind, c.title_en, Decimal(c.ec), 100 + 20 * k, 140 + 20 * k, c.pk)
            for k, c in enumerate(mandatory[t.curriculum_id])
        ]
        for kind, title, ec, begin, end, catalogue_item in layout:
            item = PlanItem(
                plan=plan,
                kind=kind,
                title=title
                if kind != ItemKind.DESIGN_PROJECT
                else f"Design project: {t.design_project_title}"[:200],
                ec=ec,
                catalogue_item_id=catalogue_item,
                planned_start=t.start_date + dt.timedelta(days=begin),
                planned_end=min(t.start_date + dt.timedelta(days=end), t.expected_end_date),
            )
            items.append(item)
            records.append(
                ItemRecord(
                    traineeship=t,
                    item_key=item.key,
                    title=item.title,
                    completed_on=item.planned_end,
                    status=RecordStatus.SIGNED_OFF,
                    recorded_at=now,
                    decided_by_id=t.university_supervisor_id,
                    decided_at=now,
                )
            )
    PlanItem.objects.bulk_create(items, batch_size=5000)
    ItemRecord.objects.bulk_create(records, batch_size=5000)
    Review.objects.bulk_create(
        [
            Review(
                traineeship=t,
                kind=ReviewKind.PROGRESS,
                due_on=t.expected_end_date - dt.timedelta(days=30),
                period_start=t.expected_end_date - dt.timedelta(days=120),
                held_on=t.expected_end_date - dt.timedelta(days=30),
                outcome=Outcome.SATISFACTORY,
                actions="Finish the design report and prepare the final presentation.",
                recorded_by_id=t.university_supervisor_id,
                trainee_signed_at=now,
                university_signed_at=now,
                hospital_signed_at=now,
            )
            for t in traineeships
        ],
        batch_size=2000,
    )
    Assessment.objects.bulk_create(
        [
            Assessment(
                traineeship=t,
                rubric=rubric,
                deliverable=DeliverableKind.DESIGN_REPORT,
                created_by=office,
                artefact_grade=rng.randint(3, 5),
                process_grade=rng.randint(3, 5),
                rationale="A sound design, validated in clinical use; the process is well argued.",
                agreed_by_id=t.university_supervisor_id or office.pk,
                agreed_at=now,
            )
            for t in traineeships
        ],
        batch_size=2000,
    )


def seed_national_graduates(count: int, *, seed: int = 7, stdout=None) -> int:
    """Graduates up to `count` in all; returns how many were created now."""
    existing = User.objects.filter(
        email__startswith=EMAIL_PREFIX, email__endswith=f"@{DOMAIN}"
    ).count()
    missing = max(0, count - existing)
    if not missing:
        return 0
    started = timezone.now()
    rng = random.Random(seed + existing)  # noqa: S311 -- synthetic data, not secrets
    now = timezone.now()
    office = User.objects.filter(roles__kind=RoleKind.PROGRAMME_OFFICE).order_by("pk").first()
    board = list(
        User.objects.filter(roles__kind=RoleKind.EXAMINATION_BOARD).order_by("pk").distinct()[:2]
    )
    if office is None or not board:
        raise RuntimeError("seed the demo first: the graduates need the office and the board")
    hospitals = list(
        Organisation.objects.care_providers().order_by("pk").values_list("pk", flat=True)
    )
    universities = list(
        Organisation.objects.universities().order_by("pk").values_list("pk", flat=True)
    )
    university_supervisors = dict(
        Role.objects.filter(kind=RoleKind.UNIVERSITY_SUPERVISOR).values_list(
            "organisation_id", "user_id"
        )
    )
    hospital_supervisors = dict(
        Role.objects.filter(kind=RoleKind.HOSPITAL_SUPERVISOR).values_list(
            "organisation_id", "user_id"
        )
    )

    # People: the graduates, each a trainee (role ended) of a hospital.
    password = make_password(None)
    people = []
    for n in range(existing, existing + missing):
        people.append(
            User(
                email=f"{EMAIL_PREFIX}{n:05d}@{DOMAIN}",
                full_name=f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}",
                language=rng.choice(["nl", "en"]),
                password=password,
            )
        )
    User.objects.bulk_create(people, batch_size=2000)
    people = list(User.objects.filter(email__in=[p.email for p in people]).order_by("email"))

    # Issue dates over the last ten years (not this year, whose numbers the app is giving out).
    plans_of = []
    for person in people:
        issued = now - dt.timedelta(days=rng.randint(40, 3600))
        if issued.year == now.year:
            issued = issued.replace(year=now.year - 1)
        end = timezone.localtime(issued).date() - dt.timedelta(days=rng.randint(10, 40))
        start = end - dt.timedelta(days=730 + rng.randint(0, 90))
        hospital = hospitals[rng.randrange(len(hospitals))]
        university = universities[rng.randrange(len(universities))]
        plans_of.append((person, issued, start, end, hospital, university))

    Role.objects.bulk_create(
        [
            Role(
                user=person,
                organisation_id=hospital,
                kind=RoleKind.TRAINEE,
                starts_on=start,
                ends_on=end,
            )
            for person, _issued, start, end, hospital, _university in plans_of
        ],
        batch_size=2000,
        ignore_conflicts=True,
    )
    curricula = {}
    for year in sorted({start.year for _p, _i, start, *_rest in plans_of}):
        curricula[year], _created = Curriculum.objects.get_or_create(cohort_year=year)
    traineeships = Traineeship.objects.bulk_create(
        [
            Traineeship(
                trainee=person,
                hospital_id=hospital,
                university_id=university,
                start_date=start,
                expected_end_date=end,
                curriculum=curricula[start.year],
                university_supervisor_id=university_supervisors.get(university),
                hospital_supervisor_id=hospital_supervisors.get(hospital),
                design_project_title=(
                    f"{METHODS[n % len(METHODS)]} for {APPLICATIONS[(n // 7) % len(APPLICATIONS)]}"
                ),
                status=TraineeshipStatus.COMPLETED,
                created_at=start_at(start),
            )
            for n, (person, issued, start, end, hospital, university) in enumerate(plans_of)
        ],
        batch_size=2000,
    )
    complete_records(traineeships, office=office, rng=rng, now=now)
    cases = GraduationCase.objects.bulk_create(
        [
            GraduationCase(
                traineeship=t,
                status=CaseStatus.GRANTED,
                proposed_by=office,
                proposed_at=issued - dt.timedelta(days=14),
                decided_by=board[0],
                decided_at=issued,
            )
            for t, (_p, issued, *_rest) in zip(traineeships, plans_of, strict=True)
        ],
        batch_size=2000,
    )
    BoardVote.objects.bulk_create(
        [
            BoardVote(case=case, member=member, vote=Vote.GRANT, voted_at=case.decided_at)
            for case in cases
            for member in board
        ],
        batch_size=5000,
    )

    # The diplomas: numbers per year after the ones there are, indices on the status list.
    status = issuing._status_list(lock=True)
    first_index = status.next_index
    status.next_index += len(traineeships)
    status.save(update_fields=["next_index"])
    next_in_year: dict[int, int] = {}
    diplomas, unsigned = [], []
    for k, (t, case, (person, issued, *_rest)) in enumerate(
        zip(traineeships, cases, plans_of, strict=True)
    ):
        year = timezone.localtime(issued).year
        if year not in next_in_year:
            next_in_year[year] = int(issuing._next_number(year).rsplit("-", 1)[1])
        number = f"QME-{year}-{next_in_year[year]:04d}"
        next_in_year[year] += 1
        diploma = Diploma(
            traineeship=t,
            case=case,
            number=number,
            holder_name=person.full_name,
            issued_at=issued,
            status_index=first_index + k,
            in_register=rng.random() < 0.3,
        )
        diplomas.append(diploma)
        document = issuing.credential_for(
            number=number,
            holder_name=person.full_name,
            email=person.email,
            issued_at=issued,
            status_index=diploma.status_index,
            salt=secrets.token_hex(8),
        )
        unsigned.append((document, xsd_datetime(issued)))
    for diploma, credential in zip(diplomas, issuing.sign_many(unsigned), strict=True):
        diploma.credential = credential
    revoked = []
    for diploma, person in zip(diplomas, people, strict=True):
        n = int(person.email[len(EMAIL_PREFIX) : len(EMAIL_PREFIX) + 5])
        if n % REVOKE_EVERY == REVOKE_AT:
            diploma.revoked_at = diploma.issued_at + dt.timedelta(days=30)
            diploma.revoked_by = office
            diploma.revoked_reason = "Issued in error: the supplement listed a wrong component."
            revoked.append(diploma)
    Diploma.objects.bulk_create(diplomas, batch_size=1000)
    if revoked:
        bits = bytearray(status.bits)
        for diploma in revoked:
            set_bit(bits, diploma.status_index)
        status.bits = bytes(bits)
        status.save(update_fields=["bits"])
        issuing._sign_status_list(status)
    if stdout:
        seconds = (timezone.now() - started).total_seconds()
        stdout.write(
            f"Graduates: {len(diplomas)} diplomas issued and signed ({len(revoked)} revoked) "
            f"in {seconds:.0f} s."
        )
    return len(diplomas)
