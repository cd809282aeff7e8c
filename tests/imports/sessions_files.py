"""Schedules of sessions written by the tests themselves, as CSV or XLSX."""

from __future__ import annotations

import datetime
import io
from collections.abc import Sequence

import openpyxl
from django.utils import timezone

HEADER = ["Sessie ID", "Datum", "Begintijd", "Eindtijd", "Locatie", "Link", "Capaciteit"]
HEADER.append("Ministerie")


def day(offset: int) -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=offset)


def csv_schedule(rows: Sequence[Sequence[object]], header: Sequence[str] = HEADER) -> io.BytesIO:
    lines = [";".join(header)]
    lines += [";".join("" if value is None else str(value) for value in row) for row in rows]
    return io.BytesIO(("\n".join(lines) + "\n").encode("utf-8"))


def xlsx_schedule(rows: Sequence[Sequence[object]], header: Sequence[str] = HEADER) -> io.BytesIO:
    """Cells keep their type; text starting with "=" stays text (not a formula)."""
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["Rooster van de leverancier"])
    sheet.append(list(header))
    for row in rows:
        sheet.append([None] * len(row))
        for column, value in enumerate(row, start=1):
            cell = sheet.cell(row=sheet.max_row, column=column)
            cell.value = value
            if isinstance(value, str) and value.startswith("="):
                cell.data_type = "s"
    out = io.BytesIO()
    book.save(out)
    out.seek(0)
    return out


def schedule(kind: str, rows: Sequence[Sequence[object]]) -> tuple[io.BytesIO, str]:
    """The rows as a file of `kind` ("csv" or "xlsx") and its name."""
    if kind == "csv":
        return csv_schedule(rows), "rooster.csv"
    return xlsx_schedule(rows), "rooster.xlsx"
