from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest

from imports.reading import safety
from imports.reading.parsing import parse_attendance_file
from tests.imports.reading.conftest import (
    HEADERS,
    ROW,
    csv_bytes,
    ods_bytes,
    parse,
    write,
    xlsx_bytes,
)

VALID_XLSX = xlsx_bytes([HEADERS, ROW])


def file_codes(data: bytes, filename: str, **options: object) -> list[str]:
    return [problem.code for problem in parse(data, filename, **options).file_problems]


def rezip(original: bytes, extra: dict[str, bytes]) -> bytes:
    """Copy an archive and add or replace parts."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(original)) as source, zipfile.ZipFile(buffer, "w") as target:
        for entry in source.infolist():
            if entry.filename not in extra:
                target.writestr(entry, source.read(entry.filename))
        for name, data in extra.items():
            target.writestr(name, data, zipfile.ZIP_DEFLATED)
    return buffer.getvalue()


def test_an_oversized_file_is_refused_before_parsing() -> None:
    data = csv_bytes([HEADERS, ROW])
    assert file_codes(data, "lijst.csv", max_bytes=len(data) - 1) == ["file_too_large"]


def test_an_oversized_path_is_refused_before_it_is_opened(tmp_path: Path) -> None:
    path = write(tmp_path, "lijst.csv", csv_bytes([HEADERS, ROW]))
    parsed = parse_attendance_file(path, filename=path.name, max_bytes=10)
    assert [problem.code for problem in parsed.file_problems] == ["file_too_large"]


def test_an_oversized_unseekable_stream_is_not_read_beyond_the_limit() -> None:
    class Unseekable(io.RawIOBase):
        def __init__(self) -> None:
            self.read_bytes = 0

        def readable(self) -> bool:
            return True

        def readinto(self, buffer: memoryview) -> int:  # type: ignore[override]
            size = min(len(buffer), 4096)
            buffer[:size] = b"a" * size
            self.read_bytes += size
            return size

    stream = Unseekable()
    parsed = parse_attendance_file(stream, filename="lijst.csv", max_bytes=100_000)  # type: ignore[arg-type]
    assert [problem.code for problem in parsed.file_problems] == ["file_too_large"]
    assert stream.read_bytes < 110_000


def test_an_unseekable_stream_within_the_limit_is_read() -> None:
    class Unseekable(io.BytesIO):
        def seekable(self) -> bool:
            return False

    parsed = parse_attendance_file(
        Unseekable(csv_bytes([HEADERS, ROW])),
        filename="lijst.csv",
    )
    assert parsed.file_problems == []
    assert len(list(parsed.rows())) == 1


@pytest.mark.parametrize(
    ("data", "filename"),
    [
        (VALID_XLSX, "lijst.csv"),
        (csv_bytes([HEADERS, ROW]), "lijst.xlsx"),
        (VALID_XLSX, "lijst.xls"),
        (VALID_XLSX, "lijst.ods"),
        (ods_bytes([HEADERS, ROW]), "lijst.xlsx"),
        (safety.OLE2_SIGNATURE + b"\x00" * 100, "lijst.csv"),
        (b"<html><table></table></html>", "lijst.xls"),
        (VALID_XLSX, "lijst.txt"),
        (VALID_XLSX, "lijst.tsv"),
        (safety.OLE2_SIGNATURE + b"\x00" * 100, "lijst.txt"),
    ],
)
def test_extension_and_content_must_agree(data: bytes, filename: str) -> None:
    assert file_codes(data, filename) == ["content_mismatch"]


def test_an_ole2_file_named_xlsx_is_reported_as_encrypted_or_legacy() -> None:
    data = safety.OLE2_SIGNATURE + b"\x00" * 100
    assert file_codes(data, "lijst.xlsx") == ["encrypted_or_legacy"]


def test_a_damaged_xls_is_unreadable_not_a_crash() -> None:
    assert file_codes(safety.OLE2_SIGNATURE + b"\x00" * 600, "lijst.xls") == ["unreadable_file"]


@pytest.mark.parametrize("filename", ["lijst.pdf", "lijst", "lijst.xlsm"])
def test_other_file_types_are_refused(filename: str) -> None:
    assert file_codes(b"whatever", filename) == ["unsupported_extension"]


def test_an_empty_file_has_no_data() -> None:
    assert file_codes(b"", "lijst.csv") == ["no_data"]


def test_nul_bytes_in_a_csv_are_refused() -> None:
    data = csv_bytes([HEADERS, ROW]) + b"\x00\x01binary"
    assert file_codes(data, "lijst.csv") == ["binary_content"]


def test_an_xlsx_with_too_many_entries_is_refused() -> None:
    extra = {f"xl/media/image{number}.png": b"x" for number in range(safety.MAX_ZIP_ENTRIES)}
    assert file_codes(rezip(VALID_XLSX, extra), "lijst.xlsx") == ["zip_too_many_entries"]


def test_an_xlsx_that_unpacks_to_too_much_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(safety, "MAX_UNCOMPRESSED_BYTES", 200_000)
    data = rezip(VALID_XLSX, {"docProps/custom.xml": b"<a>" + b" " * 300_000 + b"</a>"})
    assert file_codes(data, "lijst.xlsx") == ["zip_too_large"]


def test_a_zip_bomb_is_refused_on_its_compression_ratio() -> None:
    data = rezip(VALID_XLSX, {"xl/media/bomb.bin": b"\x00" * (2 * 1024 * 1024)})
    assert file_codes(data, "lijst.xlsx") == ["zip_compression_ratio"]


def test_an_ods_zip_bomb_is_refused_too() -> None:
    data = rezip(ods_bytes([HEADERS, ROW]), {"bomb.bin": b"\x00" * (2 * 1024 * 1024)})
    assert file_codes(data, "lijst.ods") == ["zip_compression_ratio"]


BILLION_LAUGHS = (
    b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
    b'<!ENTITY lol2 "&lol;&lol;&lol;&lol;">]><sst>&lol2;</sst>'
)


@pytest.mark.parametrize(
    "part",
    ["[Content_Types].xml", "xl/workbook.xml", "xl/worksheets/sheet1.xml", "docProps/app.xml"],
)
def test_an_xml_part_with_a_doctype_is_refused(part: str) -> None:
    assert file_codes(rezip(VALID_XLSX, {part: BILLION_LAUGHS}), "lijst.xlsx") == ["xml_doctype"]


def test_a_doctype_hidden_behind_a_long_comment_is_refused() -> None:
    part = b'<?xml version="1.0"?><!--' + b"x" * 100_000 + b"-->" + BILLION_LAUGHS[21:]
    data = rezip(VALID_XLSX, {"xl/worksheets/sheet1.xml": part})
    assert file_codes(data, "lijst.xlsx") == ["xml_doctype"]


def test_a_doctype_in_an_ods_part_is_refused() -> None:
    data = rezip(ods_bytes([HEADERS, ROW]), {"content.xml": BILLION_LAUGHS})
    assert file_codes(data, "lijst.ods") == ["xml_doctype"]


def test_an_ods_without_its_mimetype_is_a_mismatch() -> None:
    data = rezip(ods_bytes([HEADERS, ROW]), {"mimetype": b"application/zip"})
    assert file_codes(data, "lijst.ods") == ["content_mismatch"]


def test_a_macro_workbook_named_xlsx_is_a_mismatch() -> None:
    with zipfile.ZipFile(io.BytesIO(VALID_XLSX)) as archive:
        content_types = archive.read("[Content_Types].xml")
    macro_types = content_types.replace(b"sheet.main+xml", b"sheet.macroEnabled.main+xml").replace(
        b"officedocument.spreadsheetml.sheet.macroEnabled", b"ms-excel.sheet.macroEnabled"
    )
    data = rezip(VALID_XLSX, {"[Content_Types].xml": macro_types})
    assert file_codes(data, "lijst.xlsx") == ["content_mismatch"]


def test_a_truncated_xlsx_is_unreadable_not_a_crash() -> None:
    assert file_codes(VALID_XLSX[: len(VALID_XLSX) // 2], "lijst.xlsx") == ["unreadable_file"]


def test_a_caller_stream_is_left_open() -> None:
    stream = io.BytesIO(csv_bytes([HEADERS, ROW]))
    parsed = parse_attendance_file(stream, filename="lijst.csv")
    list(parsed.rows())
    assert not stream.closed
