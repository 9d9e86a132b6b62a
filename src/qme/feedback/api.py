"""API for feedback: the same services and rules as the pages."""

import datetime as dt
from typing import Annotated, Literal

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Field, Router, Schema, Status

from qme.api.schemas import ErrorOut, InputSchema
from qme.core.permissions import require_visible
from qme.training.models import Traineeship

from . import services
from .models import Assessment, Competency, Feedback, Review, Round

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


#: An id a database can hold: anything else is refused with 422, not passed to the database.
Id = Annotated[int, Field(ge=1, le=2**63 - 1)]


class FeedbackIn(InputSchema):
    competency_ids: list[Id] = Field(min_length=1, max_length=3)
    rating: int = Field(ge=1, le=5)
    went_well: str = Field(min_length=1, max_length=5000)
    to_improve: str = Field(min_length=1, max_length=5000)
    next_step: str = Field(min_length=1, max_length=5000)
    subject: str = Field("", max_length=200)
    send_anyway: bool = False


class ResponseIn(InputSchema):
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


class RespondentIn(InputSchema):
    name: str = Field(min_length=1, max_length=200)
    email: str = Field(min_length=3, max_length=254)
    role: str = Field("", max_length=30)
    language: Literal["nl", "en"] = "nl"


class RoundIn(InputSchema):
    title: str = Field(min_length=1, max_length=200)
    anonymous: bool = True
    competency_ids: list[Id] = Field(min_length=1, max_length=5)
    respondents: list[RespondentIn] = Field(min_length=1, max_length=25)
    days_valid: int = Field(21, ge=3, le=60)


class RoundOut(Schema):
    id: int
    title: str
    anonymous: bool
    expires_at: dt.datetime
    asked: int
    answered: int
    pending: list[str]
    visible: bool
    averages: list[dict]
    comments: list[dict]


class ReviewOut(Schema):
    id: int
    kind: str
    due_on: dt.date
    period_start: dt.date
    self_assessment: str
    held_on: dt.date | None
    outcome: str
    continue_training: bool | None
    actions: str
    trainee_signed_at: dt.datetime | None
    university_signed_at: dt.datetime | None
    hospital_signed_at: dt.datetime | None
    confirmed_at: dt.datetime | None


class SelfAssessmentIn(InputSchema):
    text: str = Field(min_length=1, max_length=10000)


class ReviewRecordIn(InputSchema):
    held_on: dt.date
    outcome: str = Field("", max_length=30)
    go: bool | None = None
    actions: str = Field(min_length=1, max_length=10000)


class AssessmentOut(Schema):
    id: int
    deliverable: str
    rubric_version: int = Field(alias="rubric.version")
    artefact_grade: int | None
    process_grade: int | None
    rationale: str
    agreed_at: dt.datetime | None


class AssessmentScoreIn(InputSchema):
    criterion_id: Id
    value: int | None = Field(None, ge=1, le=5)
    comment: str = Field("", max_length=5000)


class AssessmentScoresIn(InputSchema):
    scores: list[AssessmentScoreIn] = Field(max_length=100)
    submit: bool = False


class JudgementIn(InputSchema):
    artefact_grade: int = Field(ge=1, le=5)
    process_grade: int = Field(ge=1, le=5)
    rationale: str = Field(min_length=1, max_length=10000)


def _round_out(feedback_round: Round) -> dict:
    results = services.round_results(feedback_round)
    return {
        "id": feedback_round.pk,
        "title": feedback_round.title,
        "anonymous": feedback_round.anonymous,
        "expires_at": feedback_round.expires_at,
        "asked": results["asked_count"],
        "answered": results["answered_count"],
        "pending": [r.name for r in results["pending"]],
        "visible": results["visible"],
        "averages": [
            {"competency_id": c.pk, "average": avg, "answers": n}
            for c, avg, n in results["averages"]
        ],
        "comments": results["comments"],
    }


@router.get("/traineeships/{pk}/feedback-rounds", response={200: list[RoundOut], 404: ErrorOut})
def list_rounds(request: HttpRequest, pk: int):
    """Multisource rounds; anonymous answers only in aggregate, from three answers on."""
    rounds = services.rounds_with_results(_traineeship(request, pk).feedback_rounds.all())
    return [_round_out(r) for r in rounds]


@router.post("/traineeships/{pk}/feedback-rounds", response={201: RoundOut, **ERRORS})
def start_round(request: HttpRequest, pk: int, payload: RoundIn):
    traineeship = _traineeship(request, pk)
    framework = services.current_framework()
    chosen = list(Competency.objects.filter(pk__in=payload.competency_ids, framework=framework))
    if len(chosen) != len(set(payload.competency_ids)):
        raise ValidationError({"competency_ids": "Choose competencies of the current framework."})
    feedback_round = services.start_round(
        actor=request.auth,
        traineeship=traineeship,
        title=payload.title,
        anonymous=payload.anonymous,
        competencies=chosen,
        respondents=[person.dict() for person in payload.respondents],
        days_valid=payload.days_valid,
    )
    return Status(201, _round_out(feedback_round))


def _review(request: HttpRequest, pk: int, review_pk: int) -> Review:
    traineeship = _traineeship(request, pk)
    return get_object_or_404(
        Review.objects.select_related("traineeship"), pk=review_pk, traineeship=traineeship
    )


@router.get("/traineeships/{pk}/reviews", response={200: list[ReviewOut], 404: ErrorOut})
def list_reviews(request: HttpRequest, pk: int):
    traineeship = _traineeship(request, pk)
    return services.schedule_reviews(traineeship)


@router.post(
    "/traineeships/{pk}/reviews/{review_pk}/self-assessment", response={200: ReviewOut, **ERRORS}
)
def self_assessment(request: HttpRequest, pk: int, review_pk: int, payload: SelfAssessmentIn):
    return services.write_self_assessment(
        actor=request.auth, review=_review(request, pk, review_pk), text=payload.text
    )


@router.post("/traineeships/{pk}/reviews/{review_pk}/record", response={200: ReviewOut, **ERRORS})
def record_review(request: HttpRequest, pk: int, review_pk: int, payload: ReviewRecordIn):
    return services.record_review(
        actor=request.auth,
        review=_review(request, pk, review_pk),
        held_on=payload.held_on,
        outcome=payload.outcome,
        continue_training=payload.go,
        actions=payload.actions,
    )


@router.post("/traineeships/{pk}/reviews/{review_pk}/sign", response={200: ReviewOut, **ERRORS})
def sign_review(request: HttpRequest, pk: int, review_pk: int):
    return services.sign_review(actor=request.auth, review=_review(request, pk, review_pk))


@router.post("/traineeships/{pk}/reviews/{review_pk}/confirm", response={200: ReviewOut, **ERRORS})
def confirm_review(request: HttpRequest, pk: int, review_pk: int):
    return services.confirm_go_no_go(actor=request.auth, review=_review(request, pk, review_pk))


def _assessment(request: HttpRequest, pk: int, assessment_pk: int) -> Assessment:
    traineeship = _traineeship(request, pk)
    return get_object_or_404(
        Assessment.objects.select_related("rubric", "traineeship"),
        pk=assessment_pk,
        traineeship=traineeship,
    )


@router.get("/traineeships/{pk}/assessments", response={200: list[AssessmentOut], 404: ErrorOut})
def list_assessments(request: HttpRequest, pk: int):
    return list(_traineeship(request, pk).assessments.select_related("rubric"))


@router.get(
    "/traineeships/{pk}/assessments/{assessment_pk}/scores",
    response={200: list[dict], 404: ErrorOut},
)
def assessment_scores(request: HttpRequest, pk: int, assessment_pk: int):
    """Blind: the other assessors' scores appear only after you submitted your own."""
    view = services.assessment_view(_assessment(request, pk, assessment_pk), request.auth)
    return [
        {
            "criterion_id": row["criterion"].pk,
            "own": {"value": row["own"].value, "comment": row["own"].comment}
            if row["own"]
            else None,
            "all": [{"assessor": n, "value": v, "comment": c} for n, v, c in row["others"]],
        }
        for row in view["rows"]
    ]


@router.put("/traineeships/{pk}/assessments/{assessment_pk}/scores", response={200: dict, **ERRORS})
def save_assessment_scores(
    request: HttpRequest, pk: int, assessment_pk: int, payload: AssessmentScoresIn
):
    assessor = services.save_assessment_scores(
        actor=request.auth,
        assessment=_assessment(request, pk, assessment_pk),
        scores={s.criterion_id: (s.value, s.comment) for s in payload.scores},
        submit=payload.submit,
    )
    return {"submitted_at": assessor.submitted_at}


@router.post(
    "/traineeships/{pk}/assessments/{assessment_pk}/judgement",
    response={200: AssessmentOut, **ERRORS},
)
def agree_judgement(request: HttpRequest, pk: int, assessment_pk: int, payload: JudgementIn):
    return services.agree_judgement(
        actor=request.auth,
        assessment=_assessment(request, pk, assessment_pk),
        artefact_grade=payload.artefact_grade,
        process_grade=payload.process_grade,
        rationale=payload.rationale,
    )
