"""Catalogues, cohort rules, traineeships and plans, made the way people make them: through the
services. `bulk_*` helpers skip the services for the many rows of the query-count tests."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from qme.accounts.models import User
from qme.organisations.models import Organisation, RoleKind
from qme.training import services
from qme.training.models import (
    CatalogueItem,
    Curriculum,
    Edition,
    ItemKind,
    ItemRecord,
    PlanItem,
    Traineeship,
    TrainingPlan,
)
from tests.factories import person_with_role

#: The smallest file that is a PDF by its content, and an HTML page that calls itself one.
PDF_BYTES = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
HTML_AS_PDF = b"<!DOCTYPE html><html><body><script>alert('x')</script></body></html>"


def pdf_upload(name: str = "certificate.pdf", content: bytes = PDF_BYTES) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def html_as_pdf(name: str = "certificate.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, HTML_AS_PDF, content_type="application/pdf")


def fresh(user: User) -> User:
    """The same person as a new object: the roles cached on a person are per request."""
    return User.objects.get(pk=user.pk)


@dataclass
class Catalogue:
    regulation: CatalogueItem  # course, 5 EC, mandatory
    epidemiology: CatalogueItem  # course, 5 EC
    design_methods: CatalogueItem  # course, 4 EC
    communication: CatalogueItem  # workshop, 2 EC, mandatory
    leadership: CatalogueItem  # training, 3 EC


def catalogue_item(
    kind: str, title_en: str, title_nl: str, ec: int | str, **fields
) -> CatalogueItem:
    item = CatalogueItem.objects.create(
        kind=kind,
        title_en=title_en,
        title_nl=title_nl,
        provider=fields.pop("provider", "University of Twente"),
        ec=Decimal(ec),
        **fields,
    )
    start = timezone.localdate() + dt.timedelta(days=60)
    Edition.objects.create(
        item=item, starts_on=start, ends_on=start + dt.timedelta(days=30), place="Enschede"
    )
    return item


def catalogue_for() -> Catalogue:
    return Catalogue(
        regulation=catalogue_item(
            ItemKind.COURSE,
            "Medical device regulation",
            "Regelgeving medische hulpmiddelen",
            5,
            provider="Wageningen University",
        ),
        epidemiology=catalogue_item(
            ItemKind.COURSE, "Clinical epidemiology", "Klinische epidemiologie", 5
        ),
        design_methods=catalogue_item(
            ItemKind.COURSE, "Design methodology", "Ontwerpmethodologie", 4, provider="TU Delft"
        ),
        communication=catalogue_item(
            ItemKind.WORKSHOP,
            "Communicating with clinicians",
            "Communiceren met clinici",
            2,
            provider="4TU",
        ),
        leadership=catalogue_item(
            ItemKind.TRAINING, "Leadership in healthcare", "Leiderschap in de zorg", 3
        ),
    )


def rules_for(
    catalogue: Catalogue, year: int | None = None, *, mandatory=None, **fields: Any
) -> Curriculum:
    """The rules of a cohort; the default ones of the programme unless told otherwise."""
    curriculum = Curriculum.objects.create(cohort_year=year or timezone.localdate().year, **fields)
    if mandatory is None:
        mandatory = [catalogue.regulation, catalogue.communication]
    curriculum.mandatory.set(mandatory)
    return curriculum


def traineeship_of(
    world,
    *,
    trainee: User | None = None,
    hospital: Organisation | None = None,
    start: dt.date | None = None,
    **fields: Any,
) -> Traineeship:
    """A traineeship created by the programme office; at hospital A with its supervisors unless
    told otherwise, at another hospital with a supervisor and doctor of its own."""
    hospital = hospital or world.hospital_a
    if hospital == world.hospital_a:
        people = {"hospital_supervisor": world.supervisor_a, "medical_doctor": world.doctor_a}
    else:
        people = {
            "hospital_supervisor": person_with_role(RoleKind.HOSPITAL_SUPERVISOR, hospital),
            "medical_doctor": person_with_role(RoleKind.MEDICAL_DOCTOR, hospital),
        }
    data: dict[str, Any] = {
        "trainee": trainee or world.trainee_a,
        "hospital": hospital,
        "university": world.university,
        "start_date": start or timezone.localdate() - dt.timedelta(days=90),
        "university_supervisor": world.university_supervisor,
        "design_project_title": "Quieter, smarter ICU alarms",
        **people,
    }
    data.update(fields)
    return services.create_traineeship(actor=fresh(world.office), **data)


def add(plan: TrainingPlan, **fields: Any) -> PlanItem:
    return services.add_plan_item(actor=plan.traineeship.trainee, plan=plan, **fields)


def complete_plan(traineeship: Traineeship, catalogue: Catalogue) -> TrainingPlan:
    """A draft with everything the default rules ask: 120 EC, 60 for the design project, 40 for
    courses (regulation among them), 12 for clinical projects, the communication workshop and a
    training of 6 EC."""
    plan = services.start_plan_version(actor=traineeship.trainee, traineeship=traineeship)
    start = traineeship.start_date

    def days(n: int) -> dt.date:
        return start + dt.timedelta(days=n)

    own = [
        (ItemKind.DESIGN_PROJECT, "Design project: ICU alarms", 60, 30, 700),
        (ItemKind.COURSE, "External course: deep learning (Radboud)", 30, 200, 300),
        (ItemKind.CLINICAL_PROJECT, "Clinical project: dose audit", 12, 120, 400),
    ]
    for kind, title, ec, begin, end in own:
        add(
            plan,
            kind=kind,
            title=title,
            ec=Decimal(ec),
            planned_start=days(begin),
            planned_end=days(end),
        )
    chosen = [
        (catalogue.regulation, None, 20, 60),
        (catalogue.epidemiology, None, 40, 80),
        (catalogue.communication, None, 100, 101),
        (catalogue.leadership, Decimal(6), 400, 430),
    ]
    for item, ec, begin, end in chosen:
        add(plan, catalogue_item=item, ec=ec, planned_start=days(begin), planned_end=days(end))
    plan.refresh_from_db()
    return plan


def submitted_plan(traineeship: Traineeship, catalogue: Catalogue) -> TrainingPlan:
    plan = complete_plan(traineeship, catalogue)
    return services.submit_plan(actor=traineeship.trainee, plan=plan, note="Agreed at kick-off.")


def approved_plan(traineeship: Traineeship, catalogue: Catalogue) -> TrainingPlan:
    plan = submitted_plan(traineeship, catalogue)
    services.approve_plan(actor=traineeship.university_supervisor, plan=plan)
    return services.approve_plan(actor=traineeship.hospital_supervisor, plan=plan)


def item_titled(plan: TrainingPlan, title: str) -> PlanItem:
    return plan.items.get(title=title)


def recorded(traineeship: Traineeship, item: PlanItem, **fields: Any) -> ItemRecord:
    data: dict[str, Any] = {
        "completed_on": min(item.planned_end, timezone.localdate()),
        "grade": "8",
        "evidence": pdf_upload(),
    }
    data.update(fields)
    return services.record_completion(
        actor=traineeship.trainee, traineeship=traineeship, item=item, **data
    )


def signed_off(traineeship: Traineeship, item: PlanItem) -> ItemRecord:
    record = recorded(traineeship, item)
    return services.sign_off(actor=traineeship.university_supervisor, record=record)


def bulk_items(plan: TrainingPlan, count: int) -> list[PlanItem]:
    """Many own items at once, without the services."""
    start = plan.traineeship.start_date
    return PlanItem.objects.bulk_create(
        PlanItem(
            plan=plan,
            kind=[ItemKind.COURSE, ItemKind.WORKSHOP, ItemKind.CLINICAL_PROJECT][n % 3],
            title=f"Component {n:02d}",
            ec=Decimal(4),
            planned_start=start + dt.timedelta(days=20 * n),
            planned_end=start + dt.timedelta(days=20 * n + 15),
        )
        for n in range(count)
    )
