"""The PDF is tagged for screen readers (PDF/UA-1), read back with pikepdf.

The report of conftest.py: a title, a summary page, a department table with a total row,
a chart with the table of its figures, explanations and interventions.
"""

from __future__ import annotations

import re

import pikepdf
import pytest
from django.utils import translation

from reports.presentation.pdf import render_pdf, report_html
from reports.presentation.tables import Report
from tests.pdf_tags import (
    elements,
    font_file,
    fonts,
    is_true,
    markers,
    open_pdf,
    painted_content,
    types,
)


@pytest.fixture
def tagged(report: Report) -> pikepdf.Pdf:
    return open_pdf(render_pdf(report))


def test_the_pdf_has_a_structure_tree_and_says_it_is_tagged(tagged: pikepdf.Pdf) -> None:
    assert "/StructTreeRoot" in tagged.Root
    assert is_true(tagged.Root.MarkInfo.Marked)
    assert types(tagged)["/Document"] == 1
    assert tagged.open_metadata().get("pdfuaid:part") == "1"


def test_the_title_is_the_reports_and_viewers_show_it_instead_of_the_file_name(
    report: Report, tagged: pikepdf.Pdf
) -> None:
    # The report's name and its quarter, however the quarter is written.
    title = re.search(r"<title>(.*)</title>", report_html(report))
    assert title is not None
    assert title[1].startswith("Bias-prevention workshop")
    assert "2025" in title[1]

    assert str(tagged.docinfo.Title) == title[1]
    assert tagged.open_metadata().get("dc:title") == title[1]
    assert is_true(tagged.Root.ViewerPreferences.DisplayDocTitle)


@pytest.mark.parametrize(("language", "tag"), [("nl", "nl-NL"), ("en", "en")])
def test_the_language_is_the_one_the_report_is_written_in(
    report: Report, language: str, tag: str
) -> None:
    with translation.override(language):
        document = open_pdf(render_pdf(report))

    assert str(document.Root.Lang) == tag


def test_the_headings_are_tagged_one_h1_then_h2_and_h3(tagged: pikepdf.Pdf) -> None:
    headings = [e.type for e in elements(tagged) if e.type in {"/H1", "/H2", "/H3"}]

    assert headings[0] == "/H1"
    assert headings.count("/H1") == 1
    assert {"/H2", "/H3"} <= set(headings)


def test_table_header_cells_are_th_with_their_scope(tagged: pikepdf.Pdf) -> None:
    cells = [e for e in elements(tagged) if e.type == "/TH"]

    heads = {str(e.node.A.Scope) for e in cells if "/THead" in e.ancestors}
    rows = {str(e.node.A.Scope) for e in cells if "/TBody" in e.ancestors}
    assert heads == {"/Column"}
    # The first column (the department, the quarter) names its row.
    assert rows == {"/Row"}
    assert types(tagged)["/Table"] >= 2


def test_every_data_cell_points_to_its_column_and_row_headers(tagged: pikepdf.Pdf) -> None:
    tagged_elements = elements(tagged)
    ids = {str(e.node.ID): e for e in tagged_elements if e.type == "/TH"}
    cells = [e for e in tagged_elements if e.type == "/TD"]

    assert cells
    for cell in cells:
        headers = [ids[str(header)] for header in cell.node.A.Headers]
        scopes = sorted(str(header.node.A.Scope) for header in headers)
        assert scopes == ["/Column", "/Row"]


def test_every_figure_has_alt_text_that_names_the_table_of_its_figures(
    tagged: pikepdf.Pdf,
) -> None:
    figures = [e.node for e in elements(tagged) if e.type == "/Figure"]

    assert len(figures) == 1
    alt = str(figures[0].Alt)
    assert alt.startswith("Share trained per quarter. Line chart")
    assert alt.endswith("The figures are in the table under the chart.")


def test_the_dutch_alt_text_is_dutch(report: Report) -> None:
    with translation.override("nl"):
        document = open_pdf(render_pdf(report))

    (figure,) = (e.node for e in elements(document) if e.type == "/Figure")
    assert str(figure.Alt).endswith("De cijfers staan in de tabel onder de grafiek.")


def test_everything_drawn_is_tagged_or_an_artifact(tagged: pikepdf.Pdf) -> None:
    marking = painted_content(tagged)

    assert set(marking) == {"tagged", "artifact"}
    assert marking["tagged"] > 100


def test_the_page_footer_is_a_pagination_artifact_on_every_page(report: Report) -> None:
    # The footer repeats the title and gives "page / pages": a screen reader that read
    # it would say it again on every page.
    document = open_pdf(render_pdf(report))

    footers = [
        [(str(m.get("/Type")), str(m.get("/Subtype"))) for m in markers(page, "/Artifact")].count(
            ("/Pagination", "/Footer")
        )
        for page in document.pages
    ]
    assert len(footers) >= 3
    assert min(footers) >= 2  # the title on the left, the page number on the right


def test_the_fonts_are_embedded(tagged: pikepdf.Pdf) -> None:
    used = fonts(tagged)

    assert used
    assert {name: font_file(font) is not None for name, font in used.items()} == dict.fromkeys(
        used, True
    )
