"""The PDF export: rendered offline, with the figures and the privacy footnote."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from dataclasses import replace
from decimal import Decimal

import pytest
from django.utils import translation
from weasyprint.document import Document, Page
from weasyprint.formatting_structure.boxes import TextBox

from reports.presentation.pdf import (
    OfflineURLFetcher,
    render_document,
    render_pdf,
    report_html,
    summary_context,
)
from reports.presentation.suppression import suppress
from reports.presentation.tables import SUPPRESSED, CellValue, Column, Report, Row, Table

from .conftest import department_table, sample_report

# A base64 1x1 transparent GIF: the only kind of URL the renderer may fetch.
DATA_GIF = "data:image/gif;base64,R0lGODlhAQABAAAAACH5BAEAAAAALAAAAAABAAEAAAIBAAA="


@pytest.fixture
def no_network(monkeypatch: pytest.MonkeyPatch) -> list[object]:
    """Fail the test on any attempt to open a network connection."""
    attempts: list[object] = []

    def refuse(*args: object, **kwargs: object) -> None:
        attempts.append(args)
        raise OSError("network access during a test")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    return attempts


def page_text(*pages: Page) -> str:
    """The laid-out text of the pages (there is no pdftotext on the CI image)."""

    def texts(box: object) -> Iterator[str]:
        if isinstance(box, TextBox):
            yield box.text
        for child in getattr(box, "children", ()):
            yield from texts(child)

    return " ".join(text for page in pages for text in texts(page._page_box))


@pytest.fixture
def document(report: Report, no_network: list[object]) -> Document:
    return render_document(report_html(report))


def test_it_renders_a_pdf(report: Report, no_network: list[object]) -> None:
    pdf = render_pdf(report)

    assert pdf.startswith(b"%PDF")
    assert no_network == []


def test_the_pages_are_a4_landscape_with_the_title_first(document: Document) -> None:
    assert len(document.pages) >= 2
    first = document.pages[0]
    assert (round(first.width * 25.4 / 96), round(first.height * 25.4 / 96)) == (297, 210)
    assert "Bias-prevention workshop" in page_text(first)
    # This report has no table the summary reads, so its tables start on page 2.
    assert "Defensie" not in page_text(first)


def test_the_pdf_shows_the_quarter_and_the_figures(document: Document) -> None:
    text = page_text(*document.pages)

    assert "Q4 2025" in text
    assert "Q2 2025" in text  # the chart's table names its quarters in words
    assert "2025Q" not in text  # and has no code column: that is for spreadsheets
    assert "Defensie" in text
    assert "•" in text
    assert "fewer than 5 people" in text
    assert "<5" not in text


def test_the_html_embeds_charts_as_data_uris_with_alt_text(report: Report) -> None:
    html = report_html(report)

    assert 'src="data:image/svg+xml;base64,' in html
    assert 'alt="Share trained per quarter.' in html


def test_the_html_repeats_table_headers_on_every_page(report: Report) -> None:
    html = report_html(report)

    assert "thead { display: table-header-group; }" in html
    assert "size: A4 landscape" in html


def test_the_language_follows_the_active_language(report: Report) -> None:
    with translation.override("nl"):
        assert '<html lang="nl-NL">' in report_html(report)
    with translation.override("en"):
        assert '<html lang="en">' in report_html(report)


def test_text_from_the_data_is_escaped(report: Report) -> None:
    table = replace(report.tables[0], title='<img src="http://evil.example/x.png">')

    html = report_html(replace(report, tables=(table,)))

    assert '<img src="http://evil.example' not in html
    assert "&lt;img src=&quot;http://evil.example/x.png&quot;&gt;" in html


def test_a_template_that_refers_to_the_network_fetches_nothing(
    no_network: list[object],
) -> None:
    fetcher = OfflineURLFetcher()
    html = (
        '<link rel="stylesheet" href="https://cdn.example/style.css">'
        '<style>@import url("http://fonts.example/font.css");</style>'
        '<p>Kwartaal 2025Q4</p><img src="http://tracker.example/pixel.png">'
        '<img src="file:///etc/passwd">'
        f'<img src="{DATA_GIF}">'
    )

    document = render_document(html, fetcher)

    assert sorted(fetcher.refused) == [
        "file:///etc/passwd",
        "http://fonts.example/font.css",
        "http://tracker.example/pixel.png",
        "https://cdn.example/style.css",
    ]
    assert no_network == []
    assert "2025Q4" in page_text(*document.pages)


def test_it_refuses_a_table_that_was_not_suppressed(report: Report) -> None:
    with pytest.raises(ValueError, match="suppress"):
        render_pdf(replace(report, tables=(department_table(),)))


def icop_report(rows: list[tuple[str, CellValue, CellValue]]) -> Report:
    """An ICOP-shaped report: per department the share trained and its change."""
    columns = (
        Column("code", "Code", "text"),
        Column("department", "Department", "text"),
        Column("members", "Members", "int", count_of_people=True),
        Column("share_trained", "Share trained", "percent", based_on=("members",)),
        Column("change", "Change (percentage points)", "decimal", based_on=("members",)),
    )
    table = Table(
        key="departments",
        title="Compliance per department",
        columns=columns,
        rows=tuple(
            Row(
                {
                    "code": code,
                    "department": f"Ministry {code}",
                    "members": 40,
                    "share_trained": share,
                    "change": change,
                }
            )
            for code, share, change in rows
        ),
    )
    return replace(sample_report(), tables=(suppress(table),), target_share=Decimal("0.8"))


def test_the_summary_says_the_change_in_words_and_whether_it_is_below_the_target() -> None:
    report = icop_report(
        [
            ("UP", Decimal("0.9"), Decimal("12.5")),
            ("DOWN", Decimal("0.5"), Decimal("-3.0")),
            ("SAME", Decimal("0.8"), Decimal("0.0")),
            ("NEW", Decimal("0.79"), None),
            ("NONE", None, None),
        ]
    )

    summary = summary_context(report)

    assert summary is not None
    assert summary["headers"][-1] == "Below the target of 80%"
    assert [row["names"] + [str(f) for f in row["figures"]] for row in summary["rows"]] == [
        ["UP", "Ministry UP", "90.0%", "12.5 percentage points higher", "No"],
        ["DOWN", "Ministry DOWN", "50.0%", "3.0 percentage points lower", "Yes"],
        ["SAME", "Ministry SAME", "80.0%", "unchanged", "No"],
        ["NEW", "Ministry NEW", "79.0%", "n/a", "Yes"],
        ["NONE", "Ministry NONE", "n/a", "n/a", "n/a"],
    ]
    # The arrows are drawn (as artifacts) next to the words, not read out.
    assert [[f.arrow for f in row["figures"]] for row in summary["rows"]] == [
        ["", "up", ""],
        ["", "down", ""],
        ["", "same", ""],
        ["", "", ""],
        ["", "", ""],
    ]


def test_a_hidden_share_keeps_its_below_target_answer_hidden() -> None:
    report = icop_report([("SMALL", SUPPRESSED, SUPPRESSED)])

    summary = summary_context(report)

    assert summary is not None
    assert [str(figure) for figure in summary["rows"][0]["figures"]] == ["•", "•", "•"]


def test_the_summary_is_the_first_page(no_network: list[object]) -> None:
    report = icop_report([("UP", Decimal("0.9"), Decimal("12.5"))])

    document = render_document(report_html(report))

    first = page_text(document.pages[0])
    assert "Summary" in first
    assert "UP Ministry UP 90.0% 12.5 percentage points higher No" in first
    assert "▲" not in first  # the arrow is a background image: seen, not read out
    assert '<td class="num change up">12.5 percentage points higher</td>' in report_html(report)
    assert "Compliance per department" not in first


def test_a_quarter_without_interventions_says_none(
    report: Report, no_network: list[object]
) -> None:
    text = page_text(*render_document(report_html(replace(report, interventions=()))).pages)

    assert "Interventions None in this quarter." in text
