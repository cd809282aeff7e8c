"""The report as an A4 PDF, rendered by WeasyPrint from a Django template.

The renderer never touches the network or the file system: `OfflineURLFetcher` refuses
every URL except data: URIs (the charts are embedded as data: URIs), and the stylesheet
names only generic font families, so WeasyPrint takes fonts from the server. A report
can therefore be rendered in a worker without outbound access, and a name in the data
cannot make the renderer fetch anything. The language is the active one (Dutch unless
the caller activates another).
"""

from __future__ import annotations

import base64
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.template.loader import render_to_string
from django.utils.translation import get_language, gettext
from weasyprint import HTML
from weasyprint.document import Document
from weasyprint.urls import URLFetcher, URLFetcherResponse

from .charts import alt_text, chart_table, render_svg
from .formatting import (
    display_value,
    flags_text,
    moment_text,
    report_thresholds,
    require_suppressed,
    suppression_footnote,
)
from .tables import FLAG_HELP, FLAG_LABELS, SUPPRESSED, Report, Table

TEMPLATE = "reports/pdf/report.html"
# Tagged PDF: screen readers get headings, tables and reading order.
PDF_OPTIONS: Mapping[str, Any] = {"pdf_tags": True}


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
        for column in table.columns:
            value = row.get(column.key)
            hidden = hidden or value is SUPPRESSED
            cells.append(_Cell(display_value(column, value, threshold), column.kind != "text"))
        if table.has_flags:
            cells.append(_Cell(flags_text(row.flags), numeric=False))
        classes = sorted(row.flags) + (["total"] if row is table.total_row else [])
        rows.append(_Row(tuple(cells), " ".join(classes)))
    return {
        "title": table.title,
        "headers": headers,
        "rows": rows,
        "notes": table.notes,
        # Every table that hides a figure says why, right under the table.
        "footnote": suppression_footnote(threshold) if hidden else "",
    }


def report_html(report: Report) -> str:
    """The report as the HTML that WeasyPrint lays out."""
    require_suppressed(report.tables)
    charts = [
        {
            "title": chart.title,
            "src": "data:image/svg+xml;base64,"
            + base64.b64encode(render_svg(chart).encode("utf-8")).decode("ascii"),
            "alt": alt_text(chart),
            "table": _table_context(chart_table(chart)),
        }
        for chart in report.charts
    ]
    flag_names = sorted(
        {flag for table in report.tables for row in table.rows for flag in row.flags}
    )
    context = {
        "report": report,
        "language": get_language(),
        "created": report.generated_at.isoformat(),
        "generated": moment_text(report.generated_at),
        "footnotes": [suppression_footnote(t) for t in report_thresholds(report)],
        "tables": [_table_context(table) for table in report.tables],
        "charts": charts,
        "flags": [(FLAG_LABELS[flag], FLAG_HELP[flag]) for flag in flag_names],
    }
    return render_to_string(TEMPLATE, context)


def render_document(html: str, url_fetcher: OfflineURLFetcher | None = None) -> Document:
    """Lay out `html` into pages without any network or file access."""
    fetcher = url_fetcher if url_fetcher is not None else OfflineURLFetcher()
    return HTML(string=html, url_fetcher=fetcher).render(**PDF_OPTIONS)


def render_pdf(report: Report) -> bytes:
    """The report as PDF bytes."""
    pdf: bytes = render_document(report_html(report)).write_pdf(**PDF_OPTIONS)
    return pdf
