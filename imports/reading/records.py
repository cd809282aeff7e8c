"""Attendance records sent to the REST API, read with the same value rules as a file.

A record is a JSON object with the API's field names (RECORD_FIELDS). Each record is
turned into an AttendanceRow by the file reader's own row builder (parsing._RowBuilder),
as if it were a row whose columns are the fields the record gives: the same parsers, the
same problems and messages, the same score scale rule. A record is never skipped as a
note or a total: whatever a client sends is a participant or a problem.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from decimal import Decimal
from types import MappingProxyType

from imports.reading.fields import Field
from imports.reading.parsing import (
    AttendanceRow,
    ParsedFile,
    _Column,
    _no_participants,
    _RowBuilder,
)

# The API's names of the fields (POST /api/v1/attendance), in the reader's column order.
RECORD_FIELDS: Mapping[str, Field] = MappingProxyType(
    {
        "employee_number": Field.EMPLOYEE_NUMBER,
        "first_name": Field.FIRST_NAME,
        "last_name": Field.LAST_NAME,
        "name_prefix": Field.NAME_PREFIX,
        "full_name": Field.FULL_NAME,
        "email": Field.EMAIL,
        "ministry": Field.DEPARTMENT,
        "session_date": Field.SESSION_DATE,
        "session_place": Field.SESSION_PLACE,
        "session": Field.SESSION_ID,
        "programme": Field.PROGRAMME,
        "status": Field.ATTENDANCE,
        "score": Field.SCORE,
    }
)
_NAMES = tuple(RECORD_FIELDS)


class ParsedRecords(ParsedFile):
    """ParsedFile's interface (rows(), problems, score scale) over a list of records.

    Rows are numbered from 1 in the order of the list: record i is row i + 1.
    """

    def __init__(
        self, records: Sequence[Mapping[str, object]], *, score_scale: int | None = None
    ) -> None:
        super().__init__("json")
        if score_scale not in (None, 5, 10):
            raise ValueError(f"score_scale must be 5 or 10, not {score_scale!r}")
        self._fixed_scale = score_scale
        self._records = records
        given = {name for record in records for name, value in record.items() if value is not None}
        self.headers = [name for name in _NAMES if name in given]
        self.columns = {RECORD_FIELDS[name]: _NAMES.index(name) for name in self.headers}
        self.mapping = {RECORD_FIELDS[name]: name for name in self.headers}
        self._builders: dict[frozenset[str], _RowBuilder] = {}

    def _builder(self, record: Mapping[str, object]) -> _RowBuilder:
        """A builder for the fields this record gives: a field a record leaves out is a
        column its "file" does not have (a record with only a session ref needs no date)."""
        given = frozenset(name for name in _NAMES if record.get(name) is not None)
        builder = self._builders.get(given)
        if builder is None:
            columns = [
                _Column(index, RECORD_FIELDS[name], name)
                for index, name in enumerate(_NAMES)
                if name in given
            ]
            raw = [(column.index, column.header) for column in columns]
            builder = _RowBuilder(columns, raw, self._scale_rule())
            self._builders[given] = builder
        return builder

    def rows(self) -> Iterator[AttendanceRow]:
        if self._started:
            raise RuntimeError("ParsedRecords.rows() can only be iterated once")
        self._started = True
        highest: Decimal | None = None
        for number, record in enumerate(self._records, start=1):
            cells = [record.get(name) for name in _NAMES]
            row = self._builder(record)(number, cells)
            if row.score is not None and (highest is None or row.score > highest):
                highest = row.score
            yield row
        if not self._records:
            self.file_problems.append(_no_participants())
        self._settle_scale(highest)
