"""Every problem of a schedule's row is reported, not only the first; a session needs a
place or an online link and at least one place; text that a spreadsheet would run as a
formula is refused (exports neutralise it, the import does not store it)."""

from __future__ import annotations

import pytest
from django.utils import translation

from imports.sessions import sessions_import
from tests.factories import SupplierFactory
from tests.imports.sessions_files import day, schedule
from trainings.models import Supplier, TrainingSession

pytestmark = pytest.mark.django_db


@pytest.fixture
def supplier() -> Supplier:
    return SupplierFactory(code="BAC")


def problems_of(supplier: Supplier, kind: str, row: list[object]) -> list[str]:
    source, name = schedule(kind, [row])
    result = sessions_import(supplier=supplier, source=source, filename=name)
    assert not TrainingSession.objects.exists()
    assert len({problem.row_number for problem in result.problems}) == 1
    return [problem.message for problem in result.problems]


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_a_bad_time_a_negative_capacity_and_an_unknown_ministry_are_all_reported(
    supplier: Supplier, kind: str
) -> None:
    row: list[object] = ["S-1", day(4).isoformat(), "25:00", "", "Utrecht", "", "-5", "XYZ"]
    assert problems_of(supplier, kind, row) == [
        "“25:00” is not a time.",
        "“-5” is not a number of places.",
        "“XYZ” is not a known ministry.",
    ]


def test_a_past_date_and_an_end_before_the_start_are_both_reported(supplier: Supplier) -> None:
    row: list[object] = ["", day(-2).isoformat(), "14:00", "13:00", "", "", "0", ""]
    assert problems_of(supplier, "csv", row) == [
        "This session lies in the past.",
        "The session ends before it starts.",
        "The session has neither a place nor an online link.",
        "A session needs at least 1 place.",
    ]


def test_an_unreadable_date_does_not_hide_the_other_problems(supplier: Supplier) -> None:
    row: list[object] = ["", "30 februari 2090", "9:75", "", "Assen", "ftp://x", 8, ""]
    assert problems_of(supplier, "csv", row) == [
        "“30 februari 2090” is a date that does not exist.",
        "“9:75” is not a time.",
        "“ftp://x” is not a web address (https://…).",
    ]


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_a_session_without_place_or_link_or_with_no_places_is_refused(
    supplier: Supplier, kind: str
) -> None:
    source, name = schedule(
        kind,
        [
            ["A", day(3).isoformat(), "9:00", "", "", "", 10, ""],
            ["B", day(3).isoformat(), "9:00", "", "Utrecht", "", 0, ""],
            ["C", day(3).isoformat(), "9:00", "", "", "https://meet.example.nl/c", 10, ""],
        ],
    )
    with translation.override("nl"):
        result = sessions_import(supplier=supplier, source=source, filename=name)
        messages = [problem.message for problem in result.problems]
    assert messages == [
        "De sessie heeft geen plaats en geen link voor online deelname.",
        "Een sessie heeft minstens 1 plaats nodig.",
    ]
    assert not result.written


@pytest.mark.parametrize(
    ("column", "text"),
    [
        (4, '=HYPERLINK("http://evil","x")'),
        (4, "+31 Utrecht"),
        (4, "@SUM(A1)"),
        (5, '=HYPERLINK("https://evil.example")'),
        (0, "-2+3"),
    ],
)
@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_text_that_a_spreadsheet_would_run_as_a_formula_is_refused(
    supplier: Supplier, kind: str, column: int, text: str
) -> None:
    row: list[object] = ["S-9", day(6).isoformat(), "9:00", "", "Utrecht", "", 10, ""]
    row[column] = text
    messages = problems_of(supplier, kind, row)
    assert messages[0] == f"“{text}” looks like a spreadsheet formula; write the text itself."
    with translation.override("nl"):
        source, name = schedule(kind, [row])
        result = sessions_import(supplier=supplier, source=source, filename=name)
        assert "formule" in result.problems[0].message
