"""CSV and XLSX downloads hold the same figures as the table, with the same filters, and no
spreadsheet formula can hide in them."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from qme.reports.views import REPORTS
from tests.factories import OrganisationFactory

from .factories import application_to, grow, offer_for, position_at, traineeship_at
from .test_figures import table
from .test_who_sees_reports import _tables

pytestmark = pytest.mark.django_db


def csv_rows(response) -> list[list[str]]:
    assert response["Content-Type"].startswith("text/csv")
    assert response["Content-Disposition"].startswith("attachment;")
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


def xlsx_rows(response) -> list[list]:
    assert response["Content-Type"].startswith(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    assert response["Content-Disposition"].startswith("attachment;")
    sheet = load_workbook(io.BytesIO(response.content)).active
    return [list(row) for row in sheet.iter_rows(values_only=True)]


def expected(data: dict) -> list[list]:
    return [data["columns"], *data["rows"], *([data["totals"]] if data["totals"] else [])]


def as_text(rows: list[list]) -> list[list[str]]:
    return [["" if cell is None else str(cell) for cell in row] for row in rows]


@pytest.mark.parametrize("slug", list(REPORTS))
@pytest.mark.parametrize("query", ["", "?region=UT", "?cohort={year}"])
def test_it_downloads_the_same_figures_as_the_table(world, client_for, slug, query):
    grow(world, 2)
    grow(world, 1, region="NH")
    query = query.format(year=timezone.localdate().year)
    client = client_for(world.office)
    for key in _tables(slug):
        data = table(client, slug, key, query)
        assert data["rows"], f"{slug}/{key}{query} has no rows to compare"
        assert csv_rows(client.get(f"/reports/{slug}/{key}.csv{query}")) == as_text(expected(data))
        assert xlsx_rows(client.get(f"/reports/{slug}/{key}.xlsx{query}")) == expected(data)


def test_it_applies_the_filters_to_the_download(world, client_for):
    grow(world, 1, region="NH")
    grow(world, 1, region="ZH")
    client = client_for(world.office)
    rows = csv_rows(client.get("/reports/regions/provinces.csv?region=ZH"))
    assert rows[1:] == [["Zuid-Holland", "1", "2", "2"], ["The Netherlands", "1", "2", "2"]]
    rows = xlsx_rows(client.get("/reports/pipeline/pipeline.xlsx?region=NH"))
    assert len(rows) == 3  # the heading, the one hospital in Noord-Holland, the totals


@pytest.mark.parametrize(
    "name", ['=HYPERLINK("http://evil")', "+1+2", "-2+3", "@SUM(A1)", "\t=cmd", "\r=cmd"]
)
def test_it_keeps_formulas_out_of_the_downloads(world, client_for, name):
    hospital = OrganisationFactory(name=name)
    position = position_at(hospital, world.university, world.office, dt.date(2025, 9, 1))
    offer_for(application_to(position), world.office)
    traineeship_at(hospital, world.university, dt.date(2025, 9, 1))
    client = client_for(world.office)
    rows = csv_rows(client.get("/reports/pipeline/pipeline.csv"))
    assert rows[1][0] == "'" + name
    cells = xlsx_rows(client.get("/reports/pipeline/pipeline.xlsx"))
    assert cells[1][0] == "'" + name
    workbook = load_workbook(io.BytesIO(client.get("/reports/pipeline/pipeline.xlsx").content))
    assert workbook.active["A2"].data_type == "s"


def test_it_keeps_numbers_numeric_in_the_spreadsheet(world, client_for):
    grow(world, 1)
    client = client_for(world.office)
    cells = xlsx_rows(client.get("/reports/pipeline/pipeline.xlsx"))
    assert all(isinstance(value, int | float) for value in cells[1][1:])
