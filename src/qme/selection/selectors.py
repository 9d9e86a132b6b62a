"""Read-side queries of selection, and the blind view of the committee's scores."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from statistics import mean

from django.db.models import Count, Prefetch, Q, QuerySet

from qme.accounts.models import User
from qme.organisations import roles
from qme.positions.models import Position, PositionStatus

from .models import (
    Application,
    ApplicationStatus,
    CommitteeMember,
    ConflictOfInterest,
    Criterion,
    Score,
    ScoreSheet,
    Stage,
)
from .rules import committee_seat
from .services import SCOREABLE


def applications_of(user: User) -> QuerySet[Application]:
    return (
        Application.objects.filter(applicant=user)
        .select_related("position__hospital", "position__university")
        .order_by("-created_at")
    )


def procedures_for(user: User) -> QuerySet[Position]:
    """Positions whose selection this person takes part in (the office: every one in progress)."""
    if roles.is_programme_office(user):
        qs = Position.objects.filter(status__in=[PositionStatus.OPEN, PositionStatus.SELECTION])
    else:
        qs = Position.objects.filter(committee__user=user)
    in_procedure = Q(
        applications__status__in=[
            ApplicationStatus.SUBMITTED,
            ApplicationStatus.SHORTLISTED,
            ApplicationStatus.INTERVIEW,
            ApplicationStatus.OFFERED,
        ]
    )
    return (
        qs.select_related("hospital", "university")
        .annotate(
            candidate_count=Count("applications", filter=in_procedure, distinct=True),
            member_count=Count("committee", distinct=True),
        )
        .order_by("application_deadline", "id")
    )


def procedure_applications(position: Position, *, status: str = "") -> QuerySet[Application]:
    qs = position.applications.exclude(status=ApplicationStatus.DRAFT).select_related("applicant")
    if status:
        qs = qs.filter(status=status)
    return qs.order_by("status", "applicant__full_name")


@dataclass
class CriterionResult:
    criterion: Criterion
    values: list[tuple[str, int, str]]  # member name, score, justification
    spread: int = 0
    average: float = 0.0
    disagreement: bool = False


@dataclass
class CandidateResult:
    application: Application
    eligible_members: int
    submitted: int
    my_sheet_submitted: bool
    visible: bool
    conflicted: bool = False
    criteria: list[CriterionResult] = field(default_factory=list)
    weighted_total: float | None = None
    rank: int | None = None

    @property
    def complete(self) -> bool:
        return self.submitted >= self.eligible_members > 0


def stage_results(stage: Stage, viewer: User) -> list[CandidateResult]:
    """Per candidate: the scores the viewer may see. A member sees other members' scores for a
    candidate only after submitting their own; the programme office sees them once everyone has
    scored. Ranked by weighted total among candidates that everyone has scored."""
    position = stage.position
    seat = committee_seat(viewer, position)
    is_office = roles.is_programme_office(viewer)
    members = list(position.committee.select_related("user"))
    criteria = list(stage.criteria.all())
    weights = sum(c.weight for c in criteria) or 1
    applications = list(
        position.applications.filter(status__in=SCOREABLE.get(stage.kind, ()))
        .select_related("applicant")
        .order_by("applicant__full_name")
    )
    conflicts = set(
        ConflictOfInterest.objects.filter(application__in=applications).values_list(
            "member_id", "application_id"
        )
    )
    sheets = (
        ScoreSheet.objects.filter(stage=stage, application__in=applications)
        .select_related("member__user")
        .prefetch_related(Prefetch("scores", queryset=Score.objects.all()))
    )
    by_application: dict[int, list[ScoreSheet]] = {}
    for sheet in sheets:
        by_application.setdefault(sheet.application_id, []).append(sheet)
    results = []
    for application in applications:
        eligible = [m for m in members if (m.pk, application.pk) not in conflicts]
        submitted = [s for s in by_application.get(application.pk, []) if s.submitted_at]
        mine = seat is not None and any(s.member_id == seat.pk for s in submitted)
        complete = len(submitted) >= len(eligible) > 0
        visible = mine or (is_office and complete)
        result = CandidateResult(
            application=application,
            eligible_members=len(eligible),
            submitted=len(submitted),
            my_sheet_submitted=mine,
            visible=visible,
            conflicted=seat is not None and (seat.pk, application.pk) in conflicts,
        )
        if visible:
            total = 0.0
            for criterion in criteria:
                values = [
                    (s.member.user.full_name, sc.value, sc.justification)
                    for s in submitted
                    for sc in s.scores.all()
                    if sc.criterion_id == criterion.pk
                ]
                numbers = [v for _n, v, _j in values]
                item = CriterionResult(criterion=criterion, values=values)
                if numbers:
                    item.spread = max(numbers) - min(numbers)
                    item.average = round(mean(numbers), 2)
                    item.disagreement = item.spread >= stage.disagreement_threshold
                    total += item.average * criterion.weight
                result.criteria.append(item)
            result.weighted_total = round(total / weights, 2) if submitted else None
        results.append(result)
    ranked = sorted(
        (r for r in results if r.visible and r.complete and r.weighted_total is not None),
        key=lambda r: -r.weighted_total,
    )
    for rank, result in enumerate(ranked, start=1):
        result.rank = rank
    return sorted(
        results, key=lambda r: (r.rank is None, r.rank or 0, r.application.applicant.full_name)
    )


def in_ranking_order(
    position: Position, viewer: User, applications: Iterable[Application]
) -> list[Application]:
    """Applications in the order of the committee's ranking as the viewer may see it: by the
    latest scored stage first (interview before screening); those without a rank last, by name."""
    ranks: dict[int, tuple[int, int]] = {}
    for stage in position.stages.filter(kind__in=list(SCOREABLE)).order_by("-order"):
        for result in stage_results(stage, viewer):
            if result.rank is not None:
                ranks.setdefault(result.application.pk, (-stage.order, result.rank))
    return sorted(
        applications,
        key=lambda a: (a.pk not in ranks, ranks.get(a.pk, (0, 0)), a.applicant.full_name),
    )


def my_sheet(stage: Stage, application: Application, viewer: User) -> ScoreSheet | None:
    seat = committee_seat(viewer, application.position)
    if seat is None:
        return None
    return (
        ScoreSheet.objects.filter(stage=stage, application=application, member=seat)
        .prefetch_related("scores")
        .first()
    )


def committee_of(position: Position) -> QuerySet[CommitteeMember]:
    return position.committee.select_related("user").order_by(
        "side", "-is_chair", "user__full_name"
    )
