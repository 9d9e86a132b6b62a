"""API for graduation: the requirements check, the board's cases and votes, diplomas, and the
public verification of a diploma."""

import datetime as dt
from typing import Any

from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Body, Field, Query, Router, Schema, Status
from ninja.pagination import paginate

from qme.api.kept import kept_list
from qme.api.schemas import ErrorOut, InputSchema
from qme.core import ratelimit
from qme.core.kept import KeptPage
from qme.core.permissions import require, require_visible
from qme.training.models import Traineeship

from . import issuing, reasons, services
from .models import BoardVote, CaseStatus, Diploma, GraduationCase

router = Router(tags=["graduation"])

#: The lists kept until what they list changes (qme.api.kept).
CASES = KeptPage(
    "api-graduation-cases",
    (GraduationCase, BoardVote, Traineeship),
)
ERRORS = {403: ErrorOut, 404: ErrorOut, 409: ErrorOut}


class RequirementOut(Schema):
    key: str
    label: str
    met: bool
    detail: str


class CaseOut(Schema):
    id: int
    traineeship_id: int
    status: CaseStatus
    proposed_at: dt.datetime
    decided_at: dt.datetime | None
    reasons: str
    votes: list[dict]

    @staticmethod
    def resolve_votes(obj: GraduationCase) -> list[dict]:
        return [
            {
                "member": v.member.full_name,
                "vote": v.vote,
                "reason": v.reason,
                "voted_at": v.voted_at,
            }
            for v in (
                obj.votes.all()  # prefetched with their members by the list
                if "votes" in getattr(obj, "_prefetched_objects_cache", {})
                else obj.votes.select_related("member")
            )
        ]


class VoteIn(Schema):
    vote: str = Field(pattern="^(grant|not_yet)$")
    reason: str = Field("", max_length=5000)


class DiplomaOut(Schema):
    number: str
    holder_name: str
    issued_at: dt.datetime
    revoked_at: dt.datetime | None
    replaced_by: str | None = Field(None, alias="replaced_by.number")
    credential: dict


class VerificationOut(Schema):
    outcome: str
    #: The verifier's reason, in English (as `qme verify` prints it).
    reason: str
    #: A stable, machine-readable kind of reason: for INVALID the first problem's kind (see
    #: credentials.errors.REASON_CODES), "revoked", "status_unknown", or null when valid.
    reason_code: str | None = None
    reason_codes: list[str] = []
    #: The explanation in the language of the request (Accept-Language or the person's).
    message: str = ""
    number: str | None = None
    holder: str | None = None
    issued: dt.datetime | None = None
    revoked: dt.datetime | None = None


def _traineeship(request: HttpRequest, pk: int) -> Traineeship:
    traineeship = get_object_or_404(Traineeship, pk=pk)
    require_visible(request.auth, "training.view_traineeship", traineeship)
    return traineeship


@router.get("/traineeships/{pk}/requirements", response={200: list[RequirementOut], 404: ErrorOut})
def requirements(request: HttpRequest, pk: int):
    return [vars(c) for c in services.requirements_check(_traineeship(request, pk))]


@router.post("/traineeships/{pk}/graduation", response={201: CaseOut, **ERRORS})
def propose(request: HttpRequest, pk: int):
    return Status(201, services.propose(actor=request.auth, traineeship=_traineeship(request, pk)))


class CaseFilters(InputSchema):
    status: CaseStatus | None = None


@router.get("/graduation-cases", response={200: list[CaseOut], 403: ErrorOut})
@kept_list(CASES, CaseOut)
@paginate
def list_cases(request: HttpRequest, filters: Query[CaseFilters]):
    """The graduation cases, the latest proposed first; `status` gives those proposed (waiting
    for the board), granted or not yet granted."""
    require(request.auth, "graduation.list_cases")
    cases = GraduationCase.objects.prefetch_related("votes__member").order_by("-proposed_at", "-pk")
    if filters.status:
        cases = cases.filter(status=filters.status)
    return cases


def _case(request: HttpRequest, pk: int) -> GraduationCase:
    require(request.auth, "graduation.list_cases")
    return get_object_or_404(GraduationCase, pk=pk)


@router.post("/graduation-cases/{pk}/votes", response={200: CaseOut, **ERRORS})
def vote(request: HttpRequest, pk: int, payload: VoteIn):
    case = _case(request, pk)
    services.vote(actor=request.auth, case=case, choice=payload.vote, reason=payload.reason)
    return case


@router.post("/graduation-cases/{pk}/decision", response={200: CaseOut, **ERRORS})
def decide(request: HttpRequest, pk: int):
    return services.decide(actor=request.auth, case=_case(request, pk))


@router.get("/traineeships/{pk}/diplomas", response={200: list[DiplomaOut], 404: ErrorOut})
def diplomas(request: HttpRequest, pk: int):
    """The diplomas of a traineeship: for whom the diploma pages are (see rules.py)."""
    traineeship = get_object_or_404(Traineeship, pk=pk)
    require_visible(request.auth, "graduation.view_diplomas", traineeship)
    return list(traineeship.diplomas.select_related("replaced_by"))


def _verification(result, diploma: Diploma | None) -> dict[str, Any]:
    explained = reasons.result_context(result)["explained"]
    if result.outcome != "INVALID" and result.code:
        explained = reasons.explain([result.code])
    return {
        "outcome": result.outcome,
        "reason": result.reason,
        "reason_code": result.code,
        "reason_codes": list(result.codes),
        "message": " ".join(explained),
        "number": diploma.number if diploma else None,
        "holder": diploma.holder_name if diploma else None,
        "issued": diploma.issued_at if diploma else None,
        "revoked": diploma.revoked_at if diploma else None,
    }


def _too_many(request: HttpRequest) -> Status | None:
    """The public checks share the limit of the verification pages."""
    if ratelimit.allow(request, "verify", limit=60, per_seconds=60):
        return None
    return Status(
        429,
        {"detail": _("Too many checks from your address. Wait a minute."), "code": "rate_limited"},
    )


@router.get(
    "/diplomas/{number}/verification",
    response={200: VerificationOut, 404: ErrorOut, 429: ErrorOut},
    auth=None,
)
def verify_number(request: HttpRequest, number: str):
    """Public: is this diploma valid, revoked or invalid?"""
    if refused := _too_many(request):
        return refused
    if "\x00" in number:  # no diploma number holds one, and PostgreSQL refuses it in a query
        raise Http404
    diploma = get_object_or_404(Diploma, number=number[:32])
    return _verification(issuing.verify_diploma(diploma.credential), diploma)


@router.post("/verify", response={200: VerificationOut, 429: ErrorOut}, auth=None)
def verify_credential(request: HttpRequest, credential: Body[dict[str, Any]]):
    """Public: verify a credential (the JSON body) against the issuer's keys and status list."""
    if refused := _too_many(request):
        return refused
    result = issuing.verify_diploma(credential)
    number = str(credential.get("id", "")).rstrip("/").rsplit("/", 1)[-1][:32]
    diploma = Diploma.objects.filter(number=number).first() if "\x00" not in number else None
    return _verification(result, diploma)
