"""API for selection: the same services, rules and blindness as the pages."""

import datetime as dt

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Field, File, Router, Schema, Status
from ninja.files import UploadedFile
from ninja.pagination import paginate
from pydantic import field_validator

from qme.accounts.models import User
from qme.api.schemas import ErrorOut, InputSchema
from qme.core.permissions import require, require_visible
from qme.positions.models import Position

from . import selectors, services
from .models import (
    Application,
    ApplicationStatus,
    CefrLevel,
    CommitteeMember,
    Criterion,
    Decision,
    DecisionStatus,
    DutchEvidence,
    Offer,
    OfferStatus,
    Side,
    Stage,
)

router = Router(tags=["selection"])
ERRORS = {403: ErrorOut, 404: ErrorOut, 409: ErrorOut}


class ApplicationOut(Schema):
    id: int
    position_id: int
    applicant_id: int
    applicant_name: str = Field(alias="applicant.full_name")
    status: ApplicationStatus
    phone: str
    city: str
    master_field: str
    master_university: str
    master_date: dt.date | None
    master_completed: bool
    dutch_level: str
    dutch_evidence_kind: str
    dutch_certificate_date: dt.date | None
    keep_for_a_year: bool
    submitted_at: dt.datetime | None
    eligibility_problems: list[str]
    documents: list[str]
    missing: list[str]

    @staticmethod
    def resolve_documents(obj: Application) -> list[str]:
        return [name for name, _file in obj.documents]

    @staticmethod
    def resolve_missing(obj: Application) -> list[str]:
        if obj.status in (ApplicationStatus.DRAFT, ApplicationStatus.INELIGIBLE):
            return services.missing_for_submission(obj)
        return []


def _not_null(value: object) -> object:
    """A field that may be left out of a PATCH, but not sent as null."""
    if value is None:
        raise ValueError("This field cannot be null.")
    return value


class ApplicationPatch(InputSchema):
    phone: str | None = Field(None, max_length=40)
    city: str | None = Field(None, max_length=100)
    master_field: str | None = Field(None, max_length=200)
    master_university: str | None = Field(None, max_length=200)
    master_date: dt.date | None = None
    master_completed: bool | None = None
    dutch_level: CefrLevel | None = None
    dutch_evidence_kind: DutchEvidence | None = None
    dutch_certificate_date: dt.date | None = None
    keep_for_a_year: bool | None = None

    _required = field_validator(
        "phone",
        "city",
        "master_field",
        "master_university",
        "master_completed",
        "dutch_level",
        "dutch_evidence_kind",
        "keep_for_a_year",
    )(_not_null)


class ReasonIn(InputSchema):
    reason: str = Field(min_length=1, max_length=5000)


class OptionalReasonIn(InputSchema):
    reason: str = Field("", max_length=5000)


class ConsentIn(InputSchema):
    keep_for_a_year: bool


class MemberIn(InputSchema):
    user_id: int
    side: Side
    is_chair: bool = False


class MemberOut(Schema):
    id: int
    user_id: int
    name: str = Field(alias="user.full_name")
    side: Side
    is_chair: bool


class CriterionOut(Schema):
    id: int
    order: int
    name_nl: str
    name_en: str
    weight: int
    description_nl: str
    description_en: str
    anchors_nl: dict
    anchors_en: dict


class CriterionPatch(InputSchema):
    name_nl: str | None = Field(None, min_length=1, max_length=200)
    name_en: str | None = Field(None, min_length=1, max_length=200)
    weight: int | None = Field(None, ge=1, le=10)
    description_nl: str | None = Field(None, max_length=5000)
    description_en: str | None = Field(None, max_length=5000)

    _required = field_validator("name_nl", "name_en", "weight", "description_nl", "description_en")(
        _not_null
    )


class StageOut(Schema):
    id: int
    order: int
    kind: str
    disagreement_threshold: int
    criteria: list[CriterionOut]

    @staticmethod
    def resolve_criteria(obj: Stage) -> list:
        return list(obj.criteria.all())


class ScoreIn(InputSchema):
    criterion_id: int
    value: int | None = Field(None, ge=1, le=5)
    justification: str = Field("", max_length=5000)


class ScoresIn(InputSchema):
    scores: list[ScoreIn] = Field(max_length=50)
    submit: bool = False


class CriterionResultOut(Schema):
    criterion_id: int
    values: list[dict]
    spread: int
    average: float
    disagreement: bool


class CandidateResultOut(Schema):
    application_id: int
    name: str
    eligible_members: int
    submitted: int
    visible: bool
    weighted_total: float | None
    rank: int | None
    criteria: list[CriterionResultOut]


class MoveIn(InputSchema):
    action: str = Field(pattern="^(shortlist|interview|reject)$")
    application_ids: list[int] = Field(min_length=1, max_length=500)
    reason: str = Field("", max_length=5000)
    starts_at: dt.datetime | None = None
    duration_minutes: int = Field(60, ge=10, le=480)
    location: str = Field("", max_length=500)


class DecisionIn(InputSchema):
    candidate_id: int
    reserve_ids: list[int] = Field(default_factory=list, max_length=50)
    rationale: str = Field(min_length=1, max_length=10000)
    offer_deadline: dt.date


class DecisionOut(Schema):
    id: int
    position_id: int
    candidate_id: int
    reserves: list[int]
    rationale: str
    offer_deadline: dt.date
    status: DecisionStatus
    university_approved_at: dt.datetime | None
    hospital_approved_at: dt.datetime | None
    blocked_reason: str


class OfferOut(Schema):
    id: int
    application_id: int
    deadline: dt.date
    status: OfferStatus


class AnswerIn(InputSchema):
    accept: bool


def _application(request: HttpRequest, pk: int) -> Application:
    application = get_object_or_404(
        Application.objects.select_related(
            "position__hospital", "position__university", "applicant"
        ),
        pk=pk,
    )
    require_visible(request.auth, "selection.view_application", application)
    return application


def _position(request: HttpRequest, pk: int) -> Position:
    position = get_object_or_404(Position.objects.select_related("hospital", "university"), pk=pk)
    require_visible(request.auth, "selection.view_procedure", position)
    return position


def _of_position(position: Position, ids: list[int]) -> list[Application]:
    found = {
        a.pk: a
        for a in position.applications.filter(pk__in=ids).select_related("applicant", "position")
    }
    missing = [i for i in ids if i not in found]
    if missing:
        raise ValidationError({"application_ids": f"Unknown candidates: {missing[:10]}"})
    return [found[i] for i in ids]


# --- Applicants ---


@router.get("/applications", response=list[ApplicationOut])
def my_applications(request: HttpRequest):
    """Your own applications."""
    return list(selectors.applications_of(request.auth).select_related("applicant"))


@router.post("/positions/{pk}/applications", response={201: ApplicationOut, **ERRORS})
def start_application(request: HttpRequest, pk: int):
    position = get_object_or_404(Position, pk=pk, published_at__isnull=False)
    return Status(201, services.start_application(actor=request.auth, position=position))


@router.get("/applications/{pk}", response={200: ApplicationOut, 404: ErrorOut})
def get_application(request: HttpRequest, pk: int):
    application = _application(request, pk)
    if (
        application.status == ApplicationStatus.DRAFT
        and application.applicant_id != request.auth.pk
    ):
        raise Http404
    return application


@router.patch("/applications/{pk}", response={200: ApplicationOut, **ERRORS})
def update_application(request: HttpRequest, pk: int, payload: ApplicationPatch):
    application = _application(request, pk)
    changes = payload.dict(exclude_unset=True)
    return services.update_application(actor=request.auth, application=application, changes=changes)


@router.post("/applications/{pk}/documents/{kind}", response={200: ApplicationOut, **ERRORS})
def upload_document(request: HttpRequest, pk: int, kind: str, file: File[UploadedFile]):
    application = _application(request, pk)
    return services.upload_document(
        actor=request.auth, application=application, kind=kind, uploaded=file
    )


@router.post("/applications/{pk}/submit", response={200: ApplicationOut, **ERRORS})
def submit_application(request: HttpRequest, pk: int):
    return services.submit_application(actor=request.auth, application=_application(request, pk))


@router.post("/applications/{pk}/withdraw", response={200: ApplicationOut, **ERRORS})
def withdraw_application(request: HttpRequest, pk: int, payload: OptionalReasonIn):
    return services.withdraw_application(
        actor=request.auth, application=_application(request, pk), reason=payload.reason
    )


@router.post("/applications/{pk}/consent", response={200: ApplicationOut, **ERRORS})
def set_consent(request: HttpRequest, pk: int, payload: ConsentIn):
    return services.set_consent(
        actor=request.auth,
        application=_application(request, pk),
        keep_for_a_year=payload.keep_for_a_year,
    )


@router.post("/applications/{pk}/admit", response={200: ApplicationOut, **ERRORS})
def admit_application(request: HttpRequest, pk: int, payload: ReasonIn):
    return services.admit_application(
        actor=request.auth, application=_application(request, pk), reason=payload.reason
    )


@router.post("/offers/{pk}/answer", response={200: OfferOut, **ERRORS})
def answer_offer(request: HttpRequest, pk: int, payload: AnswerIn):
    offer = get_object_or_404(Offer.objects.select_related("application"), pk=pk)
    require_visible(request.auth, "selection.edit_application", offer.application)
    return services.respond_to_offer(actor=request.auth, offer=offer, accept=payload.accept)


# --- Committee and programme office ---


@router.get("/selection/{pk}/candidates", response={200: list[ApplicationOut], 404: ErrorOut})
@paginate
def list_candidates(request: HttpRequest, pk: int, status: ApplicationStatus | None = None):
    return selectors.procedure_applications(_position(request, pk), status=status or "")


@router.get("/selection/{pk}/committee", response={200: list[MemberOut], 404: ErrorOut})
def list_committee(request: HttpRequest, pk: int):
    return list(selectors.committee_of(_position(request, pk)))


@router.post("/selection/{pk}/committee", response={201: MemberOut, **ERRORS})
def add_member(request: HttpRequest, pk: int, payload: MemberIn):
    position = _position(request, pk)
    require(request.auth, "selection.manage_committee", position)
    person = get_object_or_404(User, pk=payload.user_id)
    member = services.add_committee_member(
        actor=request.auth,
        position=position,
        person=person,
        side=payload.side,
        is_chair=payload.is_chair,
    )
    return Status(201, member)


@router.delete("/selection/{pk}/committee/{member_pk}", response={204: None, **ERRORS})
def remove_member(request: HttpRequest, pk: int, member_pk: int):
    position = _position(request, pk)
    member = get_object_or_404(CommitteeMember, pk=member_pk, position=position)
    services.remove_committee_member(actor=request.auth, member=member)
    return Status(204, None)


@router.get("/selection/{pk}/stages", response={200: list[StageOut], 404: ErrorOut})
def list_stages(request: HttpRequest, pk: int):
    return list(_position(request, pk).stages.prefetch_related("criteria"))


@router.patch("/selection/{pk}/criteria/{criterion_pk}", response={200: CriterionOut, **ERRORS})
def update_criterion(request: HttpRequest, pk: int, criterion_pk: int, payload: CriterionPatch):
    """The programme office adjusts a criterion of the rubric until a sheet of its stage is
    submitted."""
    position = _position(request, pk)
    criterion = get_object_or_404(Criterion, pk=criterion_pk, stage__position=position)
    return services.update_criterion(
        actor=request.auth, criterion=criterion, changes=payload.dict(exclude_unset=True)
    )


@router.get(
    "/selection/{pk}/stages/{stage_pk}/results",
    response={200: list[CandidateResultOut], 404: ErrorOut},
)
def stage_results(request: HttpRequest, pk: int, stage_pk: int):
    """Blind: others' scores for a candidate appear only once you submitted your own."""
    position = _position(request, pk)
    stage = get_object_or_404(Stage, pk=stage_pk, position=position)
    out = []
    for result in selectors.stage_results(stage, request.auth):
        out.append(
            {
                "application_id": result.application.pk,
                "name": result.application.applicant.full_name,
                "eligible_members": result.eligible_members,
                "submitted": result.submitted,
                "visible": result.visible,
                "weighted_total": result.weighted_total,
                "rank": result.rank,
                "criteria": [
                    {
                        "criterion_id": c.criterion.pk,
                        "values": [
                            {"member": name, "value": value, "justification": justification}
                            for name, value, justification in c.values
                        ],
                        "spread": c.spread,
                        "average": c.average,
                        "disagreement": c.disagreement,
                    }
                    for c in result.criteria
                ],
            }
        )
    return out


@router.put("/selection/candidates/{pk}/scores/{stage_pk}", response={200: dict, **ERRORS})
def save_scores(request: HttpRequest, pk: int, stage_pk: int, payload: ScoresIn):
    application = _application(request, pk)
    stage = get_object_or_404(Stage, pk=stage_pk, position=application.position)
    sheet = services.save_scores(
        actor=request.auth,
        stage=stage,
        application=application,
        scores={s.criterion_id: (s.value, s.justification) for s in payload.scores},
        submit=payload.submit,
    )
    return {"submitted_at": sheet.submitted_at}


@router.post("/selection/candidates/{pk}/conflict", response={201: dict, **ERRORS})
def declare_conflict(request: HttpRequest, pk: int, payload: ReasonIn):
    """A member declares a conflict of interest for this candidate, and does not score them."""
    application = _application(request, pk)
    conflict = services.declare_conflict(
        actor=request.auth, application=application, reason=payload.reason
    )
    return Status(201, {"application_id": application.pk, "declared_at": conflict.declared_at})


@router.post("/selection/{pk}/moves", response={200: list[ApplicationOut], **ERRORS})
def move_candidates(request: HttpRequest, pk: int, payload: MoveIn):
    position = _position(request, pk)
    chosen = _of_position(position, payload.application_ids)
    if payload.action == "shortlist":
        return services.shortlist(actor=request.auth, applications=chosen)
    if payload.action == "reject":
        return services.reject(actor=request.auth, applications=chosen, reason=payload.reason)
    if payload.starts_at is None:
        raise ValidationError({"starts_at": "Give the date and time of the interview."})
    services.invite_to_interview(
        actor=request.auth,
        applications=chosen,
        starts_at=payload.starts_at,
        duration_minutes=payload.duration_minutes,
        location=payload.location,
    )
    return [_application(request, a.pk) for a in chosen]


@router.post("/selection/{pk}/decisions", response={201: DecisionOut, **ERRORS})
def propose_decision(request: HttpRequest, pk: int, payload: DecisionIn):
    position = _position(request, pk)
    candidate, *reserves = _of_position(position, [payload.candidate_id, *payload.reserve_ids])
    decision = services.propose_decision(
        actor=request.auth,
        position=position,
        candidate=candidate,
        reserves=reserves,
        rationale=payload.rationale,
        offer_deadline=payload.offer_deadline,
    )
    return Status(201, decision)


def _decision(request: HttpRequest, pk: int) -> Decision:
    decision = get_object_or_404(Decision.objects.select_related("position"), pk=pk)
    require_visible(request.auth, "selection.view_procedure", decision.position)
    return decision


@router.get("/decisions/{pk}", response={200: DecisionOut, 404: ErrorOut})
def get_decision(request: HttpRequest, pk: int):
    return _decision(request, pk)


@router.post("/decisions/{pk}/approve", response={200: DecisionOut, **ERRORS})
def approve_decision(request: HttpRequest, pk: int):
    return services.approve_decision(actor=request.auth, decision=_decision(request, pk))


@router.post("/decisions/{pk}/block", response={200: DecisionOut, **ERRORS})
def block_decision(request: HttpRequest, pk: int, payload: ReasonIn):
    return services.block_decision(
        actor=request.auth, decision=_decision(request, pk), reason=payload.reason
    )


@router.post("/decisions/{pk}/offer-next", response={201: OfferOut, **ERRORS})
def offer_next(request: HttpRequest, pk: int):
    return Status(
        201, services.offer_next_reserve(actor=request.auth, decision=_decision(request, pk))
    )
