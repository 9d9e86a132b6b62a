"""Report pages for the programme office and hospital coordinators: each report with its
filters, charts, tables and downloads."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.functional import Promise
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from qme.core.permissions import require
from qme.organisations.models import Region

from . import charts, exports, queries
from .filters import ReportFilterForm, Scope, cohort_years, visible_hospitals
from .queries import ReportData


@dataclass(frozen=True)
class Report:
    slug: str
    title: Promise
    summary: Promise
    build: Callable[[Scope], ReportData]
    draw: Callable[[ReportData], dict[str, SafeString]]


def _draw_pipeline(data: ReportData) -> dict[str, SafeString]:
    stages = data.series["stages"]
    return {
        "pipeline": charts.bar_chart(
            "chart-pipeline",
            _("The pipeline, all stages"),
            _(
                "Submitted requests, positions, applications, offers and trainees for the "
                "chosen filters; the table below gives the figures per hospital."
            ),
            stages,
        )
    }


def _draw_cohort(data: ReportData) -> dict[str, SafeString]:
    drawn: dict[str, SafeString] = {}
    months = data.table("months")
    if months and months.rows:
        drawn["months"] = charts.line_chart(
            "chart-cohort",
            _("EC per trainee over time, cohort %(cohort)s") % {"cohort": data.series["cohort"]},
            _(
                "Average EC per trainee, cumulative by month: planned in the approved plans "
                "(dashed) and signed off (solid)."
            ),
            [row[0] for row in months.rows],
            [
                (_("EC planned"), [r[1] for r in months.rows]),
                (_("EC earned"), [r[2] for r in months.rows]),
            ],
            dashed=[True, False],
        )
    trainees = data.table("trainees")
    if trainees and 0 < len(trainees.rows) <= 40:
        drawn["trainees"] = charts.stacked_bar_chart(
            "chart-trainees",
            _("EC earned and still planned per trainee"),
            _("For each trainee of the cohort: EC signed off, and EC of the plan still to earn."),
            [row[0] for row in trainees.rows],
            [
                (_("EC earned"), [row[3] or 0 for row in trainees.rows]),
                (
                    _("EC still planned"),
                    [max((row[2] or 0) - (row[3] or 0), 0) for row in trainees.rows],
                ),
            ],
            label_width=190,
        )
    return drawn


def _draw_completion(data: ReportData) -> dict[str, SafeString]:
    table = data.table("cohorts")
    if not table or not table.rows:
        return {}
    return {
        "cohorts": charts.stacked_bar_chart(
            "chart-completion",
            _("Outcome per cohort"),
            _(
                "For each cohort: trainees who completed, who were discontinued, and who are "
                "still in training."
            ),
            [row[0] for row in table.rows],
            [
                (_("Completed"), [row[2] for row in table.rows]),
                (_("Discontinued"), [row[3] for row in table.rows]),
                (_("Still in training"), [row[4] for row in table.rows]),
            ],
        )
    }


def _draw_cadence(data: ReportData) -> dict[str, SafeString]:
    table = data.table("hospitals")
    if not table or not table.rows:
        return {}
    interval = data.series["interval"]
    return {
        "hospitals": charts.bar_chart(
            "chart-cadence",
            _("Mean days between feedback per hospital"),
            _(
                "For the active trainees of each hospital; the dashed line is the interval of "
                "%(days)s days."
            )
            % {"days": interval},
            [(row[0], row[4]) for row in table.rows],
            reference=(interval, _("%(days)s days") % {"days": interval}),
        )
    }


def _draw_reviews(data: ReportData) -> dict[str, SafeString]:
    table = data.table("outcomes")
    if not table or not table.rows:
        return {}
    outcomes = data.series["outcomes"]
    return {
        "outcomes": charts.stacked_bar_chart(
            "chart-reviews",
            _("Review outcomes per quarter"),
            _("For each quarter: the number of progress and go/no-go reviews by their outcome."),
            [row[0] for row in table.rows],
            [(label, [row[i + 1] for row in table.rows]) for i, label in enumerate(outcomes)],
        )
    }


def _draw_regions(data: ReportData) -> dict[str, SafeString]:
    return {
        "provinces": charts.tile_map(
            "chart-regions",
            _("Participating hospitals on the map of the Netherlands"),
            _(
                "The twelve provinces as tiles, laid out as they lie on the map, each with the "
                "number of participating hospitals; darker is more."
            ),
            {region.value: str(region.label) for region in Region},
            data.series["by_region"],
        )
    }


REPORTS: dict[str, Report] = {
    report.slug: report
    for report in (
        Report(
            "pipeline",
            gettext_lazy("Pipeline"),
            gettext_lazy(
                "From requests to positions, applicants per position, offers and trainees."
            ),
            queries.pipeline,
            _draw_pipeline,
        ),
        Report(
            "cohort-progress",
            gettext_lazy("Cohort progress"),
            gettext_lazy("EC earned over time per trainee of a cohort, against their plan."),
            queries.cohort_progress,
            _draw_cohort,
        ),
        Report(
            "completion",
            gettext_lazy("Completion"),
            gettext_lazy("Time to completion and completion rate per cohort."),
            queries.completion,
            _draw_completion,
        ),
        Report(
            "feedback-cadence",
            gettext_lazy("Feedback cadence"),
            gettext_lazy(
                "Days between feedback and trainees overdue, per hospital and per supervisor."
            ),
            queries.cadence,
            _draw_cadence,
        ),
        Report(
            "review-outcomes",
            gettext_lazy("Review outcomes"),
            gettext_lazy("Outcomes of progress and go/no-go reviews per quarter."),
            queries.reviews,
            _draw_reviews,
        ),
        Report(
            "regions",
            gettext_lazy("Hospitals by province"),
            gettext_lazy("The participating hospitals on a map of the Netherlands."),
            queries.regions,
            _draw_regions,
        ),
    )
}


def report_for(slug: str) -> Report:
    try:
        return REPORTS[slug]
    except KeyError:
        raise Http404 from None


def filters_for(request: HttpRequest) -> tuple[ReportFilterForm, Scope]:
    """The filter form (with its errors) and the scope it gives this person."""
    hospitals = visible_hospitals(request.user)
    form = ReportFilterForm(request.GET, hospitals=hospitals, years=cohort_years())
    return form, form.scope(hospitals)


@login_required
@require_GET
def index(request: HttpRequest) -> HttpResponse:
    require(request.user, "reports.view")
    return render(
        request,
        "reports/index.html",
        {
            "reports": REPORTS.values(),
            "own_hospitals_only": visible_hospitals(request.user) is not None,
        },
    )


@login_required
@require_GET
def report(request: HttpRequest, slug: str) -> HttpResponse:
    require(request.user, "reports.view")
    kind = report_for(slug)
    form, scope = filters_for(request)
    data = kind.build(scope)
    drawn = kind.draw(data)
    return render(
        request,
        "reports/report.html",
        {
            "report": kind,
            "reports": REPORTS.values(),
            "form": form,
            "data": data,
            "sections": [(table, drawn.get(table.key)) for table in data.tables],
            "querystring": request.GET.urlencode(),
            "own_hospitals_only": scope.hospitals is not None,
        },
    )


@login_required
@require_GET
def export(request: HttpRequest, slug: str, table: str, fmt: str) -> HttpResponse:
    require(request.user, "reports.view")
    kind = report_for(slug)
    _form, scope = filters_for(request)
    found = kind.build(scope).table(table)
    if found is None:
        raise Http404
    filename = f"qme-{slug}-{table}"
    if fmt == "csv":
        return exports.csv_response(found, filename)
    return exports.xlsx_response(found, filename)
