"""The PDF a snapshot stores is archivable (PDF/A-2a) and tagged (PDF/UA-1).

Read back with pikepdf from the file the compile stored, as an archive would get it. The
parts of PDF/A checked here: the identification in the XMP metadata (with the extension
schema PDF/A asks for the PDF/UA one), the output intent, the file identifier, the
document information agreeing with the XMP, and every font embedded. veraPDF, which
checks all of PDF/A and PDF/UA, cannot be installed here (README, "Accessible and
archivable PDFs").
"""

from __future__ import annotations

import datetime

import pikepdf
import pytest
from pikepdf.models.metadata import decode_pdf_date

from reports.models import ReportSnapshot, Trigger
from reports.services import (
    RENDERER_VERSIONS,
    report_compile,
    snapshot_file,
    snapshot_report,
)
from tests.pdf_tags import (
    elements,
    font_file,
    fonts,
    is_true,
    open_pdf,
    painted_content,
    types,
)
from tests.reports.conftest import World

pytestmark = pytest.mark.django_db
PDFUA_NAMESPACE = "http://www.aiim.org/pdfua/ns/id/"


def compile_quarter(kind: str = "icop") -> ReportSnapshot:
    snapshot, _created = report_compile(
        kind=kind, quarter="2025Q1", requested_by=None, trigger=Trigger.PAGE
    )
    return snapshot


def stored_pdf(kind: str = "icop") -> tuple[int, pikepdf.Pdf]:
    stored = snapshot_file(snapshot=compile_quarter(kind), fmt="pdf")
    return stored.renderer_version, open_pdf(bytes(stored.content))


@pytest.mark.parametrize("kind", ["icop", "regiegroep"])
def test_the_stored_pdf_says_it_is_pdfa_2a_and_pdfua_1(world: World, kind: str) -> None:
    version, document = stored_pdf(kind)

    metadata = document.open_metadata()
    assert (metadata.get("pdfaid:part"), metadata.get("pdfaid:conformance")) == ("2", "A")
    assert metadata.get("pdfuaid:part") == "1"
    assert version == RENDERER_VERSIONS["pdf"] == 4


def test_the_pdfua_identification_is_declared_as_a_pdfa_extension_schema(world: World) -> None:
    _version, document = stored_pdf()

    xmp = document.Root.Metadata.read_bytes().decode("utf-8")

    assert f"<pdfaSchema:namespaceURI>{PDFUA_NAMESPACE}</pdfaSchema:namespaceURI>" in xmp
    assert "<pdfaSchema:prefix>pdfuaid</pdfaSchema:prefix>" in xmp
    assert "<pdfaProperty:name>part</pdfaProperty:name>" in xmp


def test_the_stored_pdf_has_an_output_intent_and_a_file_identifier(world: World) -> None:
    _version, document = stored_pdf()

    (intent,) = document.Root.OutputIntents
    assert intent.S == "/GTS_PDFA1"
    assert "/DestOutputProfile" in intent
    assert len(document.trailer.ID) == 2
    assert not document.is_encrypted


def test_the_document_information_agrees_with_the_xmp_metadata(world: World) -> None:
    snapshot = compile_quarter()
    document = open_pdf(bytes(snapshot_file(snapshot=snapshot, fmt="pdf").content))
    info, metadata = document.docinfo, document.open_metadata()

    assert str(info.Title) == metadata.get("dc:title")
    assert str(info.Title).startswith(snapshot_report(snapshot).title)
    assert str(info.Creator) == metadata.get("xmp:CreatorTool")
    assert str(info.Producer) == metadata.get("pdf:Producer")
    created = datetime.datetime.fromisoformat(str(metadata.get("xmp:CreateDate")))
    assert decode_pdf_date(str(info.CreationDate)) == created


def test_every_font_of_the_stored_pdf_is_embedded(world: World) -> None:
    _version, document = stored_pdf()

    used = fonts(document)

    assert any("DejaVu" in name for name in used)
    assert [name for name, font in used.items() if font_file(font) is None] == []


def test_the_stored_pdf_is_tagged_in_dutch_with_its_title_shown(world: World) -> None:
    _version, document = stored_pdf()

    assert is_true(document.Root.MarkInfo.Marked)
    assert str(document.Root.Lang) == "nl-NL"
    assert is_true(document.Root.ViewerPreferences.DisplayDocTitle)
    found = types(document)
    assert found["/H1"] == 1
    assert found["/TH"] > 0
    assert found["/Figure"] >= 1
    assert all("/Alt" in e.node for e in elements(document) if e.type == "/Figure")
    assert set(painted_content(document)) == {"tagged", "artifact"}


def test_a_table_that_runs_onto_the_next_page_has_its_header_cells_on_each_page(
    world: World,
) -> None:
    _version, document = stored_pdf()
    tagged = elements(document)

    # WeasyPrint tags each page's part of a section as a section of its own: a part that
    # starts with a table, not with its heading, is a table continued from the page
    # before. Each part has the repeated header row as its head, so a reader who starts
    # on that page still hears the column names.
    continued = [e for e in tagged if e.type == "/Sect" and e.node.K[0].get("/S") == "/Table"]
    assert continued
    for table in [e for e in tagged if e.type == "/Table"]:
        (head,) = (kid for kid in table.node.K if kid.get("/S") == "/THead")
        assert [cell.S for row in head.K for cell in row.K] == ["/TH"] * len(head.K[0].K)
    assert all(e.node.A.Headers for e in tagged if e.type == "/TD")
