"""The report data model: validation and the JSON snapshot format."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import date, datetime
from decimal import Decimal

import pytest

from reports.presentation.tables import (
    SUPPRESSED,
    Chart,
    Column,
    Marker,
    Report,
    Row,
    Series,
    Table,
)

from .conftest import sample_report


def test_a_report_survives_a_json_round_trip_unchanged() -> None:
    report = sample_report()

    restored = Report.from_dict(json.loads(json.dumps(report.to_dict())))

    assert restored == report


def test_the_target_a_report_was_compiled_against_survives_the_round_trip() -> None:
    report = replace(sample_report(), target_share=Decimal("0.80"))

    data = json.loads(json.dumps(report.to_dict()))

    assert data["target_share"] == {"decimal": "0.80"}
    assert Report.from_dict(data).target_share == Decimal("0.80")


def test_a_report_without_a_target_keeps_the_figures_it_always_had() -> None:
    # No key at all, so the hash of a report without a target does not change.
    assert "target_share" not in sample_report().to_dict()


def test_the_json_keeps_decimals_dates_and_suppression_exactly() -> None:
    row = Row({"d": Decimal("12.50"), "on": date(2025, 1, 2), "n": SUPPRESSED})

    assert row.to_dict()["cells"] == {
        "d": {"decimal": "12.50"},
        "on": {"date": "2025-01-02"},
        "n": {"suppressed": True},
    }


def test_the_json_is_the_same_every_time() -> None:
    first = json.dumps(sample_report().to_dict(), sort_keys=True)

    assert json.dumps(sample_report().to_dict(), sort_keys=True) == first


def test_it_refuses_a_naive_generation_time() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        Report("icop", "2025Q4", "T", datetime(2026, 1, 1))


def test_it_refuses_a_malformed_quarter() -> None:
    with pytest.raises(ValueError, match="quarter"):
        Report("icop", "2025-4", "T", datetime.fromisoformat("2026-01-01T00:00+01:00"))


@pytest.mark.parametrize(
    ("kind", "value"),
    [
        ("int", True),
        ("int", 1.5),
        ("date", datetime(2025, 1, 1)),
        ("text", 3),
        ("decimal", float("nan")),
        ("percent", Decimal("Infinity")),
    ],
)
def test_it_refuses_a_value_that_does_not_fit_its_column(kind: str, value: object) -> None:
    column = Column("c", "C", kind)  # type: ignore[arg-type]

    with pytest.raises(ValueError, match="c"):
        Table("t", "T", (column,), (Row({"c": value}),))  # type: ignore[dict-item]


def test_it_refuses_a_share_based_on_a_column_that_does_not_count_people() -> None:
    columns = (Column("n", "N", "int"), Column("p", "P", "percent", based_on=("n",)))

    with pytest.raises(ValueError, match="count-of-people"):
        Table("t", "T", columns, ())


def test_it_refuses_unknown_row_flags() -> None:
    with pytest.raises(ValueError, match="flags"):
        Table("t", "T", (Column("c", "C", "text"),), (Row({}, frozenset({"odd"})),))  # type: ignore[arg-type]


def test_it_refuses_a_key_that_is_unsafe_as_a_file_name() -> None:
    with pytest.raises(ValueError, match="key"):
        Table("../etc", "T", (), ())


def test_it_refuses_a_marker_on_a_label_the_chart_does_not_have() -> None:
    with pytest.raises(ValueError, match="marker"):
        Chart("c", "C", ("Q1",), (Series("s", (1,)),), "line", "y", markers=(Marker("Q9", "x"),))


def test_it_refuses_a_series_with_the_wrong_number_of_values() -> None:
    with pytest.raises(ValueError, match="values"):
        Chart("c", "C", ("Q1", "Q2"), (Series("s", (1,)),), "line", "y")
