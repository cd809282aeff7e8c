"""How figures read in text: shared by the PDF, the CSV files and the chart summaries.

Everything here follows the active language (Dutch by default: 1.234,5 and 12,5%), so a
figure reads the same in every export.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal

from django.utils import formats, timezone
from django.utils.translation import gettext

from .suppression import DEFAULT_THRESHOLD, HIDDEN_SYMBOL
from .tables import FLAG_LABELS, CellValue, Column, Number, Report, Suppressed, Table


def suppressed_label(threshold: int | None) -> str:
    """The mark shown instead of a hidden figure: one neutral symbol, whatever the value.

    `threshold` is kept for the callers; the mark no longer depends on it, because "<5"
    claimed something about the value (see `suppression.HIDDEN_SYMBOL`).
    """
    return HIDDEN_SYMBOL


def suppression_footnote(threshold: int | None) -> str:
    """Explains the mark; every export that can show it carries this text."""
    return gettext(
        "%(label)s: not shown, to protect the people it is about. We show no figures "
        "about a group of fewer than %(threshold)s people, and no figures from which "
        "such a figure could be worked out."
    ) % {
        "label": suppressed_label(threshold),
        "threshold": threshold if threshold is not None else DEFAULT_THRESHOLD,
    }


def exact(value: Number) -> Decimal:
    """The decimal a reader would write for `value`: 0.1 is 0.1, not 0.1000000000000000055."""
    if isinstance(value, Decimal):
        return value
    if isinstance(value, int):
        return Decimal(value)
    # float() also accepts numpy floats, which matplotlib passes for tick positions.
    return Decimal(repr(float(value)))


def rounded(value: Number, decimals: int, *, percent: bool = False) -> Decimal:
    """Round half up, as readers expect (Python's round() rounds half to even).

    Scaling a percentage happens on the exact decimal, so 0.145 shows as 14.5, not as
    the 14.499999999999998 that float arithmetic gives.
    """
    scaled = exact(value) * 100 if percent else exact(value)
    return scaled.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)


def format_number(value: Number, *, decimals: int = 0, percent: bool = False) -> str:
    """A number in the notation of the active language; percentages are fractions."""
    shown = rounded(value, decimals, percent=percent)
    text = formats.number_format(shown, decimal_pos=decimals, force_grouping=True)
    return f"{text}%" if percent else text


def display_value(column: Column, value: CellValue, threshold: int | None) -> str:
    """A cell as the reader sees it."""
    if isinstance(value, Suppressed):
        return suppressed_label(threshold)
    if value is None:
        return gettext("n/a") if column.kind != "text" else ""
    if isinstance(value, str):
        return value
    if isinstance(value, date):
        return formats.date_format(value, "SHORT_DATE_FORMAT")
    if column.kind == "int":
        return format_number(value)
    return format_number(value, decimals=column.decimals, percent=column.kind == "percent")


def flags_text(flags: Iterable[str]) -> str:
    """The markings of a row as one line of text, in a stable order."""
    return "; ".join(str(FLAG_LABELS[flag]) for flag in sorted(flags))


def require_suppressed(tables: Iterable[Table]) -> None:
    """Refuse to export counts of people that have not been through `suppress()`."""
    for table in tables:
        if table.has_counts_of_people and table.suppression_threshold is None:
            raise ValueError(
                f"table {table.key!r} counts people but has not been through suppress()"
            )


def moment_text(moment: datetime) -> str:
    """An aware datetime in the project's time zone (Europe/Amsterdam), as text."""
    return formats.date_format(timezone.localtime(moment), "DATETIME_FORMAT")


def report_thresholds(report: Report) -> list[int]:
    """The thresholds whose "<N" marking the report's footnote must explain."""
    used = {t.suppression_threshold for t in report.tables if t.suppression_threshold is not None}
    # Chart figures are hidden under their report's tables' threshold.
    return sorted(used) or [DEFAULT_THRESHOLD]
