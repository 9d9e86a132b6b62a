"""Read-side queries for requests and positions: what a person may see, and the public list."""

from __future__ import annotations

import datetime as dt

from django.db.models import Count, Q, QuerySet

from qme.accounts.models import User
from qme.organisations import roles
from qme.organisations.models import RoleKind

from .models import Position, PositionRequest, PositionStatus


def requests_visible_to(user: User) -> QuerySet[PositionRequest]:
    qs = PositionRequest.objects.all()
    if roles.is_programme_office(user):
        return qs
    return qs.filter(
        Q(hospital_id__in=roles.organisation_ids(user, RoleKind.HOSPITAL_COORDINATOR))
        | Q(medical_doctor=user)
        | Q(hospital_supervisor=user)
        | Q(university_supervisor=user)
    )


def request_list(
    user: User,
    *,
    status: str = "",
    hospital_id: int | None = None,
    region: str = "",
    submitted_from: dt.date | None = None,
    submitted_until: dt.date | None = None,
    query: str = "",
) -> QuerySet[PositionRequest]:
    qs = requests_visible_to(user)
    if status:
        qs = qs.filter(status=status)
    if hospital_id:
        qs = qs.filter(hospital_id=hospital_id)
    if region:
        qs = qs.filter(hospital__region=region)
    if submitted_from:
        qs = qs.filter(submitted_at__date__gte=submitted_from)
    if submitted_until:
        qs = qs.filter(submitted_at__date__lte=submitted_until)
    if query:
        qs = qs.filter(Q(title__icontains=query) | Q(hospital__name__icontains=query))
    return (
        qs.select_related("hospital", "created_by")
        .annotate(
            open_comment_count=Count(
                "comments",
                filter=Q(comments__is_change_request=True, comments__resolved_at__isnull=True),
            )
        )
        .order_by("-updated_at", "-id")
    )


def request_detail(pk: int) -> PositionRequest:
    return PositionRequest.objects.select_related(
        "hospital",
        "department",
        "medical_doctor",
        "hospital_supervisor",
        "created_by",
        "decided_by",
        "university",
        "university_supervisor",
    ).get(pk=pk)


def positions_visible_to(user: User) -> QuerySet[Position]:
    qs = Position.objects.all()
    if roles.is_programme_office(user):
        return qs
    return qs.filter(hospital_id__in=roles.organisation_ids(user, RoleKind.HOSPITAL_COORDINATOR))


def position_list(
    user: User,
    *,
    status: str = "",
    hospital_id: int | None = None,
    university_id: int | None = None,
    query: str = "",
) -> QuerySet[Position]:
    qs = positions_visible_to(user)
    if status:
        qs = qs.filter(status=status)
    if hospital_id:
        qs = qs.filter(hospital_id=hospital_id)
    if university_id:
        qs = qs.filter(university_id=university_id)
    if query:
        qs = qs.filter(Q(title_nl__icontains=query) | Q(title_en__icontains=query))
    return qs.select_related("hospital", "university").order_by("-created_at", "-id")


def public_positions(*, region: str = "", university_id: int | None = None) -> QuerySet[Position]:
    qs = Position.objects.open_for_applications()
    if region:
        qs = qs.filter(hospital__region=region)
    if university_id:
        qs = qs.filter(university_id=university_id)
    return qs.select_related("hospital", "university").order_by("application_deadline", "id")


def public_position(pk: int) -> Position:
    """A position that the public may see: published and not withdrawn from view."""
    return Position.objects.select_related("hospital", "university").get(
        pk=pk,
        status__in=[PositionStatus.OPEN, PositionStatus.SELECTION, PositionStatus.FILLED],
        published_at__isnull=False,
    )
