"""A report's table as CSV or XLSX: the same rows as the page, with the same filters.

Text that a spreadsheet would run as a formula (starting with = + - @, or a tab or carriage
return) is prefixed with an apostrophe, in both formats."""

from __future__ import annotations

import csv
import io
import re
from typing import Any

from django.http import HttpResponse
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

from .queries import Table

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def safe_text(value: Any) -> Any:
    """Numbers stay numbers; text that could start a formula gets a leading apostrophe."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int | float):
        return value
    text = str(value).replace("\x00", "")
    return "'" + text if text.startswith(FORMULA_START) else text


def rows_of(table: Table) -> list[list[Any]]:
    return [[safe_text(c) for c in table.columns]] + [
        [safe_text(cell) for cell in row] for row in table.all_rows()
    ]


def csv_response(table: Table, filename: str) -> HttpResponse:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerows(rows_of(table))
    # A byte-order mark, so that spreadsheet programs read the names' accents right.
    response = HttpResponse("\ufeff" + buffer.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}.csv"'
    return response


XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def xlsx_response(table: Table, filename: str) -> HttpResponse:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=re.sub(r"[\[\]:*?/\\]", "-", table.title)[:31] or "report")
    bold = Font(bold=True)
    header = []
    for heading in table.columns:
        cell = WriteOnlyCell(sheet, value=safe_text(heading))
        cell.font = bold
        header.append(cell)
    sheet.append(header)
    for row in table.rows:
        sheet.append([safe_text(cell) if cell is not None else None for cell in row])
    if table.totals:
        totals = []
        for value in table.totals:
            cell = WriteOnlyCell(sheet, value=safe_text(value) if value is not None else None)
            cell.font = bold
            totals.append(cell)
        sheet.append(totals)
    buffer = io.BytesIO()
    workbook.save(buffer)
    response = HttpResponse(buffer.getvalue(), content_type=XLSX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}.xlsx"'
    return response
