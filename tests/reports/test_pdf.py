"""The PDFs of the two real reports: landscape, a summary first, every column on the page.

The ICOP table has 15 columns and a remarks column; on A4 portrait 6-7 of them fell off
the page. These tests render the reports as the compile does (in Dutch, the frozen
language) over all 15 ministries plus the small world of conftest.py.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from typing import Any

import openpyxl
import pytest
from django.utils import translation
from pypdf import PdfReader
from weasyprint.document import Document, Page
from weasyprint.formatting_structure.boxes import Box, TableBox, TextBox

from departments.models import Department
from reports.figures import build_report
from reports.presentation.pdf import render_document, report_html
from reports.presentation.tables import Report
from reports.quarters import Quarter
from reports.services import REPORT_LANGUAGE, report_files
from tests.reports.conftest import World

pytestmark = pytest.mark.django_db
Q1 = Quarter(2025, 1)
KINDS = ["regiegroep", "icop"]
MM_PER_PX = 25.4 / 96


def dutch_report(kind: str) -> Report:
    with translation.override(REPORT_LANGUAGE):
        return build_report(kind, Q1)


def dutch_document(report: Report) -> Document:
    with translation.override(REPORT_LANGUAGE):
        return render_document(report_html(report))


def boxes(box: Box) -> Iterator[Box]:
    yield box
    for child in getattr(box, "children", ()):
        yield from boxes(child)


def page_text(page: Page) -> str:
    texts = (box.text for box in boxes(page._page_box) if isinstance(box, TextBox))
    return " ".join(" ".join(texts).split())


def pdf_text(pdf: bytes) -> str:
    """The text a reader sees on the pages: text drawn off the page's right edge (still in
    the file, but cut off in every viewer and on paper) is left out. Whitespace is made
    single spaces, so a header that wraps over lines reads as one."""
    parts: list[str] = []
    for page in PdfReader(io.BytesIO(pdf)).pages:
        width = float(page.mediabox.width)

        def visit(text: str, cm: Any, tm: Any, font: Any, size: Any, width: float = width) -> None:
            x = tm[4] * cm[0] + tm[5] * cm[2] + cm[4]
            if 0 <= x < width:
                parts.append(text)

        page.extract_text(visitor_text=visit)
    return " ".join(" ".join(parts).split())


def xlsx_headers(xlsx: bytes) -> dict[str, list[str]]:
    """The header row of every table sheet of the workbook (the first sheet explains)."""
    workbook = openpyxl.load_workbook(io.BytesIO(xlsx), read_only=True)
    return {
        sheet.title: [str(cell.value) for cell in next(sheet.iter_rows(max_row=1))]
        for sheet in workbook.worksheets[1:]
    }


@pytest.mark.parametrize("kind", KINDS)
def test_every_column_header_of_the_xlsx_is_in_the_pdf_text(world: World, kind: str) -> None:
    files = report_files(dutch_report(kind))
    text = pdf_text(files["pdf"])

    headers = xlsx_headers(files["xlsx"])

    main = next(iter(headers.values()))
    assert len(main) >= (16 if kind == "icop" else 7)
    # The quarters' code column is for sorting in a spreadsheet; the PDF names the
    # quarters in words only.
    missing = {
        sheet: [
            header
            for header in row
            if " ".join(header.split()) not in text and header != "Kwartaal (code)"
        ]
        for sheet, row in headers.items()
    }
    assert missing == {sheet: [] for sheet in headers}


@pytest.mark.parametrize("kind", KINDS)
def test_no_table_is_wider_than_the_page(world: World, kind: str) -> None:
    document = dutch_document(dutch_report(kind))

    tables = 0
    for number, page in enumerate(document.pages, start=1):
        area = page._page_box
        right = area.content_box_x() + area.width
        for table in (box for box in boxes(area) if isinstance(box, TableBox)):
            tables += 1
            overflow = table.position_x + table.margin_width() - right
            assert overflow <= 0.5, f"page {number}: a table runs {overflow:.0f}px off the page"
    assert tables >= 3


@pytest.mark.parametrize("kind", KINDS)
def test_the_pages_are_a4_landscape(world: World, kind: str) -> None:
    document = dutch_document(dutch_report(kind))

    sizes = {(round(p.width * MM_PER_PX), round(p.height * MM_PER_PX)) for p in document.pages}

    assert sizes == {(297, 210)}


def test_the_header_row_repeats_on_every_page_a_table_runs_onto(world: World) -> None:
    document = dutch_document(dutch_report("icop"))
    last_header = "Waarvan met de hand ingevoerd"
    last_department = Department.objects.order_by("code").last()
    assert last_department is not None

    pages = [page_text(page) for page in document.pages]

    first = next(i for i, text in enumerate(pages) if "Naleving per ministerie" in text)
    end = next(i for i, text in enumerate(pages) if last_department.name_nl in text and i > 0)
    assert end > first  # the table runs onto a second page ...
    for text in pages[first : end + 1]:  # ... and every one of its pages has the headers
        assert last_header in text


def test_the_icop_pdf_starts_with_a_one_page_summary(world: World, no_suppression: None) -> None:
    document = dutch_document(dutch_report("icop"))

    first, second = page_text(document.pages[0]), page_text(document.pages[1])

    assert "Samenvatting" in first
    names = Department.objects.values_list("name_nl", flat=True)
    assert [name for name in names if name not in first] == []
    assert "Samenvatting" not in second
    # AAA: 66.7% trained, up from 0%, below the 80% target.
    assert re.search(r"AAA Ministerie A 66,7% 66,7 procentpunten hoger Ja(?= )", first), first
    # All departments: AAA's 2 of 3 now against 1 of 2 (AAA and BBB) in 2024Q4.
    # The total covers the ministries with data; the rows above say which have none.
    assert "Totaal van de ministeries met gegevens 66,7% 16,7 procentpunten hoger Ja" in first
    assert re.search(r"AZ Ministerie van Algemene Zaken Geen gegevens AenM", first), first
    assert "Onder het doel van 80%" in first


def test_a_hidden_share_hides_its_below_target_answer_too(world: World) -> None:
    # With the default threshold AAA's 2 of 3 is hidden; "yes, below target" would
    # tell the reader that the hidden share is under 80%.
    document = dutch_document(dutch_report("icop"))

    first = page_text(document.pages[0])

    assert "AAA Ministerie A • • •" in first


def test_the_regiegroep_summary_gives_the_share_trained_against_the_target(
    world: World, no_suppression: None
) -> None:
    document = dutch_document(dutch_report("regiegroep"))

    first = page_text(document.pages[0])

    # The same headline as the ICOP's: AAA 66.7% trained, up from 0%, below 80%.
    assert "Samenvatting" in first
    assert re.search(r"AAA Ministerie A 66,7% 66,7 procentpunten hoger Ja(?= )", first), first
    assert "Onder het doel van 80%" in first
