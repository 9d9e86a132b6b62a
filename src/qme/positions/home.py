"""What needs the action of the programme office or a hospital coordinator about requests and
positions. A fixed number of queries, whatever the size of the data."""

from __future__ import annotations

from django.db.models import Count, Q, Window
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from qme.accounts.models import User
from qme.organisations import roles
from qme.organisations.home import FIRST_N, HomeSection
from qme.organisations.models import RoleKind

from .models import Position, PositionRequest, PositionStatus, RequestStatus


def office_section(user: User) -> HomeSection:
    to_review = (
        PositionRequest.objects.filter(status=RequestStatus.SUBMITTED)
        .select_related("hospital")
        .order_by("submitted_at")
    )
    unpublished = (
        Position.objects.filter(status=PositionStatus.DRAFT)
        .select_related("hospital")
        .order_by("created_at")
    )
    counts = Position.objects.aggregate(
        open=Count(
            "pk",
            filter=Q(status=PositionStatus.OPEN, application_deadline__gte=timezone.localdate()),
        ),
        selection=Count("pk", filter=Q(status=PositionStatus.SELECTION)),
        expired=Count(
            "pk",
            filter=Q(status=PositionStatus.OPEN, application_deadline__lt=timezone.localdate()),
        ),
    )
    to_review_rows = list(to_review.annotate(home_total=Window(Count("pk")))[:FIRST_N])
    unpublished_rows = list(unpublished.annotate(home_total=Window(Count("pk")))[:FIRST_N])
    return HomeSection(
        kind="positions_office",
        title=str(_("Requests and positions")),
        template="home/positions_office.html",
        context={
            "to_review": to_review_rows,
            "to_review_count": to_review_rows[0].home_total if to_review_rows else 0,
            "unpublished": unpublished_rows,
            "unpublished_count": unpublished_rows[0].home_total if unpublished_rows else 0,
            "counts": counts,
        },
    )


def coordinator_section(user: User) -> HomeSection:
    hospital_ids = roles.organisation_ids(user, RoleKind.HOSPITAL_COORDINATOR)
    needs_me = (
        PositionRequest.objects.filter(
            hospital_id__in=hospital_ids,
            status__in=[RequestStatus.DRAFT, RequestStatus.CHANGES_REQUESTED],
        )
        .select_related("hospital")
        .order_by("-updated_at")
    )
    waiting = PositionRequest.objects.filter(
        hospital_id__in=hospital_ids, status=RequestStatus.SUBMITTED
    ).count()
    positions = (
        Position.objects.filter(hospital_id__in=hospital_ids)
        .exclude(status__in=[PositionStatus.FILLED, PositionStatus.CANCELLED])
        .select_related("hospital")
        .order_by("application_deadline")
    )
    return HomeSection(
        kind="positions_coordinator",
        title=str(_("Your requests and positions")),
        template="home/positions_coordinator.html",
        context={
            "needs_me": list(needs_me[:10]),
            "waiting_count": waiting,
            "positions": list(positions[:10]),
        },
    )
