"""What needs the action of an applicant or a committee member. A fixed number of queries."""

from __future__ import annotations

from django.db.models import Count, Exists, OuterRef, Q
from django.utils.translation import gettext_lazy as _

from qme.accounts.models import User
from qme.organisations.home import HomeSection

from .models import (
    Application,
    CommitteeMember,
    ConflictOfInterest,
    Decision,
    DecisionStatus,
    ScoreSheet,
)
from .services import SCOREABLE

SCREENING_STATUSES = list(SCOREABLE["screening"])


def applicant_section(user: User) -> HomeSection | None:
    applications = list(
        Application.objects.filter(applicant=user)
        .select_related("position__hospital")
        .prefetch_related("offers")
        .order_by("-updated_at")[:10]
    )
    if not applications:
        return None
    return HomeSection(
        kind="applications",
        title=str(_("Your applications")),
        template="home/applications.html",
        context={"applications": applications},
    )


def committee_section(user: User) -> HomeSection | None:
    seats = list(CommitteeMember.objects.filter(user=user).select_related("position__hospital"))
    if not seats:
        return None
    my_sheet = ScoreSheet.objects.filter(
        application=OuterRef("pk"), member__user=user, submitted_at__isnull=False
    )
    my_conflict = ConflictOfInterest.objects.filter(application=OuterRef("pk"), member__user=user)
    to_score = dict(
        Application.objects.filter(position__committee__user=user, status__in=SCREENING_STATUSES)
        .filter(~Exists(my_sheet), ~Exists(my_conflict))
        .values_list("position_id")
        .annotate(n=Count("pk", distinct=True))
    )
    chair_sides = {s.position_id: s.side for s in seats if s.is_chair}
    waiting = Decision.objects.filter(
        position_id__in=list(chair_sides), status=DecisionStatus.PROPOSED
    ).filter(Q(university_approved_at__isnull=True) | Q(hospital_approved_at__isnull=True))
    awaiting_me = [
        d
        for d in waiting
        if (chair_sides[d.position_id] == "university" and d.university_approved_at is None)
        or (chair_sides[d.position_id] == "hospital" and d.hospital_approved_at is None)
    ]
    return HomeSection(
        kind="committee",
        title=str(_("Selection committees")),
        template="home/committee.html",
        context={
            "rows": [(seat, to_score.get(seat.position_id, 0)) for seat in seats],
            "decisions": awaiting_me,
        },
    )
