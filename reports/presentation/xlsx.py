"""The report as an Excel workbook: an explanation sheet, then one sheet per table.

Written with XlsxWriter in constant_memory mode: each row goes to a temporary file as
soon as it is written, so memory stays flat however many rows a table has. That mode
requires writing every sheet strictly row by row, which is why all values of a row are
written before the next one starts.

Figures are real numbers (percentages as fractions with a % format, dates as dates) so
readers can calculate with them; text cells pass through `neutralise_formula`.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from datetime import UTC, date
from typing import Any, BinaryIO, Final

from django.utils.translation import gettext
from xlsxwriter import Workbook
from xlsxwriter.format import Format

from reports.quarters import quarter_label
from training_monitor.spreadsheets import neutralise_formula

from .charts import report_tables
from .formatting import (
    display_value,
    flags_text,
    moment_text,
    report_thresholds,
    require_suppressed,
    suppressed_label,
    suppression_footnote,
)
from .tables import FLAG_HELP, FLAG_LABELS, Column, Report, Row, Suppressed, Table

MAX_SHEET_NAME: Final = 31
# Characters Excel refuses in a sheet name.
_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")
# Excel keeps this name for its change history and refuses a sheet called that.
_RESERVED: Final = frozenset({"history"})
MIN_WIDTH: Final = 8
MAX_WIDTH: Final = 60
# Column widths look at this many rows: enough for a good width, bounded for big tables.
WIDTH_SAMPLE: Final = 1000


def _utf16_length(text: str) -> int:
    # Excel counts the 31-character limit in UTF-16 code units (an emoji counts twice).
    return len(text.encode("utf-16-le")) // 2


def _truncate(text: str, limit: int) -> str:
    while _utf16_length(text) > limit:
        text = text[:-1]
    return text


def sheet_name(title: str, used: set[str]) -> str:
    """A valid, unique Excel sheet name for `title`; records it in `used` (lower case)."""
    cleaned = _FORBIDDEN.sub(" ", title)
    cleaned = "".join(" " if unicodedata.category(ch)[0] == "C" else ch for ch in cleaned)
    cleaned = " ".join(cleaned.split()).strip("'").strip() or gettext("Table")
    if cleaned.lower() in _RESERVED:
        cleaned = f"{cleaned} (1)"
    name = _truncate(cleaned, MAX_SHEET_NAME).rstrip("' ")
    number = 1
    while name.lower() in used:
        number += 1
        suffix = f" ({number})"
        name = _truncate(cleaned, MAX_SHEET_NAME - len(suffix)).rstrip("' ") + suffix
    used.add(name.lower())
    return name


def _text(value: str) -> str:
    return str(neutralise_formula(value))


def _number_format(column: Column) -> str | None:
    decimals = "." + "0" * column.decimals if column.decimals else ""
    match column.kind:
        case "int":
            return "#,##0"
        case "percent":
            return f"0{decimals}%"
        case "decimal":
            return f"#,##0{decimals}"
        case "date":
            return "yyyy-mm-dd"
        case "text":
            return None


class _Formats:
    """XlsxWriter needs one Format object per combination of properties; cache them."""

    def __init__(self, workbook: Workbook) -> None:
        self._workbook = workbook
        self._cache: dict[tuple[str | None, bool, bool, bool], Format] = {}
        self.header = workbook.add_format(
            {"bold": True, "text_wrap": True, "valign": "top", "bottom": 1}
        )
        self.title = workbook.add_format({"bold": True, "font_size": 14})
        self.wrap = workbook.add_format({"text_wrap": True, "valign": "top"})
        self.bold_wrap = workbook.add_format({"bold": True, "text_wrap": True, "valign": "top"})

    def get(
        self, num_format: str | None, *, bold: bool, italic: bool, right: bool = False
    ) -> Format:
        key = (num_format, bold, italic, right)
        if key not in self._cache:
            properties: dict[str, Any] = {"bold": bold, "italic": italic}
            if num_format is not None:
                properties["num_format"] = num_format
            if right:
                properties["align"] = "right"
            self._cache[key] = self._workbook.add_format(properties)
        return self._cache[key]


def _widths(table: Table, labels: list[str]) -> list[int]:
    sample = (*table.rows[:WIDTH_SAMPLE], *([table.total_row] if table.total_row else []))
    widths = []
    # labels may end with the extra "Remarks" column, which is sized separately below.
    for column, label in zip(table.columns, labels, strict=False):
        longest = max(
            (len(display_value(column, row.get(column.key), None)) for row in sample), default=0
        )
        # Headers wrap, so a long label only needs its longest word to fit.
        header = max((len(word) for word in label.split()), default=0)
        widths.append(min(MAX_WIDTH, max(MIN_WIDTH, longest + 2, header + 2)))
    if table.has_flags:
        longest = max((len(flags_text(row.flags)) for row in sample), default=0)
        widths.append(min(MAX_WIDTH, max(MIN_WIDTH, longest + 2)))
    return widths


def _write_table(workbook: Workbook, name: str, table: Table, formats: _Formats) -> None:
    sheet = workbook.add_worksheet(name)
    labels = [column.label for column in table.columns]
    if table.has_flags:
        labels.append(gettext("Remarks"))
    for col, width in enumerate(_widths(table, labels)):
        sheet.set_column(col, col, width)
    for col, label in enumerate(labels):
        sheet.write_string(0, col, _text(label), formats.header)
    sheet.freeze_panes(1, 0)

    keys = [column.key for column in table.columns]
    number_formats = [_number_format(column) for column in table.columns]
    hidden_text = suppressed_label(table.suppression_threshold)
    # Per (bold, italic): the format of each column, and the format of "<5". Looked up
    # once per row, not per cell: this loop is the hot path for large tables.
    styles: dict[tuple[bool, bool], tuple[list[Format], Format]] = {}

    def write_row(index: int, row: Row, *, bold: bool) -> None:
        # Self-reported figures are set in italics as well as named in the remarks
        # column, so they stand out while scrolling.
        italic = "self_reported" in row.flags
        if (bold, italic) not in styles:
            styles[bold, italic] = (
                [formats.get(nf, bold=bold, italic=italic) for nf in number_formats],
                # Right-aligned so "<5" lines up with the numbers around it.
                formats.get(None, bold=bold, italic=italic, right=True),
            )
        column_formats, hidden_format = styles[bold, italic]
        cells = row.cells
        for col, key in enumerate(keys):
            value = cells.get(key)
            if value is None:
                continue
            if isinstance(value, Suppressed):
                sheet.write_string(index, col, hidden_text, hidden_format)
            elif isinstance(value, str):
                sheet.write_string(index, col, _text(value), column_formats[col])
            elif isinstance(value, date):
                sheet.write_datetime(index, col, value, column_formats[col])
            else:
                # float() for Decimal; Excel stores every number as a double anyway.
                sheet.write_number(index, col, float(value), column_formats[col])
        if row.flags:
            fmt = formats.get(None, bold=bold, italic=italic)
            sheet.write_string(index, len(keys), _text(flags_text(row.flags)), fmt)

    for index, row in enumerate(table.rows, start=1):
        write_row(index, row, bold=False)
    # The filter covers the data rows only, so sorting never moves the total row.
    sheet.autofilter(0, 0, max(len(table.rows), 1), len(labels) - 1)
    if table.total_row is not None:
        write_row(len(table.rows) + 1, table.total_row, bold=True)


def _explanation_lines(
    report: Report, sheets: list[tuple[str, Table]]
) -> Iterable[tuple[str, str, bool]]:
    """(figure, explanation, is heading) lines of the explanation sheet."""
    # The supplier comparison covers a period of quarters ("2025Q1-2025Q4"); both read
    # in words ("1e kwartaal 2025 tot en met 4e kwartaal 2025").
    label = gettext("Period") if report.kind == "suppliers" else gettext("Quarter")
    yield label, quarter_label(report.quarter), False
    yield gettext("Generated on"), moment_text(report.generated_at), False
    for threshold in report_thresholds(report):
        yield suppressed_label(threshold), suppression_footnote(threshold), False
    yield "", "", False
    yield gettext("Figure"), gettext("Explanation"), True
    for explanation in report.explanations:
        yield explanation.figure, explanation.explanation, False
    for name, table in sheets:
        yield "", "", False
        yield table.title, gettext("Sheet: %(name)s") % {"name": name}, True
        for column in table.columns:
            if column.help:
                yield column.label, column.help, False
        for note in table.notes:
            yield "", note, False
    if any(table.has_flags for table in report.tables):
        yield "", "", False
        yield gettext("Remarks"), "", True
        for flag in sorted(FLAG_LABELS):
            yield str(FLAG_LABELS[flag]), str(FLAG_HELP[flag]), False
    # Always there: a reader must see "none" rather than wonder whether it was left out.
    yield "", "", False
    yield gettext("Interventions"), "", True
    if not report.interventions:
        yield "", gettext("None in this quarter."), False
    else:
        for intervention in report.interventions:
            text = intervention.title
            if intervention.description:
                text = f"{text}: {intervention.description}"
            yield intervention.on.isoformat(), text, False


def _write_explanations(
    workbook: Workbook,
    name: str,
    report: Report,
    sheets: list[tuple[str, Table]],
    formats: _Formats,
) -> None:
    sheet = workbook.add_worksheet(name)
    sheet.set_column(0, 0, 40)
    sheet.set_column(1, 1, 90)
    sheet.write_string(0, 0, _text(report.title), formats.title)
    for index, (figure, explanation, heading) in enumerate(
        _explanation_lines(report, sheets), start=2
    ):
        fmt = formats.bold_wrap if heading else formats.wrap
        if figure:
            sheet.write_string(index, 0, _text(figure), fmt)
        if explanation:
            sheet.write_string(index, 1, _text(explanation), fmt)


def write_xlsx(report: Report, out: BinaryIO) -> None:
    """Write `report` as an XLSX workbook to the binary stream `out`."""
    require_suppressed(report.tables)
    workbook = Workbook(out, {"constant_memory": True})
    # A fixed creation time (the report's) makes the file reproducible.
    workbook.set_properties(
        {
            "title": report.title,
            "subject": quarter_label(report.quarter),
            "created": report.generated_at.astimezone(UTC),
        }
    )
    formats = _Formats(workbook)
    used: set[str] = set()
    explanation_name = sheet_name(gettext("Explanation"), used)
    sheets = [(sheet_name(table.title, used), table) for table in report_tables(report)]
    _write_explanations(workbook, explanation_name, report, sheets, formats)
    for name, table in sheets:
        _write_table(workbook, name, table, formats)
    workbook.close()
