from __future__ import annotations

import datetime

import pytest

from reports.quarters import Quarter


def test_a_quarter_is_parsed_from_its_code() -> None:
    assert Quarter.parse("2025Q4") == Quarter(2025, 4)
    assert Quarter.parse("2025-q1") == Quarter(2025, 1)
    assert str(Quarter(2025, 4)) == "2025Q4"


@pytest.mark.parametrize(
    "text",
    [
        "2026Q2",
        "2026q2",
        "Q2 2026",
        "2026-Q2",
        "2026 Q2",
        "q2-2026",
        "Q2/2026",
        " 2026 - q2 ",
        "K2 2026",
        "kw2 2026",
        "2e kwartaal 2026",
        "2de kwartaal 2026",
        "2e kw. 2026",
        "tweede kwartaal 2026",
        "Tweede kwartaal van 2026",
        "kwartaal 2 2026",
        "2026 kwartaal 2",
        "2nd quarter 2026",
        "second quarter of 2026",
        "quarter 2, 2026",
    ],
)
def test_a_quarter_is_read_as_people_write_it(text: str) -> None:
    assert Quarter.parse(text) == Quarter(2026, 2)


def test_every_ordinal_word_names_its_quarter() -> None:
    assert Quarter.parse("eerste kwartaal 2025") == Quarter(2025, 1)
    assert Quarter.parse("derde kwartaal 2025") == Quarter(2025, 3)
    assert Quarter.parse("4th quarter 2025") == Quarter(2025, 4)
    assert Quarter.parse("1ste kwartaal 2025") == Quarter(2025, 1)


@pytest.mark.parametrize(
    "text",
    [
        "2025Q5",
        "2025",
        "",
        "Q2",
        "2 2026",
        "2026-2",
        "vijfde kwartaal 2026",
        "tweede 2026",
        "Q2 2026 Q3",
        "2026 2027 Q1",
        "q2 26",
        "Q2 0999",
        "lente 2026",
    ],
)
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
