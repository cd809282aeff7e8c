"""The report as an A4 landscape PDF, rendered by WeasyPrint from a Django template.

The first page is a summary (per department the headline figure, its change since the
previous quarter and, in the ICOP report, whether it is below the target); then every
table in full. Landscape with small type and wrapping headers, so that every column of
the widest table (the ICOP's 15 and its remarks) fits the page; the header row repeats on
every page a table runs onto.

The renderer never touches the network or the file system: `OfflineURLFetcher` refuses
every URL except data: URIs (the charts are embedded as data: URIs), and the stylesheet
names only generic font families, so WeasyPrint takes fonts from the server. A report
can therefore be rendered in a worker without outbound access, and a name in the data
cannot make the renderer fetch anything. The language is the active one (Dutch unless
the caller activates another).

Every PDF is tagged (PDF/UA-1): a title shown as the window title, the language, headings,
tables with header cells, the charts as figures with alternative text, and the page
footer as an artifact (pdf_structure.py adds what WeasyPrint leaves out). The file stored
with a snapshot is also archivable: PDF/A-2a, the same tags, fonts embedded, and the
PDF/UA identification as well (README, "Accessible and archivable PDFs").
"""

from __future__ import annotations

import base64
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Final

from django.template.loader import render_to_string
from django.utils.translation import get_language, gettext
from weasyprint import HTML
from weasyprint.document import Document
from weasyprint.urls import URLFetcher, URLFetcherResponse

from .charts import alt_text, chart_table, render_svg, report_threshold
from .formatting import (
    display_value,
    flags_text,
    format_number,
    moment_text,
    report_thresholds,
    require_suppressed,
    suppression_footnote,
)
from .pdf_structure import declare_pdfua, finish_tagged
from .tables import FLAG_HELP, FLAG_LABELS, SUPPRESSED, CellValue, Column, Report, Table

TEMPLATE = "reports/pdf/report.html"
# Tagged PDF: screen readers get headings, tables and reading order.
PDF_OPTIONS: Mapping[str, Any] = {"pdf_variant": "pdf/ua-1", "finisher": finish_tagged}
# A snapshot's stored PDF: PDF/A-2 level A is tagged too. Not PDF/A-3: it only adds
# attachments of any kind, and a report has none. WeasyPrint writes one variant per file,
# so the PDF/UA identification is added by the finisher (pdf_structure.declare_pdfua).
ARCHIVE_PDF_OPTIONS: Mapping[str, Any] = {"pdf_variant": "pdf/a-2a", "finisher": declare_pdfua}
# The document language as a BCP 47 tag for /Lang; a language not listed is written as is.
PDF_LANGUAGES: Final[Mapping[str, str]] = {"nl": "nl-NL", "en": "en"}
# Tables with more columns than this are set in smaller, condensed type to fit the page.
WIDE_TABLE_COLUMNS: Final = 9


class OfflineURLFetcher(URLFetcher):
    """Fetches data: URIs only; refuses, and records, every other URL."""

    def __init__(self) -> None:
        super().__init__(allowed_protocols={"data"})
        self.refused: list[str] = []

    def fetch(self, url: str, headers: Mapping[str, str] | None = None) -> URLFetcherResponse:
        if not url.lower().startswith("data:"):
            self.refused.append(url)
            raise ValueError(f"refusing to fetch {url!r}: reports are rendered offline")
        return super().fetch(url, headers)


@dataclass(frozen=True)
class _Cell:
    text: str
    numeric: bool
    # The row's name (its first column, when that is text): a row header, so a screen
    # reader says which ministry or quarter a figure belongs to.
    header: bool = False


@dataclass(frozen=True)
class _Row:
    cells: tuple[_Cell, ...]
    classes: str


def _table_context(table: Table) -> dict[str, Any]:
    """The table with every figure already formatted, so the template only lays out."""
    threshold = table.suppression_threshold
    headers = [{"label": c.label, "numeric": c.kind != "text"} for c in table.columns]
    if table.has_flags:
        headers.append({"label": gettext("Remarks"), "numeric": False})
    rows = []
    hidden = False
    for row in table.all_rows():
        cells = []
        for index, column in enumerate(table.columns):
            value = row.get(column.key)
            hidden = hidden or value is SUPPRESSED
            text = display_value(column, value, threshold)
            numeric = column.kind != "text"
            cells.append(_Cell(text, numeric, header=index == 0 and not numeric))
        if table.has_flags:
            cells.append(_Cell(flags_text(row.flags), numeric=False))
        classes = sorted(row.flags) + (["total"] if row is table.total_row else [])
        rows.append(_Row(tuple(cells), " ".join(classes)))
    return {
        "title": table.title,
        "wide": len(headers) > WIDE_TABLE_COLUMNS,
        "headers": headers,
        "rows": rows,
        "notes": table.notes,
        # Every table that hides a figure says why, right under the table.
        "footnote": suppression_footnote(threshold) if hidden else "",
    }


@dataclass(frozen=True)
class SummarySpec:
    """Which table and columns of a report its summary page shows."""

    table: str
    value: str
    change: str


# Both meetings get the same headline: the share trained per department against the
# target (the Regiegroep report carries the ICOP's table for it).
SUMMARIES: Final[Mapping[str, SummarySpec]] = {
    "icop": SummarySpec("departments", "share_trained", "change"),
    "regiegroep": SummarySpec("departments", "share_trained", "change"),
}


@dataclass(frozen=True)
class SummaryFigure:
    """A figure of the summary page. `arrow` ("up", "down", "same" or "") is drawn before
    the text as a background image: visible on the page and in grey print, but an
    artifact in the tagged PDF, since the words already say it to a screen reader."""

    text: str
    arrow: str = ""

    def __str__(self) -> str:
        return self.text


def change_figure(change: CellValue, column: Column, threshold: int | None) -> SummaryFigure:
    """A change in percentage points since the previous quarter in words, with an arrow for
    the eye: the arrow alone would say nothing to a screen reader."""
    if isinstance(change, bool) or not isinstance(change, int | float | Decimal):
        return SummaryFigure(display_value(column, change, threshold))
    exact = Decimal(str(change))
    if exact == 0:
        return SummaryFigure(gettext("unchanged"), "same")
    words = (
        gettext("%(amount)s percentage points higher")
        if exact > 0
        else gettext("%(amount)s percentage points lower")
    ) % {"amount": format_number(abs(exact), decimals=column.decimals)}
    return SummaryFigure(words, "up" if exact > 0 else "down")


def _below_target(value: CellValue, column: Column, target: Decimal, threshold: int | None) -> str:
    # Only a shown share says yes or no: a hidden share keeps its answer hidden too.
    if isinstance(value, int | float | Decimal) and not isinstance(value, bool):
        return gettext("Yes") if Decimal(str(value)) < target else gettext("No")
    return display_value(column, value, threshold)


def summary_context(report: Report) -> dict[str, Any] | None:
    """The summary page: per department the headline figure and how it changed."""
    spec = SUMMARIES.get(report.kind)
    table = next((t for t in report.tables if spec and t.key == spec.table), None)
    if spec is None or table is None:
        return None
    keys = {column.key for column in table.columns}
    if not {spec.value, spec.change} <= keys:
        return None
    names = [c for c in table.columns if c.kind == "text" and c.key != "enforcement"]
    value, change = table.column(spec.value), table.column(spec.change)
    target = report.target_share
    threshold = table.suppression_threshold
    headers = [c.label for c in names] + [value.label, gettext("Change since the previous quarter")]
    if target is not None:
        percent = format_number(target, percent=True)
        headers.append(gettext("Below the target of %(target)s") % {"target": percent})
    rows = []
    for row in table.all_rows():
        figures = [
            SummaryFigure(display_value(value, row.get(value.key), threshold)),
            change_figure(row.get(change.key), change, threshold),
        ]
        if target is not None:
            below = _below_target(row.get(value.key), value, target, threshold)
            figures.append(SummaryFigure(below))
        if "no_data" in row.flags:
            # As the table says it: no figures at all, not "not applicable".
            blanks = [SummaryFigure("")] * (len(figures) - 1)
            figures = [SummaryFigure(gettext("No data")), *blanks]
        shown = [display_value(c, row.get(c.key), threshold) for c in names]
        if row is table.total_row and "no_data" in {flag for r in table.rows for flag in r.flags}:
            # The rows above say which ministries have no data: the total need not list
            # them again (the full label would push the summary past its one page).
            shown = [gettext("Total of the ministries with data")] + [""] * (len(shown) - 1)
        rows.append(
            {
                "names": shown,
                "figures": figures,
                "total": row is table.total_row,
            }
        )
    return {"headers": headers, "names": len(names), "rows": rows}


def report_html(report: Report) -> str:
    """The report as the HTML that WeasyPrint lays out."""
    require_suppressed(report.tables)
    charts = [
        {
            "title": chart.title,
            "src": "data:image/svg+xml;base64,"
            + base64.b64encode(render_svg(chart).encode("utf-8")).decode("ascii"),
            # The PDF shows the chart's figures in a table right under it: the alt says so.
            "alt": f"{alt_text(chart)} {gettext('The figures are in the table under the chart.')}",
            "table": _table_context(chart_table(chart, report_threshold(report))),
        }
        for chart in report.charts
    ]
    flag_names = sorted(
        {flag for table in report.tables for row in table.rows for flag in row.flags}
    )
    context = {
        "report": report,
        "language": PDF_LANGUAGES.get(get_language(), get_language()),
        # Whole seconds: PDF/A wants the XMP date equal to the info date, which has no fraction.
        "created": report.generated_at.replace(microsecond=0).isoformat(),
        "generated": moment_text(report.generated_at),
        "footnotes": [suppression_footnote(t) for t in report_thresholds(report)],
        "summary": summary_context(report),
        "tables": [_table_context(table) for table in report.tables],
        "charts": charts,
        "flags": [(FLAG_LABELS[flag], FLAG_HELP[flag]) for flag in flag_names],
    }
    return render_to_string(TEMPLATE, context)


def render_document(html: str, url_fetcher: OfflineURLFetcher | None = None) -> Document:
    """Lay out `html` into pages without any network or file access."""
    fetcher = url_fetcher if url_fetcher is not None else OfflineURLFetcher()
    return HTML(string=html, url_fetcher=fetcher).render(pdf_tags=True)


def render_pdf(report: Report, *, archival: bool = False) -> bytes:
    """The report as tagged PDF bytes; `archival` makes it PDF/A as well (for snapshots)."""
    options = ARCHIVE_PDF_OPTIONS if archival else PDF_OPTIONS
    pdf: bytes = render_document(report_html(report)).write_pdf(**options)
    return pdf
