"""Charts as accessible, reproducible SVG, plus the same figures as a table.

Drawn with matplotlib's SVG backend on a private Figure (no pyplot, so no global figure
registry). The SVG carries role="img", a <title> and a <desc> that summarises the
figures, and `chart_table()` gives every figure as a table: the text alternative that
WCAG asks for. Colours come from the Okabe-Ito palette (distinguishable with the common
kinds of colour blindness), each with at least 3:1 contrast on white, and every series
also differs in marker and line style or hatching, so the chart works in grey too.
"""

from __future__ import annotations

import base64
import io
import math
import re
import threading
from decimal import Decimal
from typing import Final
from xml.sax.saxutils import escape

import matplotlib
from django.utils.translation import gettext
from matplotlib.backends.backend_svg import FigureCanvasSVG
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter

from reports.quarters import is_quarter_code, quarter_label

from .formatting import format_number, report_thresholds, suppression_footnote
from .tables import SUPPRESSED, CellValue, Chart, Column, ColumnKind, Number, Report, Row, Table

COLOURS: Final = ("#0072B2", "#D55E00", "#000000", "#009E73", "#CC79A7", "#882255")
LINE_MARKERS: Final = ("o", "s", "^", "D", "v", "P", "X")
LINE_STYLES: Final = ("-", "--", ":", "-.")
BAR_HATCHES: Final = ("", "//", "..", "xx", "\\\\", "--", "++")
INTERVENTION_COLOUR: Final = "#595959"  # Grey with 7:1 contrast: visible, not a series.

# rcParams are process-global; the lock keeps two threads (e.g. a threaded web server)
# from rendering with each other's hash salt or SVG id.
_RC_LOCK = threading.Lock()
_SVG_ROOT = re.compile(r"<svg\b([^>]*)>")


def _plotted(value: CellValue) -> float:
    # A missing or hidden figure is a gap in the line, never a zero.
    return float(value) if isinstance(value, int | float | Decimal) else math.nan


def _shown(chart: Chart, values: tuple[CellValue, ...]) -> list[tuple[str, Number]]:
    """The (x label as it reads, value) pairs that are actually drawn."""
    return [
        (quarter_label(label), value)
        for label, value in zip(chart.x_labels, values, strict=True)
        if isinstance(value, int | float | Decimal)
    ]


def _value_text(chart: Chart, value: Number) -> str:
    return format_number(value, decimals=1 if chart.percent else 0, percent=chart.percent)


def _tick_text(chart: Chart, value: float) -> str:
    if chart.percent:
        return format_number(value, percent=True)
    return format_number(value, decimals=0 if value == int(value) else 1)


def describe(chart: Chart) -> str:
    """A plain-language summary of the chart for its SVG <desc> and alt text."""
    kind = gettext("Line chart") if chart.kind == "line" else gettext("Bar chart")
    parts = [
        gettext("%(kind)s of %(y_label)s, from %(first)s to %(last)s.")
        % {
            "kind": kind,
            "y_label": chart.y_label,
            "first": quarter_label(chart.x_labels[0]) if chart.x_labels else "",
            "last": quarter_label(chart.x_labels[-1]) if chart.x_labels else "",
        }
    ]
    for series in chart.series:
        shown = _shown(chart, series.values)
        if not shown:
            parts.append(gettext("%(name)s: no figures shown.") % {"name": series.name})
            continue
        numbers = [value for _label, value in shown]
        parts.append(
            gettext(
                "%(name)s: %(first_value)s in %(first)s and %(last_value)s in %(last)s; "
                "lowest %(lowest)s, highest %(highest)s."
            )
            % {
                "name": series.name,
                "first": shown[0][0],
                "first_value": _value_text(chart, shown[0][1]),
                "last": shown[-1][0],
                "last_value": _value_text(chart, shown[-1][1]),
                "lowest": _value_text(chart, min(numbers, key=float)),
                "highest": _value_text(chart, max(numbers, key=float)),
            }
        )
    for marker in chart.markers:
        parts.append(
            gettext("Intervention in %(x_label)s: %(text)s.")
            % {"x_label": quarter_label(marker.x_label), "text": marker.text}
        )
    return " ".join(parts)


def _draw(chart: Chart, figure: Figure) -> None:
    axes = figure.add_subplot()
    positions = range(len(chart.x_labels))
    count = len(chart.series)
    for index, series in enumerate(chart.series):
        colour = COLOURS[index % len(COLOURS)]
        values = [_plotted(value) for value in series.values]
        if chart.kind == "line":
            axes.plot(
                positions,
                values,
                color=colour,
                marker=LINE_MARKERS[index % len(LINE_MARKERS)],
                linestyle=LINE_STYLES[index % len(LINE_STYLES)],
                linewidth=2,
                markersize=6,
                label=series.name,
            )
        else:
            width = 0.8 / count
            axes.bar(
                [p - 0.4 + width * (index + 0.5) for p in positions],
                values,
                width=width,
                color=colour,
                # The hatching is drawn in the edge colour; it must show on black bars.
                edgecolor="#FFFFFF" if colour == "#000000" else "#000000",
                hatch=BAR_HATCHES[index % len(BAR_HATCHES)],
                label=series.name,
            )
    for marker in chart.markers:
        position = chart.x_labels.index(marker.x_label)
        axes.axvline(position, color=INTERVENTION_COLOUR, linestyle=(0, (4, 2)), linewidth=1.2)
        axes.annotate(
            marker.text,
            xy=(position, 1),
            xycoords=("data", "axes fraction"),
            xytext=(-3, -3),
            textcoords="offset points",
            rotation=90,
            ha="right",
            va="top",
            fontsize=8,
            color=INTERVENTION_COLOUR,
        )
    # The data hold quarters as codes (2026Q3): the reader gets words ("3e kwartaal 2026").
    ticks = [quarter_label(label) for label in chart.x_labels]
    axes.set_xticks(list(positions), ticks)
    if _ticks_crowd(ticks):
        # Slanted, each label ending under its own tick.
        for tick in axes.get_xticklabels():
            tick.set_rotation(45)
            tick.set_horizontalalignment("right")
            tick.set_rotation_mode("anchor")
    axes.set_ylim(bottom=0, top=chart.y_max)
    axes.yaxis.set_major_formatter(FuncFormatter(lambda value, _pos: _tick_text(chart, value)))
    axes.set_ylabel(chart.y_label)
    if chart.x_label:
        axes.set_xlabel(chart.x_label)
    axes.grid(axis="y", color="#D9D9D9", linewidth=0.8)
    axes.set_axisbelow(True)
    figure.legend(loc="outside lower center", ncols=min(count, 3), frameon=False)


def _ticks_crowd(ticks: list[str]) -> bool:
    """Whether the x labels would run into each other when set level.

    About 480 pt of axis (8 in, minus the y axis) at 10 pt type, ~6 pt a character.
    """
    longest = max((len(tick) for tick in ticks), default=0)
    return len(ticks) > 8 or longest * 6 * len(ticks) > 480 * 0.9


def render_svg(chart: Chart) -> str:
    """The chart as a standalone SVG document; the same chart gives the same bytes."""
    svg_id = f"chart-{chart.key}"
    buffer = io.StringIO()
    with (
        _RC_LOCK,
        matplotlib.rc_context(
            {
                # Text stays text: searchable, selectable and readable by screen readers.
                "svg.fonttype": "none",
                # A fixed salt per chart makes the ids stable and unique within a page.
                "svg.hashsalt": svg_id,
                "svg.id": svg_id,
                "font.family": "sans-serif",
                "font.size": 10,
                "axes.spines.top": False,
                "axes.spines.right": False,
            }
        ),
    ):
        figure = Figure(figsize=(8, 4.5), layout="constrained")
        FigureCanvasSVG(figure)
        _draw(chart, figure)
        # Date None: no timestamp in the file, so output is reproducible.
        figure.savefig(buffer, format="svg", metadata={"Date": None})
    accessible = (
        f'<svg\\1 role="img" aria-labelledby="{svg_id}-title {svg_id}-desc">'
        f'<title id="{svg_id}-title">{escape(chart.title)}</title>'
        f'<desc id="{svg_id}-desc">{escape(describe(chart))}</desc>'
    )
    return _SVG_ROOT.sub(lambda match: match.expand(accessible), buffer.getvalue(), count=1)


def svg_data_uri(svg: str) -> str:
    """`svg` as a data: URI for an <img>.

    Pages show charts as images rather than inline SVG: matplotlib styles its shapes with
    style attributes, which the Content-Security-Policy (style-src 'self') blocks inline
    but allows inside an image.
    """
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode()).decode("ascii")


def alt_text(chart: Chart) -> str:
    """The chart title and summary, for the alt attribute where the chart is an image."""
    return f"{chart.title}. {describe(chart)}"


def _series_kind(chart: Chart) -> ColumnKind:
    if chart.percent:
        return "percent"
    numbers = [value for series in chart.series for _x, value in _shown(chart, series.values)]
    return "int" if all(isinstance(value, int) for value in numbers) else "decimal"


def chart_table(
    chart: Chart, threshold: int | None = None, *, quarter_codes: bool = False
) -> Table:
    """The figures of `chart` as a table: one row per x label, one column per series.

    `threshold` is the one its report's figures were hidden under (`report_threshold`);
    the footnote names it. A quarter reads in words ("3e kwartaal 2026"); with
    `quarter_codes` (the CSV and XLSX) its code (2026Q3) follows in a column of its own,
    right after it, for sorting in a spreadsheet. The series' columns come after both.
    """
    kind = _series_kind(chart)
    columns = [Column("x", chart.x_label or gettext("Period"), "text")]
    codes = quarter_codes and bool(chart.x_labels) and all(map(is_quarter_code, chart.x_labels))
    if codes:
        columns.append(Column("x-code", gettext("Quarter (code)"), "text"))
    columns += [
        Column(f"series-{index}", series.name, kind) for index, series in enumerate(chart.series)
    ]
    if chart.markers:
        columns.append(Column("interventions", gettext("Interventions"), "text"))
    rows = []
    for position, label in enumerate(chart.x_labels):
        cells: dict[str, CellValue] = {"x": quarter_label(label)}
        if codes:
            cells["x-code"] = label
        for index, series in enumerate(chart.series):
            cells[f"series-{index}"] = series.values[position]
        if chart.markers:
            cells["interventions"] = "; ".join(
                marker.text for marker in chart.markers if marker.x_label == label
            )
        rows.append(Row(cells))
    hidden = any(value is SUPPRESSED for series in chart.series for value in series.values)
    return Table(
        key=chart.key,
        title=chart.title,
        columns=tuple(columns),
        rows=tuple(rows),
        notes=(suppression_footnote(threshold),) if hidden else (),
    )


def report_tables(report: Report) -> tuple[Table, ...]:
    """Every table a spreadsheet export (CSV, XLSX) shows: the report's tables, then each
    chart's figures, with the quarters' codes beside their names."""
    threshold = report_threshold(report)
    return (
        *report.tables,
        *(chart_table(chart, threshold, quarter_codes=True) for chart in report.charts),
    )


def report_threshold(report: Report) -> int:
    """The threshold a report's charts were hidden under: its tables' (one setting at
    compile time; the highest if they ever differ)."""
    return max(report_thresholds(report))
