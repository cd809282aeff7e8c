"""The times and dates a schedule is written with: 9:30, 09.30, 9u30, 930 (hours and
minutes), an Excel time or its day fraction (0.3958 is 9:30); dates as the Dutch write
them. A bare hour or an impossible time is a problem with the cell's text."""

from __future__ import annotations

import datetime

import pytest

from imports.reading.values import ValueProblem
from imports.sessions import parse_time, sessions_import
from tests.factories import SupplierFactory
from tests.imports.sessions_files import HEADER, csv_schedule, day, xlsx_schedule
from trainings.models import Supplier, TrainingSession

pytestmark = pytest.mark.django_db


@pytest.fixture
def supplier() -> Supplier:
    return SupplierFactory(code="BAC")


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("9:30", datetime.time(9, 30)),
        ("09:30", datetime.time(9, 30)),
        ("9.30", datetime.time(9, 30)),
        ("9u30", datetime.time(9, 30)),
        ("9:30 uur", datetime.time(9, 30)),
        ("09:30:00", datetime.time(9, 30)),
        ("930", datetime.time(9, 30)),
        ("0930", datetime.time(9, 30)),
        ("1415", datetime.time(14, 15)),
        (0.3958, datetime.time(9, 30)),
        (0.5, datetime.time(12, 0)),
        ("0,3958", datetime.time(9, 30)),
        (".75", datetime.time(18, 0)),
        (0.99999, datetime.time(23, 59)),
        (datetime.timedelta(hours=13, minutes=45), datetime.time(13, 45)),
        (datetime.time(8, 15, 30), datetime.time(8, 15)),
        (datetime.datetime(1899, 12, 30, 16, 0), datetime.time(16, 0)),
        ("", None),
        (None, None),
    ],
)
def test_a_time_is_read(value: object, expected: datetime.time | None) -> None:
    assert parse_time(value) == expected


@pytest.mark.parametrize(
    "value", ["9", "0", "25:00", "9:75", "2400", "12345", "1.5", 1.5, -0.25, "half tien", "9:3"]
)
def test_an_impossible_time_is_a_problem(value: object) -> None:
    with pytest.raises(ValueProblem) as problem:
        parse_time(value)
    assert problem.value.code == "invalid_time"


def test_an_xlsx_time_stored_as_a_number_is_read(supplier: Supplier) -> None:
    """A day fraction without a time format: the reader gives the bare number."""
    source = xlsx_schedule([["S-1", day(8), 0.3958, 0.5, "Utrecht", "", 12, ""]])
    result = sessions_import(supplier=supplier, source=source, filename="rooster.xlsx")
    assert result.problems == []
    session = TrainingSession.objects.get()
    assert (session.starts_at, session.ends_at) == (datetime.time(9, 30), datetime.time(12))


@pytest.mark.parametrize(
    "text", ["3-2-2090", "03-02-2090", "3 februari 2090", "2090-02-03", "3 feb. 2090"]
)
def test_dates_as_the_dutch_write_them(supplier: Supplier, text: str) -> None:
    source = csv_schedule([["", text, "9:30", "12:00", "Zwolle", "", 10, ""]], HEADER)
    result = sessions_import(supplier=supplier, source=source, filename="rooster.csv")
    assert result.problems == []
    session = TrainingSession.objects.get()
    assert (session.date, session.starts_at) == (datetime.date(2090, 2, 3), datetime.time(9, 30))
