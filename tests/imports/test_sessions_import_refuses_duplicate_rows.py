"""Two rows of one schedule that describe the same session (the same supplier id, or
without ids the same date, start time and place) are both problems, never merged."""

from __future__ import annotations

import re

import pytest

from imports.sessions import sessions_import
from tests.factories import DepartmentFactory, SupplierFactory
from tests.imports.sessions_files import day, schedule
from trainings.models import Supplier, TrainingSession

pytestmark = pytest.mark.django_db


@pytest.fixture
def supplier() -> Supplier:
    return SupplierFactory(code="BAC")


def iso(offset: int) -> str:
    return day(offset).isoformat()


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_a_repeated_supplier_id_is_reported_on_both_rows(supplier: Supplier, kind: str) -> None:
    source, name = schedule(
        kind,
        [
            ["BA-10", iso(10), "09:30", "12:00", "Utrecht", "", 16, ""],
            ["BA-11", iso(11), "09:30", "12:00", "Zwolle", "", 16, ""],
            ["BA-10", iso(12), "13:00", "16:00", "Arnhem", "", 16, ""],
        ],
    )
    result = sessions_import(supplier=supplier, source=source, filename=name)
    rows = 3 if kind == "xlsx" else 2  # the XLSX has a title row above its header
    assert [(p.row_number, p.message) for p in result.problems] == [
        (
            rows,
            f"This row describes the same session as row {rows + 2}; "
            "neither is imported. Keep one of them.",
        ),
        (
            rows + 2,
            f"This row describes the same session as row {rows}; "
            "neither is imported. Keep one of them.",
        ),
    ]
    assert not result.written
    assert not TrainingSession.objects.exists()


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_the_same_date_time_and_place_twice_is_held_and_a_second_import_changes_nothing(
    supplier: Supplier, kind: str
) -> None:
    DepartmentFactory(code="BZK")
    rows = [
        ["", iso(20), "10:00", "12:00", "Den Haag", "", 12, "BZK"],
        ["", iso(20), "10:00", "12:00", "Den Haag", "", 30, ""],
        ["", iso(21), "10:00", "12:00", "Den Haag", "", 30, ""],
    ]
    source, name = schedule(kind, rows)
    first = sessions_import(supplier=supplier, source=source, filename=name, hold_invalid=True)
    assert len({p.row_number for p in first.problems}) == 2
    assert (first.created, first.updated, first.written) == (1, 0, True)
    # Neither duplicate is written: the BZK row did not become a Rijk-wide session.
    only = TrainingSession.objects.get()
    assert (only.date, only.capacity, only.department_id) == (day(21), 30, None)
    source, name = schedule(kind, rows)
    again = sessions_import(supplier=supplier, source=source, filename=name, hold_invalid=True)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 1)
    assert TrainingSession.objects.count() == 1


def test_three_rows_with_one_id_each_name_the_other_two(supplier: Supplier) -> None:
    source, name = schedule(
        "csv",
        [
            ["X-1", iso(5), "9:00", "", "Assen", "", 10, ""],
            ["X-1", iso(5), "9:00", "", "Assen", "", 10, ""],
            ["X-2", iso(6), "9:00", "", "Assen", "", 10, ""],
            ["X-1", iso(7), "9:00", "", "Assen", "", 10, ""],
        ],
    )
    result = sessions_import(supplier=supplier, source=source, filename=name)
    named = [(p.row_number, re.search(r"as row ([\d, ]+);", p.message)) for p in result.problems]
    assert [(number, found and found[1]) for number, found in named] == [
        (2, "3, 5"),
        (3, "2, 5"),
        (5, "2, 3"),
    ]
    assert result.created == 1


def test_rows_with_their_own_ids_at_one_time_and_place_are_two_sessions(
    supplier: Supplier,
) -> None:
    """The supplier's id decides: two groups at one address are two sessions."""
    source, name = schedule(
        "csv",
        [
            ["G-1", iso(9), "9:00", "", "Utrecht", "", 10, ""],
            ["G-2", iso(9), "9:00", "", "Utrecht", "", 10, ""],
        ],
    )
    result = sessions_import(supplier=supplier, source=source, filename=name)
    assert (result.created, result.problems) == (2, [])
