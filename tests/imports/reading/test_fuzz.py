"""Garbage in, problems out: nothing a user uploads may raise."""

from __future__ import annotations

import datetime
import io
import zipfile

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from imports.reading.parsing import parse_attendance_file
from imports.reading.values import (
    ValueProblem,
    parse_attendance,
    parse_date,
    parse_email,
    parse_employee_number,
    parse_score,
    parse_text,
)
from tests.imports.reading.conftest import HEADERS, ROW, csv_bytes, xlsx_bytes

FUZZ = settings(
    max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
VALID_XLSX = xlsx_bytes([HEADERS, ROW, ROW])

cells = st.one_of(
    st.none(),
    st.text(max_size=40),
    st.sampled_from(["3-3-2025", "31-02-2025", "7,5", "ja", "x", "mailto:a@b.nl", "12345.0"]),
    st.integers(min_value=-(10**30), max_value=10**30),
    st.floats(allow_nan=True, allow_infinity=True),
    st.booleans(),
    st.dates(),
    st.datetimes(),
    st.times(),
)


def consume(data: bytes, filename: str) -> None:
    parsed = parse_attendance_file(io.BytesIO(data), filename=filename)
    for row in parsed.rows():
        for problem in row.problems:
            problem.as_dict()
    for problem in parsed.file_problems:
        problem.as_dict()


@FUZZ
@given(cells)
def test_value_parsers_only_raise_value_problems(value: object) -> None:
    for parser in (
        parse_date,
        parse_attendance,
        parse_score,
        parse_email,
        parse_employee_number,
        parse_text,
    ):
        try:
            parser(value)
        except ValueProblem as problem:
            rendered = (problem.code, str(problem.message))
            assert all(rendered)


@FUZZ
@given(st.binary(max_size=4096), st.sampled_from(["l.csv", "l.xlsx", "l.xls", "l.ods"]))
def test_random_bytes_never_crash_the_parser(data: bytes, filename: str) -> None:
    consume(data, filename)


@FUZZ
@given(st.lists(st.lists(st.text(max_size=20), max_size=8), max_size=20))
def test_random_csv_text_never_crashes_the_parser(rows: list[list[str]]) -> None:
    consume(csv_bytes([HEADERS, *rows]), "l.csv")


@FUZZ
@given(st.lists(st.lists(cells, min_size=6, max_size=6), max_size=10))
def test_random_cell_values_give_row_problems_not_crashes(rows: list[list[object]]) -> None:
    safe_rows = [
        [cell.replace(tzinfo=None) if isinstance(cell, datetime.datetime) else cell for cell in row]
        for row in rows
    ]
    consume(csv_bytes([HEADERS, *safe_rows]), "l.csv")


@FUZZ
@given(st.data())
def test_a_damaged_xlsx_never_crashes_the_parser(data: st.DataObject) -> None:
    """Flip bytes inside the sheet XML of a real workbook, so the zip stays readable."""
    with zipfile.ZipFile(io.BytesIO(VALID_XLSX)) as archive:
        parts = {entry.filename: archive.read(entry.filename) for entry in archive.infolist()}
    name = data.draw(st.sampled_from(sorted(parts)))
    content = bytearray(parts[name])
    for _ in range(data.draw(st.integers(min_value=1, max_value=8))):
        position = data.draw(st.integers(min_value=0, max_value=max(len(content) - 1, 0)))
        if content:
            content[position] = data.draw(st.integers(min_value=0, max_value=255))
    parts[name] = bytes(content)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for part_name, part in parts.items():
            archive.writestr(part_name, part)
    consume(buffer.getvalue(), "l.xlsx")
