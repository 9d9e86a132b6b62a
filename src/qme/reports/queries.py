"""The figures of every report, computed in the database with aggregates and subqueries.

Each function takes a `Scope` (the filters, and the hospitals a coordinator may see) and returns
`Table`s: the same rows feed the page, the chart, the CSV and XLSX downloads and the API. The
number of queries of each function is fixed; it does not grow with the data. Each query is one
pass over its table (grouped counts per hospital rather than a correlated count per hospital
and stage); Python only adds up rows that the database has already aggregated (a handful per
cohort, quarter or hospital; one or two per trainee for the cadence and cohort progress) and
fills in empty months or provinces. The views keep the results in the cache (reports.cache).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import (
    Avg,
    Count,
    DateField,
    DateTimeField,
    DecimalField,
    DurationField,
    Exists,
    ExpressionWrapper,
    F,
    Max,
    Min,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import (
    Coalesce,
    ExtractYear,
    TruncDate,
    TruncMonth,
    TruncQuarter,
)
from django.utils import timezone
from django.utils.translation import gettext as _

from qme.feedback.models import Feedback, Outcome, ProgrammeSettings, Review
from qme.feedback.models import Side as FeedbackSide
from qme.feedback.services import overdue_q
from qme.graduation.models import CaseStatus, GraduationCase
from qme.organisations.models import Organisation, Region
from qme.positions.models import Position, PositionRequest
from qme.selection.models import Application, Offer
from qme.training.models import (
    ItemRecord,
    PlanItem,
    PlanStatus,
    RecordStatus,
    Traineeship,
    TraineeshipStatus,
)

from .filters import Scope

#: Days in an average month, to show durations in months.
DAYS_PER_MONTH = 30.4375
#: Feedback "recently": in the last this many days.
RECENT_DAYS = 90


@dataclass
class Table:
    """A table of a report: column headings and rows of plain values (text, int, float, None)."""

    key: str
    title: str
    columns: list[str]
    rows: list[list[Any]]
    #: A last row with the totals, shown apart from the rows; None when it makes no sense.
    totals: list[Any] | None = None
    #: Columns that hold numbers (right-aligned on the page, numeric in XLSX).
    numeric: frozenset[int] = frozenset()
    #: A list that can be long (a row per trainee): the page shows it a page at a time; the
    #: downloads and the API hold every row.
    paged: bool = False

    def _labelled(self, row: list[Any]) -> list[tuple[str, Any, bool]]:
        return [(self.columns[i], cell, i in self.numeric) for i, cell in enumerate(row)]

    def labelled_totals(self) -> list[tuple[str, Any, bool]]:
        return self._labelled(self.totals) if self.totals else []

    def all_rows(self) -> list[list[Any]]:
        return [*self.rows, *([self.totals] if self.totals else [])]

    def as_dict(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "title": self.title,
            "columns": self.columns,
            "rows": self.rows,
            "totals": self.totals,
        }


@dataclass
class ReportData:
    tables: list[Table]
    #: Figures for the charts, by the key of the table they draw (see views.CHARTS).
    series: dict[str, Any] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    #: When the figures were computed (they may come from the cache: reports.cache).
    computed_at: dt.datetime | None = None

    def table(self, key: str) -> Table | None:
        return next((t for t in self.tables if t.key == key), None)


def _one(value: float | None) -> float | None:
    return None if value is None else round(float(value), 1)


def _percent(part: int | None, whole: int | None) -> float | None:
    return round(100.0 * float(part or 0) / float(whole), 1) if whole else None


def _months(duration: dt.timedelta | float | None) -> float | None:
    if duration is None:
        return None
    days = duration.total_seconds() / 86400 if isinstance(duration, dt.timedelta) else duration
    return round(days / DAYS_PER_MONTH, 1)


def _days(duration: dt.timedelta | None) -> float:
    return 0.0 if duration is None else duration.total_seconds() / 86400


# --- The pipeline: requests → positions → applications → offers → trainees ---


def _per_hospital(queryset: QuerySet, link: str) -> dict[int, int]:
    """How many rows of `queryset` point (through `link`) at each hospital: one grouped query."""
    return dict(queryset.order_by().values(link).annotate(n=Count("pk")).values_list(link, "n"))


def pipeline(scope: Scope) -> ReportData:
    requests = PositionRequest.objects.filter(submitted_at__isnull=False).filter(
        scope.q(date="intended_start")
    )
    positions = Position.objects.filter(scope.q())
    applications = Application.objects.filter(submitted_at__isnull=False).filter(
        scope.q("position__")
    )
    offers = Offer.objects.filter(scope.q("application__position__"))
    trainees = Traineeship.objects.filter(scope.q())
    # One grouped count per stage; the hospitals with nothing at any stage are left out.
    per_stage = [
        _per_hospital(requests, "hospital"),
        _per_hospital(positions, "hospital"),
        _per_hospital(applications, "position__hospital"),
        _per_hospital(offers, "application__position__hospital"),
        _per_hospital(trainees, "hospital"),
    ]
    hospitals = (
        Organisation.objects.care_providers()
        .filter(scope.hospital_q())
        .order_by("name")
        .values_list("pk", "name")
    )
    rows = []
    for pk, name in hospitals:
        requests_, positions_, applications_, offers_, trainees_ = (
            stage.get(pk, 0) for stage in per_stage
        )
        if requests_ or positions_ or applications_ or offers_ or trainees_:
            per = applications_ / positions_ if positions_ else None
            rows.append([name, requests_, positions_, applications_, _one(per), offers_, trainees_])
    sums = {
        key: sum(row[column] for row in rows)
        for key, column in (
            ("requests", 1),
            ("positions", 2),
            ("applications", 3),
            ("offers", 5),
            ("trainees", 6),
        )
    }
    per_position = round(sums["applications"] / sums["positions"], 1) if sums["positions"] else None
    totals = [
        _("All hospitals"),
        sums["requests"],
        sums["positions"],
        sums["applications"],
        per_position,
        sums["offers"],
        sums["trainees"],
    ]
    table = Table(
        key="pipeline",
        title=_("Pipeline per hospital"),
        columns=[
            _("Hospital"),
            _("Requests"),
            _("Positions"),
            _("Applications"),
            _("Applicants per position"),
            _("Offers"),
            _("Trainees"),
        ],
        rows=rows,
        totals=totals,
        numeric=frozenset(range(1, 7)),
    )
    stages = [
        (_("Requests"), sums["requests"]),
        (_("Positions"), sums["positions"]),
        (_("Applications"), sums["applications"]),
        (_("Offers"), sums["offers"]),
        (_("Trainees"), sums["trainees"]),
    ]
    return ReportData(tables=[table], series={"stages": stages})


# --- Cohort progress: EC earned over time per trainee, against the plan ---


def latest_cohort(scope: Scope) -> int | None:
    """The latest cohort that has started (or, when none has, the first to come)."""
    found = Traineeship.objects.filter(scope.q()).aggregate(
        started=Max("start_date", filter=Q(start_date__lte=timezone.localdate())),
        coming=Min("start_date"),
    )
    latest = found["started"] or found["coming"]
    return latest.year if latest else None


def _month_range(first: dt.date, last: dt.date) -> list[dt.date]:
    months = []
    month = first.replace(day=1)
    while month <= last:
        months.append(month)
        month = (month + dt.timedelta(days=32)).replace(day=1)
    return months


def cohort_progress(scope: Scope) -> ReportData:
    """For one cohort (the chosen one, or the latest): each trainee's EC signed off against the EC
    of their approved plan, and the cohort's EC per trainee month by month."""
    cohort = scope.cohort or latest_cohort(scope)
    # Without any traineeship in scope there is no cohort; the tables are then empty.
    scope = Scope(**{**scope.__dict__, "cohort": cohort})
    trainees = Traineeship.objects.filter(scope.q())
    approved_items = PlanItem.objects.filter(plan__status=PlanStatus.APPROVED)
    signed = ItemRecord.objects.filter(status=RecordStatus.SIGNED_OFF)
    ec = DecimalField(max_digits=7, decimal_places=1)

    # EC earned: each signed-off record of the cohort counts the EC of its item in the approved
    # plan (one index step per record), per trainee and per month of completion in one query.
    item_ec = Subquery(
        approved_items.filter(
            plan__traineeship=OuterRef("traineeship"), key=OuterRef("item_key")
        ).values("ec")[:1],
        output_field=ec,
    )
    earned_by_trainee: dict[int, Decimal] = {}
    earned_by_month: dict[dt.date, Decimal] = {}
    for trainee, month, total in (
        signed.filter(traineeship__in=trainees.values("pk"))
        .annotate(item_ec=item_ec)
        .values("traineeship", month=TruncMonth("completed_on"))
        .annotate(total=Sum("item_ec"))
        .order_by()
        .values_list("traineeship", "month", "total")
    ):
        earned_by_trainee[trainee] = earned_by_trainee.get(trainee, 0) + (total or 0)
        earned_by_month[month] = earned_by_month.get(month, 0) + (total or 0)

    def ec_sum(items: QuerySet) -> Coalesce:
        rows = (
            items.filter(plan__traineeship=OuterRef("pk"))
            .order_by()
            .values("plan__traineeship")
            .annotate(total=Sum("ec"))
            .values("total")
        )
        return Coalesce(Subquery(rows, output_field=ec), Value(Decimal(0)), output_field=ec)

    per_trainee = [
        (name, hospital, planned, earned_by_trainee.get(pk, Decimal(0)), required)
        for pk, name, hospital, planned, required in trainees.annotate(
            planned=ec_sum(approved_items),
            required=Coalesce("curriculum__total_ec", Value(Decimal(120)), output_field=ec),
        )
        .order_by("trainee__full_name", "pk")
        .values_list("pk", "trainee__full_name", "hospital__name", "planned", "required")
    ]
    rows = [
        [name, hospital, _one(planned), _one(earned), _one(required), _percent(earned, planned)]
        for name, hospital, planned, earned, required in per_trainee
    ]
    trainee_table = Table(
        key="trainees",
        title=_("EC per trainee"),
        columns=[
            _("Trainee"),
            _("Hospital"),
            _("EC in the plan"),
            _("EC earned"),
            _("EC required"),
            _("Share of the plan earned (%)"),
        ],
        rows=rows,
        numeric=frozenset({2, 3, 4, 5}),
        paged=True,
    )

    # EC planned per month: by the planned end of each item of the approved plans.
    planned_by_month = dict(
        approved_items.filter(plan__traineeship__in=trainees.values("pk"))
        .values(month=TruncMonth("planned_end"))
        .annotate(total=Sum("ec"))
        .order_by("month")
        .values_list("month", "total")
    )
    count = len(per_trainee)
    months_known = [m for m in [*earned_by_month, *planned_by_month] if m]
    month_rows: list[list[Any]] = []
    if months_known and count:
        this_month = timezone.localdate().replace(day=1)
        earned_total = Decimal(0)
        planned_total = Decimal(0)
        for month in _month_range(min(months_known), max(months_known)):
            earned_total += earned_by_month.get(month) or 0
            planned_total += planned_by_month.get(month) or 0
            month_rows.append(
                [
                    month.strftime("%Y-%m"),
                    _one(planned_total / count),
                    _one(earned_total / count) if month <= this_month else None,
                ]
            )
    month_table = Table(
        key="months",
        title=_("EC per trainee over time (cohort average, cumulative)"),
        columns=[_("Month"), _("EC planned"), _("EC earned")],
        rows=month_rows,
        numeric=frozenset({1, 2}),
    )
    return ReportData(
        tables=[month_table, trainee_table],
        series={"cohort": cohort, "trainees": count},
    )


# --- Time to completion and completion rate per cohort ---


def completion(scope: Scope) -> ReportData:
    traineeships = Traineeship.objects.filter(scope.q())
    done = Q(status=TraineeshipStatus.COMPLETED)
    cohorts = (
        traineeships.values(cohort=ExtractYear("start_date"))
        .annotate(
            started=Count("pk"),
            completed=Count("pk", filter=done),
            discontinued=Count("pk", filter=Q(status=TraineeshipStatus.DISCONTINUED)),
        )
        .order_by("cohort")
    )
    # Time to completion: from the start to the day of the first granted graduation of each
    # completed trainee (no granted case decided before it), per cohort.
    granted = GraduationCase.objects.filter(status=CaseStatus.GRANTED)
    earlier = granted.filter(traineeship=OuterRef("traineeship")).filter(
        Q(decided_at__lt=OuterRef("decided_at"))
        | Q(decided_at=OuterRef("decided_at"), pk__lt=OuterRef("pk"))
    )
    durations = {
        row["cohort"]: row
        for row in granted.filter(traineeship__in=traineeships.filter(done).values("pk"))
        .filter(~Exists(earlier))
        .alias(
            duration=ExpressionWrapper(
                TruncDate("decided_at", output_field=DateField()) - F("traineeship__start_date"),
                output_field=DurationField(),
            )
        )
        .values(cohort=ExtractYear("traineeship__start_date"))
        .annotate(
            average=Avg("duration", output_field=DurationField()),
            shortest=Min("duration"),
            longest=Max("duration"),
        )
        .order_by()
    }
    rows = []
    for row in cohorts:
        in_training = row["started"] - row["completed"] - row["discontinued"]
        times = durations.get(row["cohort"], {})
        rows.append(
            [
                str(row["cohort"]),
                row["started"],
                row["completed"],
                row["discontinued"],
                in_training,
                _percent(row["completed"], row["started"]),
                _months(times.get("average")),
                _months(times.get("shortest")),
                _months(times.get("longest")),
            ]
        )
    table = Table(
        key="cohorts",
        title=_("Completion per cohort"),
        columns=[
            _("Cohort"),
            _("Started"),
            _("Completed"),
            _("Discontinued"),
            _("Still in training"),
            _("Completion rate (%)"),
            _("Average time to completion (months)"),
            _("Shortest (months)"),
            _("Longest (months)"),
        ],
        rows=rows,
        numeric=frozenset(range(1, 9)),
    )
    return ReportData(tables=[table])


# --- Feedback cadence per hospital and per supervisor ---


class _Cadence:
    """Feedback figures of a hospital or a supervisor, summed over their trainees."""

    __slots__ = ("entries", "followed", "recent", "span")

    def __init__(self) -> None:
        self.entries = self.recent = self.followed = 0
        self.span = dt.timedelta()

    def add(self, entries: int, recent: int, span: dt.timedelta) -> None:
        """One more trainee: their entries, recent entries and time from first to last."""
        self.entries += entries
        self.recent += recent
        self.followed += 1
        self.span += span

    @property
    def mean_gap(self) -> float | None:
        """The mean days between two entries for the same trainee: the sum of (last - first)
        over the trainees, divided by the gaps between their entries (entries minus trainees)."""
        return _mean_gap(self.span, self.entries - self.followed)


def _feedback_figures(
    active: QuerySet,
) -> tuple[dict[int, _Cadence], dict[tuple[str, int], _Cadence]]:
    """The feedback of the active trainees, per hospital and per supervisor (by side and author;
    only what they gave the trainees they supervise on that side), from one pass over the
    feedback: entries, entries in the last 90 days, the trainees with feedback and the mean
    days between entries. The database groups the entries per trainee, side and author (about
    two rows per trainee); Python adds these up per hospital and per supervisor."""
    since = timezone.now() - dt.timedelta(days=RECENT_DAYS)
    supervised = {
        pk: (hospital, {FeedbackSide.UNIVERSITY: university, FeedbackSide.HOSPITAL: supervisor})
        for pk, hospital, university, supervisor in active.values_list(
            "pk", "hospital", "university_supervisor", "hospital_supervisor"
        )
    }
    groups = (
        Feedback.objects.filter(traineeship__in=active.values("pk"))
        .values("traineeship", "side", "author")
        .annotate(
            entries=Count("pk"),
            recent=Count("pk", filter=Q(given_at__gte=since)),
            first=Min("given_at"),
            last=Max("given_at"),
        )
        .order_by()
        .values_list("traineeship", "side", "author", "entries", "recent", "first", "last")
    )
    # Per trainee, across sides and authors: entries, recent, first, last.
    trainees: dict[int, list[Any]] = {}
    supervisors: dict[tuple[str, int], _Cadence] = {}
    for trainee, side, author, n, recent, first, last in groups:
        if trainee not in supervised:
            continue  # became active between the two queries: counted from the next time on
        seen = trainees.get(trainee)
        if seen is None:
            trainees[trainee] = [n, recent, first, last]
        else:
            seen[0] += n
            seen[1] += recent
            seen[2] = min(seen[2], first)
            seen[3] = max(seen[3], last)
        # A supervisor's own figures: what they gave on their side to the trainees they supervise.
        if supervised[trainee][1].get(side) == author:
            supervisors.setdefault((side, author), _Cadence()).add(n, recent, last - first)
    hospitals: dict[int, _Cadence] = {}
    for trainee, (n, recent, first, last) in trainees.items():
        hospitals.setdefault(supervised[trainee][0], _Cadence()).add(n, recent, last - first)
    return hospitals, supervisors


def _mean_gap(span: dt.timedelta, gaps: int) -> float | None:
    return round(_days(span) / gaps, 1) if gaps > 0 else None


def _side_overdue(last: str, interval: int, today: dt.date) -> Q:
    """No feedback from one side for more than `interval` whole days; counted as
    feedback.services.overdue_q counts."""
    cut = timezone.make_aware(dt.datetime.combine(today - dt.timedelta(days=interval), dt.time.min))
    return Q(**{f"{last}__lt": cut}) | Q(
        **{f"{last}__isnull": True, "start_date__lt": today - dt.timedelta(days=interval)}
    )


def _last_feedback(**filters: Any) -> Subquery:
    """The moment of a traineeship's last feedback (of these filters): one step in the
    (traineeship, side, given_at) index."""
    return Subquery(
        Feedback.objects.filter(traineeship=OuterRef("pk"), **filters)
        .order_by("-given_at")
        .values("given_at")[:1],
        output_field=DateTimeField(),
    )


def cadence(scope: Scope) -> ReportData:
    settings = ProgrammeSettings.current()
    today = timezone.localdate()
    active = Traineeship.objects.filter(
        scope.q(),
        status__in=[TraineeshipStatus.ACTIVE, TraineeshipStatus.EXTENDED],
        start_date__lte=today,
    )
    per_hospital_feedback, per_supervisor_feedback = _feedback_figures(active)
    per_hospital = (
        active.alias(
            last_university_feedback=_last_feedback(side=FeedbackSide.UNIVERSITY),
            last_hospital_feedback=_last_feedback(side=FeedbackSide.HOSPITAL),
        )
        .values("hospital_id", "hospital__name")
        .annotate(trainees=Count("pk"), overdue=Count("pk", filter=overdue_q(settings)))
        .order_by("hospital__name")
    )
    hospital_rows = []
    for row in per_hospital:
        found = per_hospital_feedback.get(row["hospital_id"]) or _Cadence()
        hospital_rows.append(
            [
                row["hospital__name"],
                row["trainees"],
                found.entries,
                found.recent,
                found.mean_gap,
                row["overdue"],
                _percent(row["overdue"], row["trainees"]),
            ]
        )
    hospital_table = Table(
        key="hospitals",
        title=_("Feedback cadence per hospital"),
        columns=[
            _("Hospital"),
            _("Active trainees"),
            _("Feedback entries"),
            _("In the last 90 days"),
            _("Mean days between feedback"),
            _("Trainees overdue"),
            _("Share overdue (%)"),
        ],
        rows=hospital_rows,
        numeric=frozenset(range(1, 7)),
    )

    supervisor_rows: list[list[Any]] = []
    for field_name, side, interval in (
        ("university_supervisor", FeedbackSide.UNIVERSITY, settings.university_interval_days),
        ("hospital_supervisor", FeedbackSide.HOSPITAL, settings.hospital_interval_days),
    ):
        rows = (
            active.filter(**{f"{field_name}__isnull": False})
            # Overdue as the trainee's page counts it: no feedback from this side in time.
            .alias(own_last=_last_feedback(side=side))
            .values(f"{field_name}_id", f"{field_name}__full_name")
            .annotate(
                trainees=Count("pk"),
                overdue=Count("pk", filter=_side_overdue("own_last", interval, today)),
            )
            .order_by(f"{field_name}__full_name")
        )
        for row in rows:
            found = per_supervisor_feedback.get((side, row[f"{field_name}_id"])) or _Cadence()
            supervisor_rows.append(
                [
                    row[f"{field_name}__full_name"],
                    str(FeedbackSide(side).label),
                    row["trainees"],
                    found.entries,
                    found.recent,
                    found.mean_gap,
                    row["overdue"],
                ]
            )
    supervisor_table = Table(
        key="supervisors",
        title=_("Feedback cadence per supervisor"),
        columns=[
            _("Supervisor"),
            _("Side"),
            _("Active trainees"),
            _("Feedback entries"),
            _("In the last 90 days"),
            _("Mean days between feedback"),
            _("Trainees overdue"),
        ],
        rows=supervisor_rows,
        numeric=frozenset(range(2, 7)),
    )
    return ReportData(
        tables=[hospital_table, supervisor_table],
        series={
            "interval": min(settings.university_interval_days, settings.hospital_interval_days)
        },
    )


# --- Review outcomes over time ---


def reviews(scope: Scope) -> ReportData:
    counts = (
        Review.objects.filter(scope.q("traineeship__"), held_on__isnull=False)
        .exclude(outcome="")
        .values("outcome", quarter=TruncQuarter("held_on"))
        .annotate(n=Count("pk"))
        .order_by("quarter", "outcome")
    )
    outcomes = list(Outcome)
    by_quarter: dict[dt.date, dict[str, int]] = {}
    for row in counts:
        by_quarter.setdefault(row["quarter"], {})[row["outcome"]] = row["n"]
    rows = []
    for quarter, numbers in sorted(by_quarter.items()):
        values = [numbers.get(outcome.value, 0) for outcome in outcomes]
        rows.append([_quarter_label(quarter), *values, sum(values)])
    totals = (
        [_("All quarters")] + [sum(row[i + 1] for row in rows) for i in range(len(outcomes) + 1)]
        if rows
        else None
    )
    table = Table(
        key="outcomes",
        title=_("Review outcomes per quarter"),
        columns=[_("Quarter"), *[str(o.label) for o in outcomes], _("All outcomes")],
        rows=rows,
        totals=totals,
        numeric=frozenset(range(1, len(outcomes) + 2)),
    )
    return ReportData(tables=[table], series={"outcomes": [str(o.label) for o in outcomes]})


def _quarter_label(day: dt.date | dt.datetime) -> str:
    return f"{day.year} Q{(day.month - 1) // 3 + 1}"


# --- Participating hospitals by province ---


def regions(scope: Scope) -> ReportData:
    positions = Position.objects.filter(scope.q())
    trainees = Traineeship.objects.filter(
        scope.q(),
        status__in=[
            TraineeshipStatus.ACTIVE,
            TraineeshipStatus.EXTENDED,
            TraineeshipStatus.ON_LEAVE,
        ],
    )
    all_trainees = Traineeship.objects.filter(scope.q())
    n_positions = _per_hospital(positions, "hospital")
    n_trainees = _per_hospital(trainees, "hospital")
    n_all = _per_hospital(all_trainees, "hospital")
    # Per province: the hospitals with a position or a trainee (whatever their state), their
    # positions and their trainees in training.
    counted: dict[str, tuple[int, int, int]] = {}
    for pk, region in (
        Organisation.objects.care_providers()
        .filter(scope.hospital_q())
        .order_by()
        .values_list("pk", "region")
    ):
        if n_positions.get(pk) or n_all.get(pk):
            hospitals, positions_, in_training = counted.get(region, (0, 0, 0))
            counted[region] = (
                hospitals + 1,
                positions_ + n_positions.get(pk, 0),
                in_training + n_trainees.get(pk, 0),
            )
    counted = dict(sorted(counted.items()))
    rows = [
        [str(region.label), *counted.get(region.value, (0, 0, 0))]
        for region in Region
        if not scope.region or scope.region == region.value
    ]
    totals = [_("The Netherlands"), *[sum(row[i] for row in rows) for i in (1, 2, 3)]]
    table = Table(
        key="provinces",
        title=_("Participating hospitals per province"),
        columns=[_("Province"), _("Hospitals"), _("Positions"), _("Trainees in training")],
        rows=rows,
        totals=totals,
        numeric=frozenset({1, 2, 3}),
    )
    return ReportData(
        tables=[table],
        series={"by_region": {code: values[0] for code, values in counted.items()}},
    )
