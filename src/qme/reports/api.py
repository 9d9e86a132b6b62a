"""API for the reports: the same tables as the pages and the downloads, as JSON, with the same
filters and the same scope (a hospital coordinator gets their own hospital only)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from ninja import Query, Router, Schema, Status

from qme.api.schemas import ErrorOut
from qme.core.permissions import require

from .filters import ReportFilterForm, cohort_years, visible_hospitals
from .views import REPORTS, figures, report_for

router = Router(tags=["reports"])


class ReportSummaryOut(Schema):
    slug: str
    title: str
    summary: str


class TableOut(Schema):
    key: str
    title: str
    columns: list[str]
    rows: list[list[Any]]
    totals: list[Any] | None


class ReportOut(Schema):
    slug: str
    title: str
    filters: dict[str, Any]
    own_hospitals_only: bool
    #: When the figures were computed: they are kept until what they count changes.
    computed_at: dt.datetime | None
    tables: list[TableOut]


class FiltersIn(Schema):
    cohort: str = ""
    hospital: str = ""
    region: str = ""
    university: str = ""


class InvalidFilterOut(Schema):
    detail: list[dict[str, Any]]


@router.get("/reports", response={200: list[ReportSummaryOut], 403: ErrorOut})
def list_reports(request: HttpRequest):
    require(request.auth, "reports.view")
    return [
        {"slug": r.slug, "title": str(r.title), "summary": str(r.summary)} for r in REPORTS.values()
    ]


@router.get(
    "/reports/{slug}",
    response={200: ReportOut, 403: ErrorOut, 404: ErrorOut, 422: InvalidFilterOut},
)
def get_report(request: HttpRequest, slug: str, filters: Query[FiltersIn]):
    """A report's tables. Filters: cohort (a start year), hospital and university (ids), region
    (a province code such as NH). An invalid filter answers 422."""
    require(request.auth, "reports.view")
    kind = report_for(slug)
    hospitals = visible_hospitals(request.auth)
    form = ReportFilterForm(
        {k: v for k, v in filters.dict().items() if v}, hospitals=hospitals, years=cohort_years()
    )
    scope = form.scope(hospitals)
    if form.errors:
        return Status(
            422,
            {
                "detail": [
                    {"loc": ["query", name], "msg": " ".join(str(e) for e in errors)}
                    for name, errors in form.errors.items()
                ]
            },
        )
    data = figures(kind, scope)
    return {
        "slug": kind.slug,
        "title": str(kind.title),
        "filters": scope.as_dict(),
        "own_hospitals_only": hospitals is not None,
        "computed_at": data.computed_at,
        "tables": [table.as_dict() for table in data.tables],
    }
