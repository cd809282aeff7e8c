"""Writing a work list as CSV or XLSX, one row at a time.

Text cells go through `neutralise_formula` (CSV) or `write_string` (XLSX), so a name
such as "=HYPERLINK(...)" is shown as text and never run as a formula. Dates are ISO
8601 in the CSV and real dates shown as yyyy-mm-dd in the XLSX.
"""

from __future__ import annotations

import csv
import datetime
import io
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, Final

import xlsxwriter
from django.utils.functional import Promise

from training_monitor.spreadsheets import neutralise_formula

Cell = str | int | datetime.date | None
BOM: Final = "\ufeff"
# How often (in rows) a long download reports its progress.
PROGRESS_EVERY: Final = 500
ProgressCallback = Callable[[int], None]


@dataclass(frozen=True)
class Column:
    header: str | Promise
    value: Callable[[Any], Cell]
    width: int = 16


def _csv_cell(value: Cell) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, int):
        return str(value)
    return str(neutralise_formula(value))


def write_csv(
    columns: list[Column], rows: Iterable[Any], *, on_progress: ProgressCallback | None = None
) -> bytes:
    """UTF-8 with a byte order mark and ";" (what Dutch Excel opens correctly)."""
    buffer = io.StringIO()
    buffer.write(BOM)
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow([_csv_cell(str(column.header)) for column in columns])
    for number, row in enumerate(rows, start=1):
        writer.writerow([_csv_cell(column.value(row)) for column in columns])
        if on_progress and number % PROGRESS_EVERY == 0:
            on_progress(number)
    return buffer.getvalue().encode("utf-8")


def write_xlsx(
    columns: list[Column],
    rows: Iterable[Any],
    *,
    sheet_name: str,
    on_progress: ProgressCallback | None = None,
) -> bytes:
    """One sheet with a frozen header row and a filter; text is never a formula."""
    output = io.BytesIO()
    # constant_memory writes each row out as it goes, so 100,000 rows stay small in memory.
    workbook = xlsxwriter.Workbook(output, {"constant_memory": True})
    sheet = workbook.add_worksheet(sheet_name[:31])
    bold = workbook.add_format({"bold": True})
    iso_date = workbook.add_format({"num_format": "yyyy-mm-dd"})
    for col, column in enumerate(columns):
        sheet.set_column(col, col, column.width)
        sheet.write_string(0, col, str(column.header), bold)
    sheet.freeze_panes(1, 0)
    last_row = 0
    for number, row in enumerate(rows, start=1):
        for col, column in enumerate(columns):
            value = column.value(row)
            if value is None:
                continue
            if isinstance(value, datetime.date):
                sheet.write_datetime(number, col, value, iso_date)
            elif isinstance(value, int):
                sheet.write_number(number, col, value)
            else:
                sheet.write_string(number, col, value)
        last_row = number
        if on_progress and number % PROGRESS_EVERY == 0:
            on_progress(number)
    sheet.autofilter(0, 0, last_row, len(columns) - 1)
    workbook.close()
    return output.getvalue()
