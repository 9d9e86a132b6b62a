"""API for feedback: the same services and rules as the pages."""

import datetime as dt

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Field, Router, Schema, Status

from qme.api.schemas import ErrorOut
from qme.core.permissions import require_visible
from qme.training.models import Traineeship

from . import services
from .models import Competency, Feedback

router = Router(tags=["feedback"])
ERRORS = {403: ErrorOut, 404: ErrorOut, 409: ErrorOut}


class CompetencyOut(Schema):
    id: int
    area: str
    name_nl: str
    name_en: str
    description_nl: str
    description_en: str


class FeedbackOut(Schema):
    id: int
    traineeship_id: int
    author_id: int
    side: str
    subject: str
    competency_ids: list[int]
    rating: int
    went_well: str
    to_improve: str
    next_step: str
    given_at: dt.datetime

    @staticmethod
    def resolve_competency_ids(obj: Feedback) -> list[int]:
        return [c.pk for c in obj.competencies.all()]


class FeedbackIn(Schema):
    competency_ids: list[int] = Field(min_length=1, max_length=3)
    rating: int = Field(ge=1, le=5)
    went_well: str = Field(min_length=1, max_length=5000)
    to_improve: str = Field(min_length=1, max_length=5000)
    next_step: str = Field(min_length=1, max_length=5000)
    subject: str = Field("", max_length=200)
    send_anyway: bool = False


class ResponseIn(Schema):
    body: str = Field(min_length=1, max_length=5000)


class CadenceOut(Schema):
    university_days: int
    hospital_days: int
    university_overdue: bool
    hospital_overdue: bool


def _traineeship(request: HttpRequest, pk: int) -> Traineeship:
    traineeship = get_object_or_404(services.with_cadence(Traineeship.objects.all()), pk=pk)
    require_visible(request.auth, "training.view_traineeship", traineeship)
    return traineeship


@router.get("/competencies", response=list[CompetencyOut])
def competencies(request: HttpRequest):
    return list(services.current_framework().competencies.all())


@router.get("/traineeships/{pk}/feedback", response={200: list[FeedbackOut], 404: ErrorOut})
def list_feedback(request: HttpRequest, pk: int):
    return list(_traineeship(request, pk).feedback.prefetch_related("competencies"))


@router.get("/traineeships/{pk}/cadence", response={200: CadenceOut, 404: ErrorOut})
def cadence(request: HttpRequest, pk: int):
    return services.cadence_of(_traineeship(request, pk))


@router.post("/traineeships/{pk}/feedback", response={201: FeedbackOut, **ERRORS})
def give_feedback(request: HttpRequest, pk: int, payload: FeedbackIn):
    """Feedback that looks vague (too short, no example) is refused with 422 and the warnings,
    unless `send_anyway` is true."""
    traineeship = _traineeship(request, pk)
    framework = services.current_framework()
    chosen = list(Competency.objects.filter(pk__in=payload.competency_ids, framework=framework))
    if len(chosen) != len(set(payload.competency_ids)):
        raise ValidationError({"competency_ids": "Choose competencies of the current framework."})
    feedback = services.give_feedback(
        actor=request.auth,
        traineeship=traineeship,
        competencies=chosen,
        rating=payload.rating,
        went_well=payload.went_well,
        to_improve=payload.to_improve,
        next_step=payload.next_step,
        subject=payload.subject,
        send_anyway=payload.send_anyway,
    )
    return Status(201, feedback)


@router.post("/feedback/{pk}/responses", response={201: dict, **ERRORS})
def respond(request: HttpRequest, pk: int, payload: ResponseIn):
    feedback = get_object_or_404(Feedback.objects.select_related("traineeship"), pk=pk)
    require_visible(request.auth, "training.view_traineeship", feedback.traineeship)
    response = services.respond(actor=request.auth, feedback=feedback, body=payload.body)
    return Status(201, {"id": response.pk, "created_at": response.created_at})
