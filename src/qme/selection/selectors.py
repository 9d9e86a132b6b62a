"""Read-side queries of selection, and the blind view of the committee's scores."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db.models import (
    Count,
    Exists,
    F,
    Func,
    IntegerField,
    Max,
    Min,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    prefetch_related_objects,
)
from django.db.models.functions import Coalesce

from qme.accounts.models import User
from qme.organisations import roles
from qme.organisations.models import Organisation, Role
from qme.positions.models import Position, PositionStatus
from qme.reports import cache as versioned

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
    #: Per criterion id of a visible candidate: (sum, number, lowest, highest) of the submitted
    #: scores, aggregated in the database.
    sums: dict[int, tuple[int, int, int, int]] = field(default_factory=dict, repr=False)

    @property
    def complete(self) -> bool:
        return self.submitted >= self.eligible_members > 0


def _submitted_sheets(stage: Stage) -> QuerySet[ScoreSheet]:
    return ScoreSheet.objects.filter(stage=stage, submitted_at__isnull=False)


def _submitted_scores(stage: Stage, application_ids) -> QuerySet[Score]:
    """The scores of the submitted sheets of these candidates in this stage."""
    return Score.objects.filter(
        sheet__stage=stage,
        sheet__submitted_at__isnull=False,
        sheet__application_id__in=list(application_ids),
    )


def stage_ranking(stage: Stage, viewer: User) -> list[CandidateResult]:
    """Every candidate of the stage as the viewer may see them, ranked, without the members'
    individual scores (``with_scores`` adds those for the candidates shown).

    Blindness is decided here: a member sees other members' scores for a candidate only after
    submitting their own; the programme office sees them once everyone has scored. Ranked by
    weighted total among candidates that everyone has scored; then the others, by name.

    A fixed number of queries whatever the number of candidates and scores: the counts per
    candidate are subqueries; the sums, numbers and extremes of the scores per candidate and
    criterion, one aggregate."""
    position = stage.position
    seat = committee_seat(viewer, position)
    is_office = roles.is_programme_office(viewer)
    prefetch_related_objects([stage], "criteria")
    criteria = list(stage.criteria.all())
    weights = sum(c.weight for c in criteria) or 1
    member_count = position.committee.count()
    sheets = _submitted_sheets(stage).filter(application=OuterRef("pk"))
    conflicts = ConflictOfInterest.objects.filter(
        application=OuterRef("pk"), member__position=position
    )
    candidates = (
        position.applications.filter(status__in=SCOREABLE.get(stage.kind, ()))
        .select_related("applicant")
        # What the pages and the API show of a candidate here (the rest would be loaded and
        # decoded for every candidate of the stage for nothing).
        .only("position_id", "status", "applicant__full_name")
        .annotate(
            n_submitted=_count(sheets),
            n_conflicts=_count(conflicts),
            mine=Exists(sheets.filter(member=seat)) if seat else Value(False),
            conflicted=Exists(conflicts.filter(member=seat)) if seat else Value(False),
        )
        .order_by("applicant__full_name", "pk")
    )
    results = []
    for application in candidates:
        eligible = member_count - application.n_conflicts
        complete = application.n_submitted >= eligible > 0
        results.append(
            CandidateResult(
                application=application,
                eligible_members=eligible,
                submitted=application.n_submitted,
                my_sheet_submitted=application.mine,
                visible=application.mine or (is_office and complete),
                conflicted=application.conflicted,
            )
        )
    visible = {r.application.pk: r for r in results if r.visible}
    if visible:
        sums = (
            _submitted_scores(stage, visible)
            .values_list("sheet__application_id", "criterion_id")
            .annotate(Sum("value"), Count("pk"), Min("value"), Max("value"))
            .order_by()
        )
        for application_id, criterion_id, *aggregates in sums:
            visible[application_id].sums[criterion_id] = tuple(aggregates)
    for result in visible.values():
        total = 0.0
        for criterion in criteria:
            if criterion.pk in result.sums:
                value_sum, number, _lowest, _highest = result.sums[criterion.pk]
                total += round(_mean(value_sum, number), 2) * criterion.weight
        result.weighted_total = round(total / weights, 2) if result.submitted else None
    ranked = sorted(
        (r for r in results if r.visible and r.complete and r.weighted_total is not None),
        key=lambda r: -r.weighted_total,
    )
    for rank, result in enumerate(ranked, start=1):
        result.rank = rank
    return sorted(
        results, key=lambda r: (r.rank is None, r.rank or 0, r.application.applicant.full_name)
    )


def _mean(total: int, number: int) -> float | int:
    """The mean of ``number`` whole scores adding up to ``total``, as ``statistics.mean`` gives
    it: a whole number when it is one (shown as 4, not 4.0)."""
    return total // number if total % number == 0 else total / number


def _count(qs: QuerySet) -> Coalesce:
    """The number of rows of a queryset correlated with the outer row, as a subquery."""
    return Coalesce(
        Subquery(
            qs.order_by()
            .annotate(n=Func(F("pk"), function="COUNT", output_field=IntegerField()))
            .values("n")
        ),
        0,
    )


def with_scores(stage: Stage, results: Iterable[CandidateResult]) -> None:
    """Add each member's score per criterion, with the spread and the average, to the visible
    candidates among ``results`` (one query for all of them)."""
    shown = {r.application.pk: r for r in results if r.visible}
    if not shown:
        return
    prefetch_related_objects([stage], "criteria")
    criteria = list(stage.criteria.all())
    values: dict[tuple[int, int], list[tuple[str, int, str]]] = {}
    rows = (
        _submitted_scores(stage, shown)
        .order_by("sheet_id", "criterion_id")
        .values_list(
            "sheet__application_id",
            "criterion_id",
            "sheet__member__user__full_name",
            "value",
            "justification",
        )
    )
    for application_id, criterion_id, name, value, justification in rows:
        values.setdefault((application_id, criterion_id), []).append((name, value, justification))
    for result in shown.values():
        result.criteria = []
        for criterion in criteria:
            item = CriterionResult(
                criterion=criterion, values=values.get((result.application.pk, criterion.pk), [])
            )
            if criterion.pk in result.sums:
                value_sum, number, lowest, highest = result.sums[criterion.pk]
                item.spread = highest - lowest
                item.average = round(_mean(value_sum, number), 2)
                item.disagreement = item.spread >= stage.disagreement_threshold
            result.criteria.append(item)


#: What a stage's ranking is worked out from: a change to any of these ranks it again.
RANKING_READS = (
    Stage,
    Criterion,
    Position,
    CommitteeMember,
    Application,
    ScoreSheet,
    Score,
    ConflictOfInterest,
    User,
    Role,
    Organisation,
)


def kept_stage_ranking(stage: Stage, viewer: User) -> list[CandidateResult]:
    """``stage_ranking``, kept in the versioned cache (reports.cache) per stage and viewer (what
    a viewer may see depends on their seat and their own sheets) until a score, a sheet, a
    candidate, a conflict or a seat changes. Ranking a stage of a hundred candidates reads every
    candidate with their counts, on every page of the results."""
    return versioned.remember(
        "selection:ranking",
        RANKING_READS,
        (stage.pk, viewer.pk),
        lambda: stage_ranking(stage, viewer),
    )


def stage_results(stage: Stage, viewer: User) -> list[CandidateResult]:
    """Every candidate of the stage with the scores the viewer may see (``stage_ranking``), each
    member's score included."""
    results = stage_ranking(stage, viewer)
    with_scores(stage, results)
    return results


def in_ranking_order(
    position: Position, viewer: User, applications: Iterable[Application]
) -> list[Application]:
    """Applications in the order of the committee's ranking as the viewer may see it: by the
    latest scored stage first (interview before screening); those without a rank last, by name."""
    ranks: dict[int, tuple[int, int]] = {}
    for stage in position.stages.filter(kind__in=list(SCOREABLE)).order_by("-order"):
        for result in stage_ranking(stage, viewer):
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
