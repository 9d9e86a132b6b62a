"""API for each person's own data: their personal data as JSON, a trainee's record as JSON (the
ZIP with the files and the PDF is on the pages), and for the programme office what is held about
a person, the blockers of erasure, and the erasure itself."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Field, Router, Schema, Status

from qme.accounts.models import User
from qme.api.schemas import ErrorOut
from qme.audit.services import record_event
from qme.core.permissions import require, require_visible
from qme.training.models import Traineeship
from qme.training.privacy import with_record

from . import services
from .models import Erasure

router = Router(tags=["privacy"])


class CategoryOut(Schema):
    app: str
    label: str
    counts: list[tuple[str, int]]


class PersonDataOut(Schema):
    id: int
    erased: bool
    erased_at: dt.datetime | None
    blockers: list[str]
    categories: list[CategoryOut]


class ErasureIn(Schema):
    reason: str = Field(max_length=2000)
    confirmation: str = Field(max_length=254)


class ErasureOut(Schema):
    person_id: int
    erased_at: dt.datetime


@router.get("/privacy/me", response={200: dict[str, Any]})
def my_data(request: HttpRequest):
    """Everything the system holds about you, per part of the programme (GDPR access)."""
    person = request.auth
    record_event(actor=person, action="privacy.personal_data_downloaded", target=person)
    return {
        "person": {"name": person.full_name, "e-mail address": person.email},
        "data": services.personal_data(person),
    }


@router.get(
    "/privacy/traineeships/{pk}/record",
    response={200: dict[str, Any], 403: ErrorOut, 404: ErrorOut},
)
def trainee_record(request: HttpRequest, pk: int):
    """A trainee's whole record as JSON (record.json of the export), for the trainee and the
    programme office."""
    traineeship = get_object_or_404(Traineeship, pk=pk)
    require_visible(request.auth, "training.view_traineeship", traineeship)
    require(request.auth, "privacy.export_record", traineeship)
    full = with_record(Traineeship.objects.filter(pk=pk)).get()
    record_event(actor=request.auth, action="privacy.record_exported", target=full)
    return services.trainee_record(full)


def _person(request: HttpRequest, pk: int) -> User:
    require(request.auth, "privacy.manage")
    return get_object_or_404(User, pk=pk)


@router.get("/privacy/people/{pk}", response={200: PersonDataOut, 403: ErrorOut, 404: ErrorOut})
def person_data(request: HttpRequest, pk: int):
    """Programme office: what is held about a person, and what stands in the way of erasing
    them."""
    person = _person(request, pk)
    erasure = Erasure.objects.filter(person=person).first()
    return {
        "id": person.pk,
        "erased": erasure is not None,
        "erased_at": erasure.erased_at if erasure else None,
        "blockers": [] if erasure else services.erasure_blockers(person),
        "categories": [vars(c) for c in services.categories(services.summary(person))],
    }


@router.post(
    "/privacy/people/{pk}/erasure",
    response={201: ErasureOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut},
)
def erase(request: HttpRequest, pk: int, payload: ErasureIn):
    """Programme office: erase a person where the law allows it. `confirmation` is the person's
    e-mail address; refused (409) with the reasons when the law does not allow it yet."""
    person = _person(request, pk)
    erasure = services.erase(
        actor=request.auth,
        person=person,
        reason=payload.reason,
        confirmation=payload.confirmation,
    )
    return Status(201, {"person_id": person.pk, "erased_at": erasure.erased_at})
