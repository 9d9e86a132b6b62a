"""Requests and positions in every state, made the way people make them: through the services.

`bulk_*` factories skip the services for the many rows of the query-count tests."""

from __future__ import annotations

import datetime as dt
from typing import Any

import factory
from allauth.mfa.totp.internal.auth import TOTP
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from qme.accounts.models import User
from qme.organisations.models import Organisation, RoleKind
from qme.positions import services
from qme.positions.models import Position, PositionRequest, PositionStatus, RequestStatus
from tests.conftest import TOTP_SECRET
from tests.factories import DepartmentFactory, OrganisationFactory, UserFactory, person_with_role

#: The smallest file that is a PDF by its content.
PDF_BYTES = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def pdf_upload(name: str = "budget.pdf", content: bytes = PDF_BYTES) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def office_person(world, **fields: Any) -> User:
    """Another person of the programme office, two-factor authentication set up."""
    person = person_with_role(RoleKind.PROGRAMME_OFFICE, world.university, **fields)
    TOTP.activate(person, TOTP_SECRET)
    return person


def coordinator_of(world, hospital: Organisation) -> User:
    if hospital == world.hospital_a:
        return world.coordinator_a
    if hospital == world.hospital_b:
        return world.coordinator_b
    return person_with_role(RoleKind.HOSPITAL_COORDINATOR, hospital)


def complete_fields(world, hospital: Organisation) -> dict[str, Any]:
    """Everything a request needs before it can be submitted."""
    if hospital == world.hospital_a:
        doctor, supervisor = world.doctor_a, world.supervisor_a
    else:
        doctor = person_with_role(RoleKind.MEDICAL_DOCTOR, hospital)
        supervisor = person_with_role(RoleKind.HOSPITAL_SUPERVISOR, hospital)
    return {
        "department": DepartmentFactory(organisation=hospital),
        "title": "Closed-loop ventilation for premature infants",
        "clinical_problem": "Oxygen saturation of premature infants swings too often.",
        "project_outline": "Design and validate a closed-loop controller for the ventilator.",
        "expected_result": "A controller the neonatology ward trusts and uses.",
        "medical_doctor": doctor,
        "hospital_supervisor": supervisor,
        "intended_start": timezone.localdate() + dt.timedelta(days=180),
        "commits_employment": True,
        "commits_funding": True,
        "commits_workplace": True,
        "training_climate": "Two clinical physicists and an engineering team on the ward.",
    }


def draft_request(
    world, *, hospital: Organisation | None = None, complete: bool = True, **fields: Any
) -> PositionRequest:
    hospital = hospital or world.hospital_a
    data = complete_fields(world, hospital) if complete else {"title": "An idea, not yet ready"}
    data.update(fields)
    return services.create_request(actor=coordinator_of(world, hospital), hospital=hospital, **data)


def submitted_request(world, **kwargs: Any) -> PositionRequest:
    request = draft_request(world, **kwargs)
    return services.submit_request(actor=request.created_by, request=request)


def changes_requested_request(world, **kwargs: Any) -> PositionRequest:
    request = submitted_request(world, **kwargs)
    services.request_changes(
        actor=world.office, request=request, comment="Who supervises the trainee day to day?"
    )
    request.refresh_from_db()
    return request


def declined_request(world, **kwargs: Any) -> PositionRequest:
    request = submitted_request(world, **kwargs)
    return services.decline_request(
        actor=world.office, request=request, reason="Not a design question at EngD level."
    )


def withdrawn_request(world, **kwargs: Any) -> PositionRequest:
    request = draft_request(world, **kwargs)
    return services.withdraw_request(
        actor=request.created_by, request=request, reason="We chose a PhD position."
    )


def approved_position(
    world,
    *,
    university: Organisation | None = None,
    university_supervisor: User | None = None,
    **kwargs: Any,
) -> Position:
    request = submitted_request(world, **kwargs)
    return services.approve_request(
        actor=world.office,
        request=request,
        university=university or world.university,
        university_supervisor=university_supervisor or world.university_supervisor,
    )


def open_position(
    world, *, request_fields: dict[str, Any] | None = None, **changes: Any
) -> Position:
    """An approved request, its position's texts changed by `changes`, published."""
    position = approved_position(world, **(request_fields or {}))
    if changes:
        services.update_position(actor=world.office, position=position, changes=changes)
    return services.publish_position(actor=world.office, position=position)


#: The position states of the hospital-demand issue; later issues add in training and completed.
POSITION_STATES = (
    PositionStatus.DRAFT,
    PositionStatus.OPEN,
    PositionStatus.SELECTION,
    PositionStatus.FILLED,
    PositionStatus.CANCELLED,
)


def position_in(world, status: str) -> Position:
    """A position brought to `status` by the services (filled is set directly: a later issue)."""
    if status == PositionStatus.DRAFT:
        return approved_position(world)
    if status == PositionStatus.CANCELLED:
        return services.cancel_position(
            actor=world.office, position=approved_position(world), reason="Funding fell through."
        )
    position = open_position(world)
    if status in (PositionStatus.SELECTION, PositionStatus.FILLED):
        services.close_position(actor=world.office, position=position, reason="Enough applicants.")
    if status == PositionStatus.FILLED:
        Position.objects.filter(pk=position.pk).update(status=PositionStatus.FILLED)
    position.refresh_from_db()
    return position


def request_in(world, status: str, **kwargs: Any) -> PositionRequest:
    makers = {
        RequestStatus.DRAFT: draft_request,
        RequestStatus.SUBMITTED: submitted_request,
        RequestStatus.CHANGES_REQUESTED: changes_requested_request,
        RequestStatus.DECLINED: declined_request,
        RequestStatus.WITHDRAWN: withdrawn_request,
    }
    if status == RequestStatus.APPROVED:
        return approved_position(world, **kwargs).request
    request = makers[status](world, **kwargs)
    request.refresh_from_db()
    return request


# --- Many rows at once, for the query-count tests ---


class BulkRequestFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PositionRequest

    hospital = factory.SubFactory(OrganisationFactory)
    department = factory.SubFactory(
        DepartmentFactory, organisation=factory.SelfAttribute("..hospital")
    )
    title = factory.Sequence(lambda n: f"Design project {n:03d}")
    clinical_problem = "A clinical problem."
    medical_doctor = factory.SubFactory(UserFactory)
    hospital_supervisor = factory.SubFactory(UserFactory)
    created_by = factory.SubFactory(UserFactory)
    status = RequestStatus.DRAFT


class BulkPositionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Position

    request = factory.SubFactory(BulkRequestFactory, status=RequestStatus.APPROVED)
    hospital = factory.SelfAttribute("request.hospital")
    university = factory.SubFactory(OrganisationFactory, kind="university")
    title_nl = factory.Sequence(lambda n: f"Ontwerpproject {n:03d}")
    title_en = factory.Sequence(lambda n: f"Design project {n:03d}")
    description_nl = "Beschrijving."
    description_en = "Description."
    start_date = factory.LazyFunction(lambda: timezone.localdate() + dt.timedelta(days=200))
    application_deadline = factory.LazyFunction(
        lambda: timezone.localdate() + dt.timedelta(days=40)
    )
    status = PositionStatus.OPEN
    published_at = factory.LazyFunction(timezone.now)
