"""Report pages for the programme office and hospital coordinators: each report with its
filters, charts, tables and downloads."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.paginator import Page, Paginator
from django.db import models
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.formats import localize
from django.utils.functional import Promise
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from qme.accounts.models import User
from qme.core import kept
from qme.core.pagination import querystring_without_page
from qme.core.permissions import require
from qme.feedback.models import Feedback, ProgrammeSettings, Review
from qme.graduation.models import GraduationCase
from qme.organisations.models import Organisation, Region
from qme.positions.models import Position, PositionRequest
from qme.selection.models import Application, Offer
from qme.training.models import Curriculum, ItemRecord, PlanItem, Traineeship, TrainingPlan

from . import charts, exports, queries
from .cache import remember
from .filters import COHORT_SOURCES, ReportFilterForm, Scope, cohort_years, visible_hospitals
from .queries import ReportData, Table

#: Rows per page of a long table (a row per trainee).
ROWS_PER_PAGE = 50


@dataclass(frozen=True)
class Report:
    slug: str
    title: Promise
    summary: Promise
    build: Callable[[Scope], ReportData]
    draw: Callable[[ReportData], dict[str, SafeString]]
    #: Every model whose rows `build` reads: a change to any of them recomputes the figures.
    reads: tuple[type[models.Model], ...] = ()


def figures(kind: Report, scope: Scope) -> ReportData:
    """The report's figures for this scope: from the cache while nothing they are computed from
    has changed (reports.cache), else computed now. The page, the downloads and the API all
    take them from here, so they show the same figures."""

    def compute() -> ReportData:
        started = timezone.now()
        data = kind.build(scope)
        data.computed_at = started
        return data

    return remember(f"figures:{kind.slug}", kind.reads, scope.key(), compute)


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
            (PositionRequest, Position, Application, Offer, Traineeship, Organisation),
        ),
        Report(
            "cohort-progress",
            gettext_lazy("Cohort progress"),
            gettext_lazy("EC earned over time per trainee of a cohort, against their plan."),
            queries.cohort_progress,
            _draw_cohort,
            (Traineeship, TrainingPlan, PlanItem, ItemRecord, Curriculum, User, Organisation),
        ),
        Report(
            "completion",
            gettext_lazy("Completion"),
            gettext_lazy("Time to completion and completion rate per cohort."),
            queries.completion,
            _draw_completion,
            (Traineeship, GraduationCase, Organisation),
        ),
        Report(
            "feedback-cadence",
            gettext_lazy("Feedback cadence"),
            gettext_lazy(
                "Days between feedback and trainees overdue, per hospital and per supervisor."
            ),
            queries.cadence,
            _draw_cadence,
            (Traineeship, Feedback, ProgrammeSettings, User, Organisation),
        ),
        Report(
            "review-outcomes",
            gettext_lazy("Review outcomes"),
            gettext_lazy("Outcomes of progress and go/no-go reviews per quarter."),
            queries.reviews,
            _draw_reviews,
            (Review, Traineeship, Organisation),
        ),
        Report(
            "regions",
            gettext_lazy("Hospitals by province"),
            gettext_lazy("The participating hospitals on a map of the Netherlands."),
            queries.regions,
            _draw_regions,
            (Position, Traineeship, Organisation),
        ),
    )
}

#: Each report's page (its main part, per person, filters and page: `qme.core.kept`): the
#: figures, and the filters' hospitals, universities and cohorts.
REPORT_PAGES = {
    slug: kept.KeptPage(
        f"report:{slug}",
        (*COHORT_SOURCES, *report.reads),
    )
    for slug, report in REPORTS.items()
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


@dataclass
class Section:
    """A table of the report page: its chart, and the rows on this page as HTML."""

    table: Table
    chart: SafeString | None
    rows: SafeString
    page: Page | None = None


def _rows_html(table: Table, rows: list[list[Any]]) -> SafeString:
    """The table's rows as the template language would write them (each value localised and
    escaped; the first cell a row heading; every other cell labelled with its column for
    narrow screens), in one pass instead of a template loop per cell: hundreds of rows cost
    milliseconds, not a tenth of a second."""
    labels = [conditional_escape(column) for column in table.columns]
    html = []
    for row in rows:
        cells = [f'<tr><th scope="row">{conditional_escape(localize(row[0]))}</th>']
        for i in range(1, len(row)):
            cell = row[i]
            value = "–" if cell is None else conditional_escape(localize(cell))
            css = ' class="num"' if i in table.numeric else ""
            cells.append(f'<td data-label="{labels[i]}"{css}>{value}</td>')
        cells.append("</tr>\n      ")
        html.append("".join(cells))
    return mark_safe("".join(html))  # every value is escaped above


def _sections(request: HttpRequest, kind: Report, scope: Scope, data: ReportData) -> list[Section]:
    """The report's tables on this page, with their charts. Their HTML depends on the figures
    and the language only, so it is kept in the cache with the figures (by the moment they
    were computed) instead of being drawn again for every reader."""
    pages = {
        table.key: Paginator(table.rows, ROWS_PER_PAGE).get_page(request.GET.get("page"))
        for table in data.tables
        if table.paged
    }

    def draw() -> list[tuple[SafeString | None, SafeString]]:
        charts = kind.draw(data)
        return [
            (
                charts.get(table.key),
                _rows_html(
                    table, pages[table.key].object_list if table.key in pages else table.rows
                ),
            )
            for table in data.tables
        ]

    drawn = remember(
        f"html:{kind.slug}",
        (),
        (scope.key(), data.computed_at, sorted((key, page.number) for key, page in pages.items())),
        draw,
    )
    return [
        Section(table, chart, rows, pages.get(table.key))
        for table, (chart, rows) in zip(data.tables, drawn, strict=True)
    ]


@login_required
@require_GET
def report(request: HttpRequest, slug: str) -> HttpResponse:
    require(request.user, "reports.view")
    kind = report_for(slug)

    def build():
        form, scope = filters_for(request)
        data = figures(kind, scope)
        context = {
            "report": kind,
            "reports": REPORTS.values(),
            "form": form,
            "data": data,
            "sections": _sections(request, kind, scope, data),
            # The filters, for the links to other reports, the downloads and the pages.
            "querystring": querystring_without_page(request),
            "own_hospitals_only": scope.hospitals is not None,
        }
        return "reports/report_main.html", context, f"{kind.title} · {_('Reports')}"

    # The filters and the page are the query string, whatever its order.
    parts = sorted(request.GET.lists())
    return kept.respond(request, REPORT_PAGES[kind.slug].main(request, parts, build))


@login_required
@require_GET
def export(request: HttpRequest, slug: str, table: str, fmt: str) -> HttpResponse:
    require(request.user, "reports.view")
    kind = report_for(slug)
    _form, scope = filters_for(request)
    found = figures(kind, scope).table(table)
    if found is None:
        raise Http404
    filename = f"qme-{slug}-{table}"
    if fmt == "csv":
        return exports.csv_response(found, filename)
    return exports.xlsx_response(found, filename)
