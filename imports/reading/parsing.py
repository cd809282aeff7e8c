"""Parse a supplier's attendance list into rows for the import, without touching the DB.

parsed = parse_attendance_file(upload, filename=upload.name, profile=supplier_profile)
if parsed.file_problems:
    ...  # refuse the file, show the problems
for row in parsed.rows():
    ...  # store it, or queue it for review when row.problems
if parsed.file_problems:
    ...  # the file broke halfway: roll back what was stored
scale = parsed.score_scale  # known once all rows have been read
"""

from __future__ import annotations

import csv
import datetime
import logging
import re
import zipfile
import zlib
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from types import TracebackType
from typing import IO, TYPE_CHECKING, Any, BinaryIO, Self
from xml.etree.ElementTree import ParseError
from xml.parsers import expat

from django.utils.translation import gettext_lazy as _
from python_calamine import CalamineError

from imports.reading.fields import (
    MIN_FIELD_SCORE,
    ColumnGuess,
    Field,
    assign_columns,
    header_field_scores,
    normalise_header,
    profile_header_lookup,
)
from imports.reading.messages import lazy_format
from imports.reading.safety import (
    DEFAULT_MAX_BYTES,
    FileRejected,
    check_signature,
    open_upload,
)
from imports.reading.skipped import (
    MAX_LISTED,
    SkippedRow,
    SkipReason,
    non_participant_reason,
    row_text,
)
from imports.reading.sources import (
    HEADER_SEARCH_ROWS,
    Table,
    open_calamine,
    open_csv,
    open_xlsx,
)
from imports.reading.values import (
    SCALES,
    Attendance,
    ValueProblem,
    cell_text,
    collapse_whitespace,
    dates_in_text,
    header_score_scale,
    is_blank,
    join_name_prefix,
    normalise_last_name,
    parse_attendance,
    parse_date,
    parse_email,
    parse_employee_number,
    parse_score,
    parse_text,
    score_scale,
    split_full_name,
)
from imports.reading.xlsx import Row

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

logger = logging.getLogger(__name__)

# Excel's "Unicode text" is tab-separated UTF-16 and is saved as .txt.
FORMATS = {
    ".csv": "csv",
    ".tsv": "csv",
    ".txt": "csv",
    ".xlsx": "xlsx",
    ".xls": "xls",
    ".ods": "ods",
}
# How many data rows below the header give sample values for the column guesses.
SAMPLE_ROWS = 3
IDENTITY_FIELDS = (Field.EMPLOYEE_NUMBER, Field.EMAIL, Field.FULL_NAME, Field.LAST_NAME)
# A header row has at least this many recognised headers; one match could be a title
# such as "Training".
MIN_HEADER_MATCHES = 2
# What a damaged or hostile file makes the readers raise. Anything else is a bug, which
# is logged with its traceback but still reported to the user as an unreadable file.
_UNREADABLE_FILE_ERRORS = (
    zipfile.BadZipFile,
    zipfile.LargeZipFile,
    zlib.error,
    EOFError,
    OSError,
    ValueError,  # also UnicodeDecodeError and defusedxml's refusals
    ParseError,
    expat.ExpatError,
    csv.Error,
    KeyError,
    IndexError,
    NotImplementedError,  # zipfile, for a compression method it does not know
    CalamineError,
)


@dataclass(frozen=True, slots=True)
class Problem:
    """Something wrong with the file (row is None) or with one cell or row."""

    row: int | None
    column: str | None
    field: Field | None
    code: str
    message: StrOrPromise

    def as_dict(self) -> dict[str, Any]:
        """JSON-safe, with the message in the language that is active now."""
        return {
            "row": self.row,
            "column": self.column,
            "field": None if self.field is None else self.field.value,
            "code": self.code,
            "message": str(self.message),
        }


@dataclass(slots=True)
class AttendanceRow:
    """One row of the list. A row with problems is still produced, for a review queue.

    session_date and attendance are None only when the row has a problem for them.
    """

    row_number: int
    employee_number: str | None
    first_name: str | None
    last_name: str | None
    full_name: str | None
    email: str | None
    department: str | None
    session_date: datetime.date | None
    session_place: str | None
    session_id: str | None
    programme: str | None
    attendance: Attendance | None
    score: Decimal | None
    problems: list[Problem]
    raw: dict[str, str]


@dataclass(frozen=True, slots=True)
class _Column:
    index: int
    field: Field
    header: str


class ParsedFile:
    """The outcome of reading the header; rows() then streams the data rows.

    file_problems not empty means the file is refused. It can also grow during rows()
    when the file turns out to be damaged halfway; check it again after the loop and
    treat the import as failed if it did.

    score_scale is 5 or 10 once rows() has been read to the end (None before that and for
    a file without scores). It is the caller's when fixed, else the score header's ("Score
    (1-5)"), else guessed from the highest score, which is only known at the end of the
    stream; score_scale_source says which ("fixed", "header" or "guessed").

    guesses are the fields each column may hold, with a score and sample values, for the
    column-mapping step. skipped lists the rows that are no participants (totals, notes,
    repeated headers, empty rows) and skipped_count counts their rows; both grow during
    rows().
    """

    def __init__(self, format: str | None) -> None:
        self.format = format
        self.sheet_name: str | None = None
        self.header_row: int | None = None
        self.mapping: dict[Field, str] = {}
        self.ignored_columns: list[str] = []
        self.file_problems: list[Problem] = []
        self.score_scale: int | None = None
        self.score_scale_source: str | None = None
        self.guesses: list[ColumnGuess] = []
        # The header row's cells by column and the first values below each (also when
        # the headers were not recognised: the column-mapping step offers them), the
        # column each field was given and the fields two columns fitted equally well.
        self.headers: list[str] = []
        self.samples: list[tuple[str, ...]] = []
        self.columns: dict[Field, int] = {}
        self.ties: dict[Field, list[int]] = {}
        self.skipped: list[SkippedRow] = []
        self.skipped_count = 0
        # The date in the title block, for a file without a date column.
        self.title_date: datetime.date | None = None
        self._fixed_scale: int | None = None
        self._header_scale: tuple[int, int] | None = None
        self._columns: list[_Column] = []
        self._raw_columns: list[tuple[int, str]] = []
        self._data_rows: Iterator[Row] = iter(())
        self._table: Table | None = None
        self._closers: list[Callable[[], object]] = []
        self._started = False

    def rows(self) -> Iterator[AttendanceRow]:
        """Stream the participant rows; rows that are none are noted in `skipped`."""
        if self._started:
            raise RuntimeError("ParsedFile.rows() can only be iterated once")
        self._started = True
        if self.file_problems:
            self.close()
            return
        highest_score: Decimal | None = None
        previous = self.header_row or 0
        participants = 0
        try:
            build = _RowBuilder(
                self._columns, self._raw_columns, self._scale_rule(), self.title_date
            )
            for number, cells in self._data_rows:
                if _is_blank_row(cells):
                    continue  # noted as part of a run of empty rows below, if followed
                if number > previous + 1:
                    # Readers leave out empty and formatting-only rows: the gap shows them.
                    self._skip(SkippedRow(previous + 1, number - 1, SkipReason.EMPTY, ""))
                previous = number
                row = build(number, cells)
                if row.problems and (reason := build.non_participant(row, cells)):
                    self._skip(SkippedRow(number, number, reason, row_text(cells)))
                    continue
                if row.score is not None and (highest_score is None or row.score > highest_score):
                    highest_score = row.score
                participants += 1
                yield row
        except Exception as error:  # untrusted input must not crash the caller
            self.file_problems.append(_problem_for(error))
        finally:
            self.close()
        if not participants and not self.file_problems:
            self.file_problems.append(_no_participants())
        self._settle_scale(highest_score)

    def _skip(self, skipped: SkippedRow) -> None:
        self.skipped_count += skipped.count
        if len(self.skipped) < MAX_LISTED:
            self.skipped.append(skipped)

    def _scale_rule(self) -> tuple[int, int] | None:
        """The (lowest, highest) score allowed, when known before the rows are read."""
        if self._fixed_scale is not None:
            return 1, self._fixed_scale
        return self._header_scale

    def _settle_scale(self, highest_score: Decimal | None) -> None:
        if self._fixed_scale is not None:
            self.score_scale, self.score_scale_source = self._fixed_scale, "fixed"
        elif self._header_scale is not None and self._header_scale in _STORABLE_SCALES:
            self.score_scale, self.score_scale_source = self._header_scale[1], "header"
        elif highest_score is not None:
            self.score_scale, self.score_scale_source = score_scale(highest_score), "guessed"

    def close(self) -> None:
        """Release the file and temporary files; rows() does this when it ends."""
        if self._table is not None:
            self._table.close()
            self._table = None
        for close in self._closers:
            close()
        self._closers.clear()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()


def parse_attendance_file(
    source: BinaryIO | Path,
    *,
    filename: str,
    sheet: str | None = None,
    profile: Mapping[str, str] | None = None,
    max_bytes: int = DEFAULT_MAX_BYTES,
    score_scale: int | None = None,
) -> ParsedFile:
    """Check the file, find its header row and columns, and prepare to stream its rows.

    `profile` maps the supplier's header texts to Field values and wins from the built-in
    aliases; mapping a header to "" ignores that column. `score_scale` (5 or 10) fixes
    the scale instead of inferring it, and turns a score above it into a row problem.
    A `source` stream is not closed; a Path is opened and closed here.
    """
    if score_scale not in (None, 5, 10):
        raise ValueError(f"score_scale must be 5 or 10, not {score_scale!r}")
    profile_lookup = profile_header_lookup(profile or {})
    extension = Path(filename).suffix.lower()
    parsed = ParsedFile(FORMATS.get(extension))
    parsed._fixed_scale = score_scale
    try:
        if parsed.format is None:
            raise FileRejected(
                "unsupported_extension",
                lazy_format(
                    _("Files of type “%(extension)s” cannot be imported. Use %(allowed)s."),
                    extension=extension or filename,
                    allowed=list(FORMATS),
                ),
            )
        stream, owned = open_upload(source, max_bytes)
        if owned:
            parsed._closers.append(stream.close)
        _read_header(parsed, stream, extension, sheet, profile_lookup)
    except Exception as error:  # untrusted input must not crash the caller
        parsed.file_problems.append(_problem_for(error))
    if parsed.file_problems:
        parsed.close()
    return parsed


def _read_header(
    parsed: ParsedFile,
    stream: IO[bytes],
    extension: str,
    sheet: str | None,
    profile_lookup: Mapping[str, Field | None],
) -> None:
    def fields_of(text: str) -> set[Field]:
        key = normalise_header(text)
        if key in profile_lookup:
            fixed = profile_lookup[key]
            return set() if fixed is None else {fixed}
        return {f for f, score in header_field_scores(text).items() if score >= MIN_FIELD_SCORE}

    def is_header(text: str) -> bool:
        return bool(fields_of(text))

    check_signature(stream.read(8), extension)
    stream.seek(0)
    if parsed.format == "csv":
        table = open_csv(stream, is_header)
    elif extension == ".xlsx":
        table = open_xlsx(stream, sheet)
    else:
        table = open_calamine(stream, extension, sheet)
    parsed._table = table
    parsed.sheet_name = table.sheet_name

    head: list[Row] = []
    for row in table.rows:
        if not _is_blank_row(row[1]):
            head.append(row)
        if len(head) == HEADER_SEARCH_ROWS:
            break
    if not head:
        raise FileRejected("no_data", _("The file contains no data."))
    # The header row is the one naming the most fields; a title row ("Presentielijst
    # training", merged over the width of the table) names one at most.
    matches = [
        len(set().union(*(fields_of(cell) for cell in cells if isinstance(cell, str))))
        for _, cells in head
    ]
    best = max(range(len(head)), key=lambda position: (matches[position], -position))
    if matches[best] < MIN_HEADER_MATCHES:
        # Headers nobody recognises: the row filling the most cells is the likeliest
        # header (a title fills one), offered as such in the column-mapping step.
        best = max(range(len(head)), key=lambda position: (_filled(head[position][1]), -position))
    header_number, header_cells = head[best]
    headers = [collapse_whitespace(cell_text(cell)) for cell in header_cells]
    parsed.headers = headers
    parsed.samples = [_samples(head[best + 1 :], index) for index in range(len(headers))]
    if matches[best] >= MIN_HEADER_MATCHES:
        parsed.header_row = header_number
        _map_columns(parsed, headers, profile_lookup, head[best + 1 :])
    elif sum(1 for _, cells in head if len([c for c in cells if not is_blank(c)]) > 1) < 2:
        raise FileRejected(
            "not_a_table",
            _(
                "This file is not a table of rows and columns (a message or a letter?). "
                "Upload the attendance list itself."
            ),
        )
    if Field.SESSION_DATE not in parsed.mapping:
        parsed.title_date = _title_date(head[:best])
    _check_required(parsed, headers)
    remaining = head[best + 1 :]
    parsed._data_rows = _chain_rows(remaining, table.rows)


def _title_date(title_rows: Sequence[Row]) -> datetime.date | None:
    """The one date in the title block above the header ("Presentielijst 19 maart
    2025"): the session date of every row of a file without a date column."""
    dates = {date for _, cells in title_rows for cell in cells for date in dates_in_text(cell)}
    return dates.pop() if len(dates) == 1 else None


def _chain_rows(first: list[Row], rest: Iterator[Row]) -> Iterator[Row]:
    yield from first
    yield from rest


def _map_columns(
    parsed: ParsedFile,
    headers: Sequence[str],
    profile_lookup: Mapping[str, Field | None],
    following: Sequence[Row],
) -> None:
    """Give each field its best-fitting column (a profile header first); keep the guesses."""
    assignment = assign_columns(headers, profile_lookup)
    parsed.guesses = [
        ColumnGuess(
            guess.column, guess.header, guess.field, guess.score, _samples(following, guess.column)
        )
        for guess in assignment.guesses
    ]
    parsed.ties = {field: list(indexes) for field, indexes in assignment.ties.items()}
    if assignment.ties:
        raise FileRejected(
            "duplicate_column",
            lazy_format(
                _(
                    "These columns seem to contain the same information: %(columns)s. "
                    "Remove one of them or ask for an import profile."
                ),
                columns=[
                    " / ".join(f"“{headers[index]}”" for index in indexes)
                    for indexes in assignment.ties.values()
                ],
            ),
        )
    by_column = {index: field for field, index in assignment.columns.items()}
    for index, header in enumerate(headers):
        if not header:
            continue
        if index in by_column:
            parsed._columns.append(_Column(index, by_column[index], header))
            parsed.mapping[by_column[index]] = header
            parsed.columns[by_column[index]] = index
        else:
            parsed.ignored_columns.append(header)
    if (score_header := parsed.mapping.get(Field.SCORE)) is not None:
        parsed._header_scale = header_score_scale(score_header)
    seen: set[str] = set()
    for index, header in enumerate(headers):
        if not header:
            continue
        # Two columns with the same header would overwrite each other in `raw`.
        key = header
        copy = 1
        while key in seen:
            copy += 1
            key = f"{header} ({copy})"
        seen.add(key)
        parsed._raw_columns.append((index, key))


def _samples(rows: Sequence[Row], index: int) -> tuple[str, ...]:
    """The first few filled values of a column, for the column-mapping step."""
    values: list[str] = []
    for _number, cells in rows:
        if index < len(cells) and not is_blank(cells[index]):
            values.append(collapse_whitespace(cell_text(cells[index]))[:60])
            if len(values) == SAMPLE_ROWS:
                break
    return tuple(values)


# How a missing field is named in "No column for ... was found", with its article.
_MISSING_PHRASES: Mapping[str, StrOrPromise] = {
    "date": _("the session date"),
    "attendance": _("the attendance"),
    "identity": _("the employee number, email address or name"),
}


def _check_required(parsed: ParsedFile, headers: Sequence[str]) -> None:
    missing: list[StrOrPromise] = []
    if Field.SESSION_DATE not in parsed.mapping and parsed.title_date is None:
        missing.append(_MISSING_PHRASES["date"])
    if Field.ATTENDANCE not in parsed.mapping:
        missing.append(_MISSING_PHRASES["attendance"])
    if not any(identity in parsed.mapping for identity in IDENTITY_FIELDS):
        missing.append(_MISSING_PHRASES["identity"])
    if not missing:
        return
    what = (
        missing[0]
        if len(missing) == 1
        else lazy_format(_("%(first)s and %(last)s"), first=missing[:-1], last=missing[-1])
    )
    raise FileRejected(
        "missing_columns",
        lazy_format(
            _("No column for %(missing)s was found; the columns in the file are: %(found)s."),
            missing=what,
            found=[f"“{header}”" for header in headers if header] or "-",
        ),
    )


def _no_participants() -> Problem:
    return Problem(
        None,
        None,
        None,
        "no_participants",
        _("The file has no participants: every row below the header is empty or was skipped."),
    )


def _filled(cells: Sequence[object]) -> int:
    return sum(1 for cell in cells if not is_blank(cell))


def _is_blank_row(cells: Sequence[object]) -> bool:
    return all(is_blank(cell) for cell in cells)


def _problem_for(error: Exception) -> Problem:
    if isinstance(error, FileRejected):
        return Problem(None, None, None, error.code, error.message)
    if not isinstance(error, _UNREADABLE_FILE_ERRORS):
        logger.exception("Unexpected error while reading an attendance file")
    return Problem(
        None,
        None,
        None,
        "unreadable_file",
        _("The file is damaged or is not a spreadsheet, and cannot be read."),
    )


_STORABLE_SCALES = frozenset((1, scale) for scale in SCALES)
_NUMBER_LIKE = re.compile(r"\S*\d\S*")


# Slots of the per-row value list: a list indexed by int is much cheaper than a dict
# keyed by Field, whose enum hash is a Python-level call.
_SLOT = {field: slot for slot, field in enumerate(Field)}
(
    _EMPLOYEE_NUMBER,
    _FIRST_NAME,
    _LAST_NAME,
    _NAME_PREFIX,
    _FULL_NAME,
    _EMAIL,
    _DEPARTMENT,
    _SESSION_DATE,
    _SESSION_PLACE,
    _SESSION_ID,
    _PROGRAMME,
    _ATTENDANCE,
    _SCORE,
) = (_SLOT[field] for field in Field)


def _optional_score(value: object) -> Decimal | None:
    return None if is_blank(value) else parse_score(value)


_PARSERS: dict[Field, Callable[[object], Any]] = {
    Field.EMPLOYEE_NUMBER: parse_employee_number,
    Field.FIRST_NAME: parse_text,
    Field.LAST_NAME: parse_text,
    Field.NAME_PREFIX: parse_text,
    Field.FULL_NAME: parse_text,
    Field.EMAIL: parse_email,
    Field.DEPARTMENT: parse_text,
    Field.SESSION_DATE: parse_date,
    Field.SESSION_PLACE: parse_text,
    Field.SESSION_ID: parse_text,
    Field.PROGRAMME: parse_text,
    Field.ATTENDANCE: parse_attendance,
    Field.SCORE: _optional_score,
}


class _RowBuilder:
    """Turns the cells of one data row into an AttendanceRow."""

    def __init__(
        self,
        columns: Sequence[_Column],
        raw_columns: Sequence[tuple[int, str]],
        scale: tuple[int, int] | None,
        title_date: datetime.date | None = None,
    ) -> None:
        self._title_date = title_date
        self._plan = [
            (column.index, _SLOT[column.field], _PARSERS[column.field], column)
            for column in columns
        ]
        self._raw_columns = raw_columns
        self._scale = scale
        self._score_header = next(
            (column.header for column in columns if column.field is Field.SCORE), None
        )
        self._header_keys = [(column.index, normalise_header(column.header)) for column in columns]
        self._identity_columns = [
            column.index
            for column in columns
            if column.field in (*IDENTITY_FIELDS, Field.FIRST_NAME, Field.NAME_PREFIX)
        ]

    def is_repeated_header(self, cells: Sequence[object]) -> bool:
        """Two or more cells (or the only one) repeat their column's header."""
        repeated = sum(
            1
            for index, key in self._header_keys
            if index < len(cells)
            and isinstance(cells[index], str)
            and normalise_header(cells[index]) == key
        )
        return repeated >= min(2, len(self._header_keys))

    def non_participant(self, row: AttendanceRow, cells: Sequence[object]) -> SkipReason | None:
        """Why a row with problems is a total, note or repeated header, if it is one."""
        if self.is_repeated_header(cells):
            return SkipReason.REPEATED_HEADER
        return non_participant_reason(
            cells,
            identity_columns=self._identity_columns,
            # "Totaal" or "Aantal: 20" in the first column is read as an employee
            # number; a real one is a single word with a digit in it.
            has_contact=bool(
                row.email or (row.employee_number and _NUMBER_LIKE.fullmatch(row.employee_number))
            ),
        )

    def __call__(self, number: int, cells: Sequence[object]) -> AttendanceRow:
        width = len(cells)
        values: list[Any] = [None] * len(_SLOT)
        problems: list[Problem] = []
        for index, slot, parser, column in self._plan:
            try:
                values[slot] = parser(cells[index] if index < width else None)
            except ValueProblem as problem:
                problems.append(
                    Problem(number, column.header, column.field, problem.code, problem.message)
                )
        score = values[_SCORE]
        if (
            score is not None
            and self._scale is not None
            and (off_scale := self._off_scale(score, self._scale))
        ):
            problems.append(Problem(number, self._score_header, Field.SCORE, *off_scale))
            score = None
        first_name, last_name, full_name = _names(
            values[_FIRST_NAME], values[_LAST_NAME], values[_NAME_PREFIX], values[_FULL_NAME]
        )
        employee_number, email = values[_EMPLOYEE_NUMBER], values[_EMAIL]
        written = [values[slot] for slot in (_FULL_NAME, _FIRST_NAME, _LAST_NAME)]
        if any(text and ":" in text for text in written):
            # "Voor akkoord: M. Jansen" or "Trainer: ..." in the name column: a label.
            problems.append(
                Problem(
                    number,
                    None,
                    Field.FULL_NAME,
                    "invalid_name",
                    lazy_format(
                        _("“%(value)s” is not a name."),
                        value=next(text for text in written if text and ":" in text),
                    ),
                )
            )
        if not (employee_number or email or full_name) and not any(
            problem.field in IDENTITY_FIELDS for problem in problems
        ):
            problems.append(
                Problem(
                    number,
                    None,
                    None,
                    "missing_identity",
                    _("This row has no employee number, email address or name."),
                )
            )
        return AttendanceRow(
            row_number=number,
            employee_number=employee_number,
            first_name=first_name,
            last_name=last_name,
            full_name=full_name,
            email=email,
            department=values[_DEPARTMENT],
            session_date=values[_SESSION_DATE] or self._title_date,
            session_place=values[_SESSION_PLACE],
            session_id=values[_SESSION_ID],
            programme=values[_PROGRAMME],
            attendance=values[_ATTENDANCE],
            score=score,
            problems=problems,
            raw={key: cell_text(cells[index]) for index, key in self._raw_columns if index < width},
        )

    def _off_scale(self, score: Decimal, scale: tuple[int, int]) -> tuple[str, StrOrPromise] | None:
        """The problem of a score that the column's scale does not allow, if any."""
        lowest, highest = scale
        if (lowest, highest) not in _STORABLE_SCALES:
            return "unsupported_scale", lazy_format(
                _(
                    "The scores in this column are on a scale of %(lowest)s to %(highest)s; "
                    "only scores from 1 to 5 or from 1 to 10 can be stored."
                ),
                lowest=lowest,
                highest=highest,
            )
        if score > highest:
            return "score_out_of_range", lazy_format(
                _("The score %(value)s is higher than %(highest)s."), value=score, highest=highest
            )
        return None


def _names(
    first_name: str | None,
    last_name: str | None,
    prefix: str | None,
    full_name: str | None,
) -> tuple[str | None, str | None, str | None]:
    """First name, last name (with its prefix) and display name of a row."""
    last_name = join_name_prefix(prefix, normalise_last_name(last_name) if last_name else None)
    if full_name and (split := split_full_name(full_name)):
        first_name = first_name or split[0]
        last_name = last_name or split[1]
        full_name = f"{split[0]} {split[1]}"
    elif not full_name:
        full_name = " ".join(part for part in (first_name, last_name) if part) or None
    return first_name, last_name, full_name
