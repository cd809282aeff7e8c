"""Turn an uploaded file into (row number, cells) pairs, one row at a time.

Row numbers are the ones the user sees in their spreadsheet program, starting at 1 and
counting title and blank rows, so that a problem can point at the right row.
"""

from __future__ import annotations

import codecs
import csv
import io
import zipfile
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from itertools import chain, islice
from typing import IO

from django.utils.translation import gettext_lazy as _
from python_calamine import CalamineError, CalamineWorkbook, SheetTypeEnum, SheetVisibleEnum

from imports.reading.messages import lazy_format
from imports.reading.safety import FileRejected, check_archive
from imports.reading.xlsx import MAX_COLUMNS, Row, XlsxSheet, XlsxWorkbook

# calamine is six times faster than the streaming reader but holds the whole sheet in
# memory (about 9 bytes per unpacked byte). Up to this size, some 100,000 rows, speed
# wins; beyond it, memory does.
CALAMINE_MAX_SHEET_BYTES = 48 * 1024 * 1024
# The header is looked for among the first rows only; more title rows than this is not
# an attendance list.
HEADER_SEARCH_ROWS = 30
_CSV_DELIMITERS = (";", ",", "\t", "|")  # in order of preference: Dutch Excel writes ";"
_CSV_SNIFF_BYTES = 64 * 1024
_VALIDATE_CHUNK = 256 * 1024


@dataclass(slots=True)
class Table:
    """The rows of one sheet (or a CSV file) and what must be closed afterwards."""

    rows: Iterator[Row]
    sheet_name: str | None = None
    closers: list[Callable[[], object]] = field(default_factory=list)

    def close(self) -> None:
        for close in reversed(self.closers):
            close()
        self.closers.clear()


def _no_data() -> FileRejected:
    return FileRejected("no_data", _("The file contains no data."))


# --- CSV ---------------------------------------------------------------------------


def open_csv(stream: IO[bytes], is_header: Callable[[str], bool]) -> Table:
    """Read a CSV file in UTF-8 (with or without BOM), UTF-16 with BOM or Windows-1252.

    The encoding is settled by decoding the whole file once before any row is produced
    (C speed: milliseconds per megabyte). Deciding on the first chunk alone would either
    fail late, after rows were handed out, or silently turn "é" into "Ã©" from row
    90,000 on.
    """
    encoding = _detect_encoding(stream)
    stream.seek(0)
    head = codecs.getincrementaldecoder(encoding)("replace").decode(stream.read(_CSV_SNIFF_BYTES))
    delimiter, skip_first = _detect_delimiter(head, is_header)
    stream.seek(0)
    return Table(rows=_csv_rows(stream, encoding, delimiter, skip_first))


def _detect_encoding(stream: IO[bytes]) -> str:
    stream.seek(0)
    start = stream.read(4)
    if start.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        # Excel's "Unicode text" export; the only case in which NUL bytes are text.
        candidates: tuple[str, ...] = ("utf-16",)
    elif start.startswith(codecs.BOM_UTF8):
        candidates = ("utf-8-sig",)
    else:
        candidates = ("utf-8", "cp1252")
    for encoding in candidates:
        if _decodes_cleanly(stream, encoding, refuse_nul=encoding != "utf-16"):
            return encoding
    raise FileRejected(
        "unknown_encoding",
        _("The text in the file has an unknown encoding. Save it as CSV UTF-8."),
    )


def _decodes_cleanly(stream: IO[bytes], encoding: str, *, refuse_nul: bool) -> bool:
    stream.seek(0)
    decoder = codecs.getincrementaldecoder(encoding)("strict")
    try:
        while chunk := stream.read(_VALIDATE_CHUNK):
            if refuse_nul and b"\x00" in chunk:
                raise FileRejected(
                    "binary_content",
                    _("The file contains binary data and is not a CSV file."),
                )
            decoder.decode(chunk)
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return False
    return True


def _detect_delimiter(head: str, is_header: Callable[[str], bool]) -> tuple[str, bool]:
    """Pick the delimiter that makes the most header cells, then the steadiest columns.

    Returns the delimiter and whether the first line is Excel's "sep=;" hint, which
    Excel hides and which therefore does not count as a row.
    """
    lines = head.splitlines()
    if lines and lines[0].lower().startswith("sep=") and len(lines[0]) == 5:
        return lines[0][4], True
    if len(head) >= _CSV_SNIFF_BYTES - 4:
        lines = lines[:-1]  # probably cut off halfway
    sample = lines[:HEADER_SEARCH_ROWS]

    def score(delimiter: str) -> tuple[int, int]:
        records = list(csv.reader(sample, delimiter=delimiter))
        header_cells = max(
            (sum(1 for cell in record if is_header(cell)) for record in records), default=0
        )
        widths = Counter(len(record) for record in records if len(record) > 1)
        steady_rows = widths.most_common(1)[0][1] if widths else 0
        return header_cells, steady_rows

    return max(_CSV_DELIMITERS, key=score), False


def _csv_rows(stream: IO[bytes], encoding: str, delimiter: str, skip_first: bool) -> Iterator[Row]:
    # newline="" lets the csv module handle line breaks inside quoted cells.
    text = io.TextIOWrapper(stream, encoding=encoding, newline="")
    try:
        records = csv.reader(text, delimiter=delimiter)
        if skip_first:
            next(records, None)
        # A record, not a physical line, is a row in a spreadsheet program.
        yield from enumerate(records, start=1)
    finally:
        # Detach, or closing the wrapper would close a stream the caller owns. A job
        # stopped midway has closed that stream already when this generator is cleaned up.
        if not stream.closed:
            text.detach()


# --- workbooks ---------------------------------------------------------------------


def open_xlsx(stream: IO[bytes], sheet: str | None) -> Table:
    archive = zipfile.ZipFile(stream)
    table = Table(rows=iter(()), closers=[archive.close])
    try:
        check_archive(archive, ".xlsx")
        workbook = XlsxWorkbook(archive)
        table.closers.append(workbook.close)
        calamine: list[CalamineWorkbook] = []

        def rows_of(candidate: XlsxSheet) -> Iterator[Row]:
            if candidate.unpacked_size > CALAMINE_MAX_SHEET_BYTES:
                return workbook.rows(candidate)
            if not calamine:
                stream.seek(0)
                calamine.append(CalamineWorkbook.from_filelike(stream))
                table.closers.append(calamine[0].close)
            return _calamine_rows(calamine[0], candidate.name)

        if sheet is not None:
            chosen = _choose_sheet([candidate.name for candidate in workbook.sheets], sheet)
            candidates = [candidate for candidate in workbook.sheets if candidate.name == chosen]
        else:
            candidates = [candidate for candidate in workbook.sheets if candidate.visible]
        table.sheet_name, table.rows = _first_with_data(
            (candidate.name, rows_of(candidate)) for candidate in candidates
        )
    except BaseException:
        table.close()
        raise
    return table


def open_calamine(stream: IO[bytes], extension: str, sheet: str | None) -> Table:
    """Read .xls and .ods with calamine; .xls cannot exceed 65,536 rows anyway."""
    if extension == ".ods":
        with zipfile.ZipFile(stream) as archive:
            check_archive(archive, extension)
        stream.seek(0)
    workbook = CalamineWorkbook.from_filelike(stream)
    table = Table(rows=iter(()), closers=[workbook.close])
    try:
        if sheet is not None:
            names = [_choose_sheet(workbook.sheet_names, sheet)]
        else:
            names = [
                metadata.name
                for metadata in workbook.sheets_metadata
                if metadata.visible == SheetVisibleEnum.Visible
                and metadata.typ == SheetTypeEnum.WorkSheet
            ]
        table.sheet_name, table.rows = _first_with_data(
            (name, _calamine_rows(workbook, name)) for name in names
        )
    except BaseException:
        table.close()
        raise
    return table


def _calamine_rows(workbook: CalamineWorkbook, name: str) -> Iterator[Row]:
    # iter_rows starts at the sheet's first row even when the data starts lower down, so
    # the position is the row number (checked in the tests with data starting at C3).
    sheet = workbook.get_sheet_by_name(name)
    try:
        ranges = sheet.merged_cell_ranges
    except CalamineError:  # a format whose merged areas calamine cannot read
        ranges = None
    merged = _MergedDown(ranges, sheet.start)
    for index, row in enumerate(sheet.iter_rows()):
        cells: Sequence[object] = merged.fill(index, row) if merged else row
        if any(cell != "" for cell in cells):
            yield index + 1, cells


# A sheet with more merged areas than this is no hand-made attendance list; its merges
# are left alone rather than examined for every row.
MAX_MERGED_AREAS = 10_000


class _MergedDown:
    """Gives every row of a merged area the value of its top cell.

    Office assistants merge a session's date or place over all its participants' rows;
    the spreadsheet shows the value on each of them, but the file holds it only in the
    top row. Only areas over more than one row are filled: a title merged across the
    width of the table stays in its one cell. (The streaming reader for very large
    sheets cannot do this: a sheet lists its merged areas after its rows.)
    """

    def __init__(
        self,
        ranges: list[tuple[tuple[int, int], tuple[int, int]]] | None,
        start: tuple[int, int] | None,
    ) -> None:
        column_offset = start[1] if start else 0
        self._areas = [
            (top, bottom, left - column_offset, right - column_offset)
            for (top, left), (bottom, right) in (ranges or [])[: MAX_MERGED_AREAS + 1]
            if bottom > top and right - left < MAX_COLUMNS
        ]
        if len(self._areas) > MAX_MERGED_AREAS:
            self._areas = []
        self._values: dict[tuple[int, int], object] = {}

    def __bool__(self) -> bool:
        return bool(self._areas)

    def fill(self, index: int, cells: Sequence[object]) -> Sequence[object]:
        filled: list[object] | None = None
        for top, bottom, left, right in self._areas:
            if not top <= index <= bottom:
                continue
            if index == top:
                self._values[top, left] = cells[left] if 0 <= left < len(cells) else ""
                continue
            value = self._values.get((top, left), "")
            for column in range(max(left, 0), min(right + 1, len(cells))):
                if cells[column] == "" and value != "":
                    filled = filled if filled is not None else list(cells)
                    filled[column] = value
        return cells if filled is None else filled


def _choose_sheet(names: Sequence[str], wanted: str) -> str:
    """The sheet called `wanted`, ignoring case and surrounding spaces if need be."""
    if wanted in names:
        return wanted
    for name in names:
        if name.strip().casefold() == wanted.strip().casefold():
            return name
    raise FileRejected(
        "sheet_not_found",
        lazy_format(
            _("The file has no sheet called “%(sheet)s”. Its sheets are: %(sheets)s."),
            sheet=wanted,
            sheets=[f"“{name}”" for name in names],
        ),
    )


def _first_with_data(sheets: Iterator[tuple[str, Iterator[Row]]]) -> tuple[str, Iterator[Row]]:
    for name, rows in sheets:
        first = next(rows, None)
        if first is not None:
            return name, chain((first,), rows)
    raise _no_data()


def peek_rows(rows: Iterator[Row], count: int) -> tuple[list[Row], Iterator[Row]]:
    """The first `count` rows, and an iterator that still yields all of them."""
    head = list(islice(rows, count))
    return head, chain(head, rows)
