"""The figures of every report, computed in the database with aggregates and subqueries.

Each function takes a `Scope` (the filters, and the hospitals a coordinator may see) and returns
`Table`s: the same rows feed the page, the chart, the CSV and XLSX downloads and the API. The
number of queries of each function is fixed; it does not grow with the data. Python only
reshapes rows that the database has already aggregated (a handful per cohort, quarter or
hospital) and fills in empty months or provinces.
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
    FloatField,
    IntegerField,
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
    Cast,
    Coalesce,
    ExtractYear,
    NullIf,
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

    def _labelled(self, row: list[Any]) -> list[tuple[str, Any, bool]]:
        return [(self.columns[i], cell, i in self.numeric) for i, cell in enumerate(row)]

    def labelled_rows(self) -> list[list[tuple[str, Any, bool]]]:
        """Each cell with its column heading and whether it is a number, for the page."""
        return [self._labelled(row) for row in self.rows]

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

    def table(self, key: str) -> Table | None:
        return next((t for t in self.tables if t.key == key), None)


def _count(queryset: QuerySet, link: str) -> Coalesce:
    """How many rows of `queryset` point (through `link`) at the outer row."""
    rows = (
        queryset.filter(**{link: OuterRef("pk")})
        .order_by()
        .values(link)
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(rows, output_field=IntegerField()), 0)


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
    hospitals = (
        Organisation.objects.care_providers()
        .filter(scope.hospital_q())
        .annotate(
            n_requests=_count(requests, "hospital"),
            n_positions=_count(positions, "hospital"),
            n_applications=_count(applications, "position__hospital"),
            n_offers=_count(offers, "application__position__hospital"),
            n_trainees=_count(trainees, "hospital"),
        )
        .filter(
            Q(n_requests__gt=0)
            | Q(n_positions__gt=0)
            | Q(n_applications__gt=0)
            | Q(n_offers__gt=0)
            | Q(n_trainees__gt=0)
        )
        .annotate(
            per_position=Cast("n_applications", FloatField())
            / NullIf(Cast("n_positions", FloatField()), Value(0.0))
        )
    )
    rows = [
        [name, requests_, positions_, applications_, _one(per), offers_, trainees_]
        for name, requests_, positions_, applications_, per, offers_, trainees_ in (
            hospitals.order_by("name").values_list(
                "name",
                "n_requests",
                "n_positions",
                "n_applications",
                "per_position",
                "n_offers",
                "n_trainees",
            )
        )
    ]
    sums = hospitals.aggregate(
        requests=Coalesce(Sum("n_requests"), 0),
        positions=Coalesce(Sum("n_positions"), 0),
        applications=Coalesce(Sum("n_applications"), 0),
        offers=Coalesce(Sum("n_offers"), 0),
        trainees=Coalesce(Sum("n_trainees"), 0),
    )
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

    def ec_sum(items: QuerySet) -> Coalesce:
        rows = (
            items.filter(plan__traineeship=OuterRef("pk"))
            .order_by()
            .values("plan__traineeship")
            .annotate(total=Sum("ec"))
            .values("total")
        )
        return Coalesce(Subquery(rows, output_field=ec), Value(Decimal(0)), output_field=ec)

    earned_items = approved_items.filter(
        key__in=signed.filter(traineeship=OuterRef(OuterRef("pk"))).values("item_key")
    )
    per_trainee = list(
        trainees.annotate(
            planned=ec_sum(approved_items),
            earned=ec_sum(earned_items),
            required=Coalesce("curriculum__total_ec", Value(Decimal(120)), output_field=ec),
        )
        .order_by("trainee__full_name", "pk")
        .values_list("trainee__full_name", "hospital__name", "planned", "earned", "required")
    )
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
    )

    # EC per month: earned (signed off, by the date it was completed) and planned (by the
    # planned end of each item of the approved plans).
    item_ec = Subquery(
        approved_items.filter(
            plan__traineeship=OuterRef("traineeship"), key=OuterRef("item_key")
        ).values("ec")[:1],
        output_field=ec,
    )
    earned_by_month = dict(
        signed.filter(traineeship__in=trainees.values("pk"))
        .annotate(item_ec=item_ec)
        .values(month=TruncMonth("completed_on"))
        .annotate(total=Sum("item_ec"))
        .order_by("month")
        .values_list("month", "total")
    )
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
    granted_on = Subquery(
        GraduationCase.objects.filter(traineeship=OuterRef("pk"), status=CaseStatus.GRANTED)
        .order_by("decided_at")
        .values("decided_at")[:1],
        output_field=DateTimeField(),
    )
    done = Q(status=TraineeshipStatus.COMPLETED)
    cohorts = (
        Traineeship.objects.filter(scope.q())
        .alias(
            graduated_on=TruncDate(granted_on, output_field=DateField()),
            duration=ExpressionWrapper(
                F("graduated_on") - F("start_date"), output_field=DurationField()
            ),
        )
        .values(cohort=ExtractYear("start_date"))
        .annotate(
            started=Count("pk"),
            completed=Count("pk", filter=done),
            discontinued=Count("pk", filter=Q(status=TraineeshipStatus.DISCONTINUED)),
            average=Avg("duration", filter=done, output_field=DurationField()),
            shortest=Min("duration", filter=done),
            longest=Max("duration", filter=done),
        )
        .order_by("cohort")
    )
    rows = []
    for row in cohorts:
        in_training = row["started"] - row["completed"] - row["discontinued"]
        rows.append(
            [
                str(row["cohort"]),
                row["started"],
                row["completed"],
                row["discontinued"],
                in_training,
                _percent(row["completed"], row["started"]),
                _months(row["average"]),
                _months(row["shortest"]),
                _months(row["longest"]),
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


#: A fixed moment to measure feedback times from: a sum of (moment - EPOCH) is portable, a sum
#: of moments is not.
EPOCH = dt.datetime(2000, 1, 1, tzinfo=dt.UTC)


def _since_epoch() -> ExpressionWrapper:
    return ExpressionWrapper(
        F("given_at") - Value(EPOCH, output_field=DateTimeField()), output_field=DurationField()
    )


def _edge(feedback: QuerySet, *, last: bool, same: tuple[str, ...]) -> QuerySet:
    """The feedback entries that are the last (or the first) of their group (`same` fields):
    no entry of the group comes after (or before) them. The database answers this with an
    anti-join, one pass over the feedback."""
    later = "gt" if last else "lt"
    group = {name: OuterRef(name) for name in same}
    other = Feedback.objects.filter(**group).filter(
        Q(**{f"given_at__{later}": OuterRef("given_at")})
        | Q(given_at=OuterRef("given_at"), **{f"pk__{later}": OuterRef("pk")})
    )
    return feedback.filter(~Exists(other))


def _feedback_figures(
    feedback: QuerySet, group: str, same: tuple[str, ...]
) -> dict[Any, dict[str, Any]]:
    """Per `group` (a hospital or a supervisor): entries, entries in the last 90 days, the
    number of traineeships with feedback, and the mean days between two entries for the same
    trainee: the sum of (last - first) over the trainees, divided by the gaps between their
    entries (entries minus trainees). Three grouped queries."""
    since = timezone.now() - dt.timedelta(days=RECENT_DAYS)
    figures: dict[Any, dict[str, Any]] = {
        row[group]: row
        for row in feedback.values(group)
        .annotate(
            entries=Count("pk"),
            recent=Count("pk", filter=Q(given_at__gte=since)),
            followed=Count("traineeship", distinct=True),
        )
        .order_by()
    }
    for key, last in (("last_sum", True), ("first_sum", False)):
        for row in (
            _edge(feedback, last=last, same=same)
            .values(group)
            .annotate(total=Sum(_since_epoch()))
            .order_by()
        ):
            figures[row[group]][key] = row["total"]
    for row in figures.values():
        gaps = row["entries"] - row["followed"]
        span = (row.get("last_sum") or dt.timedelta()) - (row.get("first_sum") or dt.timedelta())
        row["mean_gap"] = _mean_gap(span, gaps)
    return figures


def _mean_gap(span: dt.timedelta | None, gaps: int) -> float | None:
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
    feedback = Feedback.objects.filter(traineeship__in=active.values("pk"))

    figures = _feedback_figures(feedback, "traineeship__hospital", ("traineeship",))
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
        found = figures.get(row["hospital_id"], {})
        hospital_rows.append(
            [
                row["hospital__name"],
                row["trainees"],
                found.get("entries", 0),
                found.get("recent", 0),
                found.get("mean_gap"),
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
        own = feedback.filter(side=side, author=F(f"traineeship__{field_name}"))
        figures = _feedback_figures(own, "author", ("traineeship", "author"))
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
            found = figures.get(row[f"{field_name}_id"], {})
            supervisor_rows.append(
                [
                    row[f"{field_name}__full_name"],
                    str(FeedbackSide(side).label),
                    row["trainees"],
                    found.get("entries", 0),
                    found.get("recent", 0),
                    found.get("mean_gap"),
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
    counted = {
        row[0]: row[1:]
        for row in Organisation.objects.care_providers()
        .filter(scope.hospital_q())
        .alias(
            n_positions=_count(positions, "hospital"),
            n_trainees=_count(trainees, "hospital"),
            n_all=_count(all_trainees, "hospital"),
        )
        .filter(Q(n_positions__gt=0) | Q(n_all__gt=0))
        .values("region")
        .annotate(
            hospitals=Count("pk"),
            positions=Coalesce(Sum("n_positions"), 0),
            in_training=Coalesce(Sum("n_trainees"), 0),
        )
        .order_by("region")
        .values_list("region", "hospitals", "positions", "in_training")
    }
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
