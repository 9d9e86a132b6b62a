"""API for position requests and positions: the same services, rules and state checks as the
pages. The list of open positions is public."""

import datetime as dt
from typing import Any, Literal, TypeVar

from django.core.exceptions import ValidationError
from django.db.models import Model, QuerySet
from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import paginate
from pydantic import field_validator

from qme.accounts.models import User
from qme.api.kept import kept_list
from qme.api.schemas import ErrorOut, InputSchema
from qme.core.kept import KeptPage
from qme.core.permissions import require, require_visible
from qme.organisations.models import Department, Organisation, Region

from . import selectors, services
from .models import Position, PositionRequest, PositionStatus, RequestComment, RequestStatus

router = Router(tags=["positions"])

#: The lists kept until what they list changes (qme.api.kept).
REQUESTS = KeptPage(
    "api-requests",
    (Department, PositionRequest, RequestComment),
)
POSITIONS = KeptPage("api-positions", (Department, Position, PositionRequest))
OPEN_POSITIONS = KeptPage(
    "api-open-positions",
    (Department, Position, PositionRequest),
)


class RequestOut(Schema):
    id: int
    hospital_id: int
    hospital_name: str = Field(alias="hospital.name")
    department_id: int | None
    title: str
    clinical_problem: str
    project_outline: str
    expected_result: str
    medical_doctor_id: int | None
    hospital_supervisor_id: int | None
    intended_start: dt.date | None
    commits_employment: bool
    commits_funding: bool
    commits_workplace: bool
    training_climate: str
    status: RequestStatus
    submitted_at: dt.datetime | None
    decided_at: dt.datetime | None
    decision_reason: str
    university_id: int | None
    university_supervisor_id: int | None
    missing: list[str]

    @staticmethod
    def resolve_missing(obj: PositionRequest) -> list[str]:
        return (
            [message for _f, message in services.missing_for_submission(obj)]
            if obj.is_editable
            else []
        )


class RequestIn(InputSchema):
    hospital_id: int
    department_id: int | None = None
    title: str = Field(min_length=1, max_length=200)
    clinical_problem: str = Field("", max_length=5000)
    project_outline: str = Field("", max_length=10000)
    expected_result: str = Field("", max_length=5000)
    medical_doctor_id: int | None = None
    hospital_supervisor_id: int | None = None
    intended_start: dt.date | None = None
    commits_employment: bool = False
    commits_funding: bool = False
    commits_workplace: bool = False
    training_climate: str = Field("", max_length=5000)


def _not_null(value: object) -> object:
    """A field that may be left out of a PATCH, but not sent as null."""
    if value is None:
        raise ValueError("This field cannot be null.")
    return value


class RequestPatch(InputSchema):
    department_id: int | None = None
    title: str | None = Field(None, min_length=1, max_length=200)
    clinical_problem: str | None = Field(None, max_length=5000)
    project_outline: str | None = Field(None, max_length=10000)
    expected_result: str | None = Field(None, max_length=5000)
    medical_doctor_id: int | None = None
    hospital_supervisor_id: int | None = None
    intended_start: dt.date | None = None
    commits_employment: bool | None = None
    commits_funding: bool | None = None
    commits_workplace: bool | None = None
    training_climate: str | None = Field(None, max_length=5000)

    _required = field_validator(
        "title",
        "clinical_problem",
        "project_outline",
        "expected_result",
        "commits_employment",
        "commits_funding",
        "commits_workplace",
        "training_climate",
    )(_not_null)


class ReasonIn(InputSchema):
    reason: str = Field(min_length=1, max_length=5000)


class CommentIn(InputSchema):
    body: str = Field(min_length=1, max_length=5000)
    reply_to: int | None = None


class CommentOut(Schema):
    id: int
    author_id: int
    body: str
    reply_to_id: int | None
    is_change_request: bool
    created_at: dt.datetime
    resolved_at: dt.datetime | None


class ApproveIn(InputSchema):
    university_id: int
    university_supervisor_id: int
    reason: str = Field("", max_length=5000)


class PositionOut(Schema):
    id: int
    request_id: int
    hospital_id: int
    university_id: int
    title_nl: str
    title_en: str
    description_nl: str
    description_en: str
    requirements_nl: str
    requirements_en: str
    start_date: dt.date
    application_deadline: dt.date
    contact_name: str
    contact_email: str
    required_dutch_level: str
    status: PositionStatus
    published_at: dt.datetime | None
    status_reason: str


class PositionPatch(InputSchema):
    title_nl: str | None = Field(None, min_length=1, max_length=200)
    title_en: str | None = Field(None, min_length=1, max_length=200)
    description_nl: str | None = Field(None, max_length=10000)
    description_en: str | None = Field(None, max_length=10000)
    requirements_nl: str | None = Field(None, max_length=5000)
    requirements_en: str | None = Field(None, max_length=5000)
    start_date: dt.date | None = None
    application_deadline: dt.date | None = None
    contact_name: str | None = Field(None, max_length=200)
    contact_email: str | None = Field(None, max_length=254)
    required_dutch_level: Literal["B2", "B2+", "C1", "C2"] | None = None

    _required = field_validator("*")(_not_null)


class DeadlineIn(ReasonIn):
    deadline: dt.date


class PublicHospital(Schema):
    name: str
    city: str
    region: Region


class PublicPositionOut(Schema):
    """What the public page shows: nothing personal unless the hospital chose to publish it."""

    id: int
    title_nl: str
    title_en: str
    description_nl: str
    description_en: str
    requirements_nl: str
    requirements_en: str
    hospital: PublicHospital
    university: str = Field(alias="university.name")
    start_date: dt.date
    application_deadline: dt.date
    required_dutch_level: str
    contact_name: str
    contact_email: str
    url: str

    @staticmethod
    def resolve_url(obj: Position) -> str:
        from django.conf import settings
        from django.urls import reverse

        return settings.SITE_URL + reverse("positions:public_detail", args=[obj.pk])


class PublicFilters(InputSchema):
    region: Region | None = None
    university_id: int | None = None


class RequestFilters(InputSchema):
    status: RequestStatus | None = None
    hospital_id: int | None = None
    region: Region | None = None
    submitted_from: dt.date | None = None
    submitted_until: dt.date | None = None
    q: str = ""


M = TypeVar("M", bound=Model)


def _known(queryset: QuerySet[M], pk: int, field: str) -> M:
    """The object with this id, or a 422 that names the field: an unknown id is bad input."""
    found = queryset.filter(pk=pk).first()
    if found is None:
        raise ValidationError({field: _("There is no such item.")})
    return found


def _resolve_people(payload: dict, hospital: Organisation) -> dict:
    data: dict[str, Any] = {}
    for key, value in payload.items():
        if key == "department_id":
            data["department"] = (
                _known(Department.objects.filter(organisation=hospital), value, key)
                if value
                else None
            )
        elif key in ("medical_doctor_id", "hospital_supervisor_id"):
            data[key.removesuffix("_id")] = (
                _known(User.objects.all(), value, key) if value else None
            )
        elif key != "hospital_id":
            data[key] = value
    return data


def _request(request: HttpRequest, pk: int) -> PositionRequest:
    try:
        position_request = selectors.request_detail(pk)
    except PositionRequest.DoesNotExist as exc:
        # The same answer as for a request the person may not see, so neither reveals the other.
        raise Http404 from exc
    require_visible(request.auth, "positions.view_request", position_request)
    return position_request


def _position(request: HttpRequest, pk: int) -> Position:
    position = get_object_or_404(Position.objects.select_related("hospital"), pk=pk)
    require_visible(request.auth, "positions.view_position", position)
    return position


@router.get("/open-positions", response=list[PublicPositionOut], auth=None)
@kept_list(OPEN_POSITIONS, PublicPositionOut)
@paginate
def open_positions(request: HttpRequest, filters: Query[PublicFilters]):
    """The positions open for applications. Public: no sign-in needed."""
    return selectors.public_positions(
        region=filters.region or "", university_id=filters.university_id
    )


@router.get("/requests", response={200: list[RequestOut], 403: ErrorOut})
@kept_list(REQUESTS, RequestOut)
@paginate
def list_requests(request: HttpRequest, filters: Query[RequestFilters]):
    require(request.auth, "positions.list_requests")
    return selectors.request_list(
        request.auth,
        status=filters.status or "",
        hospital_id=filters.hospital_id,
        region=filters.region or "",
        submitted_from=filters.submitted_from,
        submitted_until=filters.submitted_until,
        query=filters.q[:100],
    )


@router.post("/requests", response={201: RequestOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut})
def create_request(request: HttpRequest, payload: RequestIn):
    require(request.auth, "positions.create_request")
    hospital = _known(Organisation.objects.all(), payload.hospital_id, "hospital_id")
    data = _resolve_people(payload.dict(), hospital)
    created = services.create_request(actor=request.auth, hospital=hospital, **data)
    return Status(201, selectors.request_detail(created.pk))


@router.get("/requests/{pk}", response={200: RequestOut, 404: ErrorOut})
def get_request(request: HttpRequest, pk: int):
    return _request(request, pk)


@router.patch(
    "/requests/{pk}", response={200: RequestOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut}
)
def update_request(request: HttpRequest, pk: int, payload: RequestPatch):
    position_request = _request(request, pk)
    data = _resolve_people(payload.dict(exclude_unset=True), position_request.hospital)
    services.update_request(actor=request.auth, request=position_request, changes=data)
    return selectors.request_detail(pk)


@router.post(
    "/requests/{pk}/submit", response={200: RequestOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut}
)
def submit_request(request: HttpRequest, pk: int):
    services.submit_request(actor=request.auth, request=_request(request, pk))
    return selectors.request_detail(pk)


@router.post(
    "/requests/{pk}/withdraw",
    response={200: RequestOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut},
)
def withdraw_request(request: HttpRequest, pk: int, payload: ReasonIn):
    services.withdraw_request(
        actor=request.auth, request=_request(request, pk), reason=payload.reason
    )
    return selectors.request_detail(pk)


@router.post(
    "/requests/{pk}/request-changes",
    response={200: RequestOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut},
)
def request_changes(request: HttpRequest, pk: int, payload: ReasonIn):
    services.request_changes(
        actor=request.auth, request=_request(request, pk), comment=payload.reason
    )
    return selectors.request_detail(pk)


@router.post(
    "/requests/{pk}/approve",
    response={201: PositionOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut},
)
def approve_request(request: HttpRequest, pk: int, payload: ApproveIn):
    position_request = _request(request, pk)
    require(request.auth, "positions.review_request", position_request)
    position = services.approve_request(
        actor=request.auth,
        request=position_request,
        university=_known(Organisation.objects.all(), payload.university_id, "university_id"),
        university_supervisor=_known(
            User.objects.all(), payload.university_supervisor_id, "university_supervisor_id"
        ),
        reason=payload.reason,
    )
    return Status(201, position)


@router.post(
    "/requests/{pk}/decline",
    response={200: RequestOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut},
)
def decline_request(request: HttpRequest, pk: int, payload: ReasonIn):
    services.decline_request(
        actor=request.auth, request=_request(request, pk), reason=payload.reason
    )
    return selectors.request_detail(pk)


@router.get("/requests/{pk}/comments", response={200: list[CommentOut], 404: ErrorOut})
def list_comments(request: HttpRequest, pk: int):
    return list(_request(request, pk).comments.all())


@router.post(
    "/requests/{pk}/comments",
    response={201: CommentOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut},
)
def add_comment(request: HttpRequest, pk: int, payload: CommentIn):
    position_request = _request(request, pk)
    reply_to = (
        _known(position_request.comments.all(), payload.reply_to, "reply_to")
        if payload.reply_to
        else None
    )
    return Status(
        201,
        services.add_comment(
            actor=request.auth, request=position_request, body=payload.body, reply_to=reply_to
        ),
    )


@router.post(
    "/requests/{pk}/comments/{comment_pk}/resolve",
    response={200: CommentOut, 403: ErrorOut, 404: ErrorOut},
)
def resolve_comment(request: HttpRequest, pk: int, comment_pk: int):
    position_request = _request(request, pk)
    comment = get_object_or_404(position_request.comments, pk=comment_pk)
    return services.resolve_comment(actor=request.auth, comment=comment)


@router.get("/positions", response={200: list[PositionOut], 403: ErrorOut})
@kept_list(POSITIONS, PositionOut)
@paginate
def list_positions(request: HttpRequest, status: PositionStatus | None = None):
    require(request.auth, "positions.list_positions")
    return selectors.position_list(request.auth, status=status or "")


@router.get("/positions/{pk}", response={200: PositionOut, 404: ErrorOut})
def get_position(request: HttpRequest, pk: int):
    return _position(request, pk)


@router.patch(
    "/positions/{pk}", response={200: PositionOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut}
)
def update_position(request: HttpRequest, pk: int, payload: PositionPatch):
    position = _position(request, pk)
    changes = payload.dict(exclude_unset=True)
    return services.update_position(actor=request.auth, position=position, changes=changes)


@router.post(
    "/positions/{pk}/publish",
    response={200: PositionOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut},
)
def publish_position(request: HttpRequest, pk: int):
    return services.publish_position(actor=request.auth, position=_position(request, pk))


@router.post(
    "/positions/{pk}/close",
    response={200: PositionOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut},
)
def close_position(request: HttpRequest, pk: int, payload: ReasonIn):
    return services.close_position(
        actor=request.auth, position=_position(request, pk), reason=payload.reason
    )


@router.post(
    "/positions/{pk}/extend-deadline",
    response={200: PositionOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut},
)
def extend_deadline(request: HttpRequest, pk: int, payload: DeadlineIn):
    return services.extend_deadline(
        actor=request.auth,
        position=_position(request, pk),
        deadline=payload.deadline,
        reason=payload.reason,
    )


@router.post(
    "/positions/{pk}/cancel",
    response={200: PositionOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut},
)
def cancel_position(request: HttpRequest, pk: int, payload: ReasonIn):
    return services.cancel_position(
        actor=request.auth, position=_position(request, pk), reason=payload.reason
    )


@router.post(
    "/positions/{pk}/reopen",
    response={200: PositionOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut},
)
def reopen_position(request: HttpRequest, pk: int, payload: DeadlineIn):
    return services.reopen_position(
        actor=request.auth,
        position=_position(request, pk),
        deadline=payload.deadline,
        reason=payload.reason,
    )
