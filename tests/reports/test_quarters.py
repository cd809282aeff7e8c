from __future__ import annotations

import datetime

import pytest

from reports.quarters import Quarter


def test_a_quarter_is_parsed_from_its_code() -> None:
    assert Quarter.parse("2025Q4") == Quarter(2025, 4)
    assert Quarter.parse("2025-q1") == Quarter(2025, 1)
    assert str(Quarter(2025, 4)) == "2025Q4"


@pytest.mark.parametrize("text", ["2025Q5", "2025", "Q4 2025", ""])
def test_anything_else_is_refused(text: str) -> None:
    with pytest.raises(ValueError, match="quarter"):
        Quarter.parse(text)


def test_bounds_run_from_the_first_to_the_last_day() -> None:
    assert Quarter(2025, 1).start == datetime.date(2025, 1, 1)
    assert Quarter(2025, 1).end == datetime.date(2025, 3, 31)
    assert Quarter(2024, 4).end == datetime.date(2024, 12, 31)


def test_the_previous_quarter_of_q1_is_last_years_q4() -> None:
    assert Quarter(2025, 1).previous() == Quarter(2024, 4)
    assert Quarter(2024, 4).next() == Quarter(2025, 1)


def test_last_n_gives_the_trend_window_oldest_first() -> None:
    assert [str(q) for q in Quarter(2025, 2).last_n(3)] == ["2024Q4", "2025Q1", "2025Q2"]


def test_the_last_ended_quarter_is_the_one_before_today() -> None:
    assert Quarter.last_ended(datetime.date(2026, 1, 5)) == Quarter(2025, 4)
    assert Quarter.containing(datetime.date(2025, 9, 30)) == Quarter(2025, 3)
