"""Builders for the spreadsheets the import tests feed to the parser."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

import pytest
from django.utils import translation
from openpyxl import Workbook
from xlsxwriter import Workbook as FastWorkbook

from imports.reading import sources
from imports.reading.parsing import AttendanceRow, ParsedFile, parse_attendance_file

HEADERS = ["Personeelsnummer", "Voornaam", "Achternaam", "E-mailadres", "Datum", "Aanwezig"]
ROW = ["12345", "Jan", "Berg", "jan@example.nl", "03-03-2025", "ja"]


@pytest.fixture(autouse=True)
def _english() -> Iterator[None]:
    """Problem messages are asserted in English, the msgid language."""
    with translation.override("en"):
        yield


@pytest.fixture(params=["calamine", "streaming"])
def xlsx_reader(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """Run an .xlsx test with both readers: calamine for small sheets, expat for big."""
    if request.param == "streaming":
        monkeypatch.setattr(sources, "CALAMINE_MAX_SHEET_BYTES", -1)
    else:
        monkeypatch.setattr(sources, "CALAMINE_MAX_SHEET_BYTES", 1 << 40)
    return str(request.param)


def csv_bytes(
    rows: Iterable[Sequence[Any]], *, delimiter: str = ";", encoding: str = "utf-8"
) -> bytes:
    text = "\r\n".join(delimiter.join(str(cell) for cell in row) for row in rows) + "\r\n"
    return text.encode(encoding)


def xlsx_bytes(
    rows: Iterable[Sequence[Any]], *, title: str = "Presentielijst", extra_sheets: int = 0
) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    for number in range(extra_sheets):
        workbook.create_sheet(f"Leeg {number}", 0)
    sheet.title = title
    for row in rows:
        sheet.append(list(row))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def xlsx_bytes_fast(rows: Iterable[Sequence[Any]]) -> bytes:
    """XlsxWriter in constant-memory mode: inline strings, and fast for big sheets."""
    buffer = io.BytesIO()
    workbook = FastWorkbook(buffer, {"constant_memory": True})
    sheet = workbook.add_worksheet("Lijst")
    for number, row in enumerate(rows):
        sheet.write_row(number, 0, row)
    workbook.close()
    return buffer.getvalue()


def ods_bytes(rows: Iterable[Sequence[str]]) -> bytes:
    """A minimal OpenDocument spreadsheet with text cells; "" leaves a cell empty."""
    table_rows = "".join(
        "<table:table-row>"
        + "".join(
            f'<table:table-cell office:value-type="string"><text:p>{escape(cell)}</text:p>'
            "</table:table-cell>"
            if cell
            else "<table:table-cell/>"
            for cell in row
        )
        + "</table:table-row>"
        for row in rows
    )
    content = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"'
        ' xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0"'
        ' xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2">'
        '<office:body><office:spreadsheet><table:table table:name="Lijst">'
        f"{table_rows}</table:table></office:spreadsheet></office:body>"
        "</office:document-content>"
    )
    manifest = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0"'
        ' manifest:version="1.2">'
        '<manifest:file-entry manifest:full-path="/" manifest:version="1.2"'
        ' manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>'
        '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
        "</manifest:manifest>"
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(
            "mimetype", "application/vnd.oasis.opendocument.spreadsheet", zipfile.ZIP_STORED
        )
        archive.writestr("content.xml", content, zipfile.ZIP_DEFLATED)
        archive.writestr("META-INF/manifest.xml", manifest, zipfile.ZIP_DEFLATED)
    return buffer.getvalue()


def parse(data: bytes, filename: str, **options: Any) -> ParsedFile:
    return parse_attendance_file(io.BytesIO(data), filename=filename, **options)


def parse_rows(data: bytes, filename: str, **options: Any) -> list[AttendanceRow]:
    parsed = parse(data, filename, **options)
    assert [problem.as_dict() for problem in parsed.file_problems] == []
    return list(parsed.rows())


def write(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path
