"""The report as CSV files: one per table, bundled in a ZIP file.

UTF-8 with a byte order mark, because without it Excel reads the file as Windows-1252
and garbles names like "Defensie - Cyberspace & Ø". The separator decides the decimal
mark: with ";" (what Dutch Excel expects) numbers get a decimal comma, with "," a
decimal point, so that a spreadsheet opened with the default settings sees numbers.

The CSV holds the figures as the PDF shows them: percentages in percent (25.0, with
"(%)" after the column label) and rounded to the column's decimals, dates as ISO 8601.
"""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Mapping
from datetime import date
from typing import Final, Literal

from django.utils import timezone
from django.utils.translation import gettext

from training_monitor.spreadsheets import neutralise_formula

from .charts import report_tables
from .formatting import flags_text, require_suppressed, rounded, suppressed_label
from .tables import CellValue, Column, Number, Report, Row, Suppressed, Table

Delimiter = Literal[",", ";"]
BOM: Final = "\ufeff"


def _number(value: Number, column: Column, decimal_mark: str) -> str:
    if column.kind == "int":
        return str(value)
    shown = rounded(value, column.decimals, percent=column.kind == "percent")
    return format(shown, "f").replace(".", decimal_mark)


def _cell(value: CellValue, column: Column, threshold: int | None, decimal_mark: str) -> str:
    if value is None:
        return ""
    if isinstance(value, Suppressed):
        return suppressed_label(threshold)
    if isinstance(value, str):
        return str(neutralise_formula(value))
    if isinstance(value, date):
        return value.isoformat()
    return _number(value, column, decimal_mark)


def _header(column: Column) -> str:
    label = f"{column.label} (%)" if column.kind == "percent" else column.label
    return str(neutralise_formula(label))


def table_csv(table: Table, *, delimiter: Delimiter = ";") -> bytes:
    """One table as CSV bytes (UTF-8 with BOM)."""
    decimal_mark = "," if delimiter == ";" else "."
    buffer = io.StringIO()
    buffer.write(BOM)
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n")
    header = [_header(column) for column in table.columns]
    if table.has_flags:
        header.append(str(neutralise_formula(gettext("Remarks"))))
    writer.writerow(header)

    def cells(row: Row) -> list[str]:
        values = [
            _cell(row.get(c.key), c, table.suppression_threshold, decimal_mark)
            for c in table.columns
        ]
        if table.has_flags:
            values.append(str(neutralise_formula(flags_text(row.flags))))
        return values

    writer.writerows(cells(row) for row in table.all_rows())
    return buffer.getvalue().encode("utf-8")


def export_csv(report: Report, *, delimiter: Delimiter = ";") -> dict[str, bytes]:
    """Every table of the report as CSV, by file name (e.g. "icop_2025Q4_members.csv")."""
    require_suppressed(report.tables)
    return {
        f"{report.kind}_{report.quarter}_{table.key}.csv": table_csv(table, delimiter=delimiter)
        for table in report_tables(report)
    }


def zip_files(files: Mapping[str, bytes], *, report: Report) -> bytes:
    """The files as one ZIP archive, stamped with the report's time so it is reproducible."""
    stamp = timezone.localtime(report.generated_at).timetuple()[:6]
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, content in files.items():
            info = zipfile.ZipInfo(name, date_time=stamp)
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, content)
    return buffer.getvalue()


def export_csv_zip(report: Report, *, delimiter: Delimiter = ";") -> bytes:
    """All CSV files of the report in one ZIP archive."""
    return zip_files(export_csv(report, delimiter=delimiter), report=report)
