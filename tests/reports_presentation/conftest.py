"""A small but complete report, shared by the exporter tests."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from django.utils import translation

from reports.presentation.suppression import suppress
from reports.presentation.tables import (
    Chart,
    Column,
    Explanation,
    Flag,
    Intervention,
    Marker,
    Report,
    Row,
    Series,
    Table,
)


@pytest.fixture(autouse=True)
def _english() -> Iterator[None]:
    """The expectations below are written against the English labels."""
    with translation.override("en"):
        yield


def department_table() -> Table:
    """Participation per department, before suppression."""
    columns = (
        Column("department", "Department", "text"),
        Column(
            "trained",
            "Trained",
            "int",
            help="Members who followed it.",
            count_of_people=True,
            group="members",
        ),
        Column("untrained", "Not trained", "int", count_of_people=True, group="members"),
        Column(
            "members",
            "Members",
            "int",
            help="Committee members who must follow the workshop.",
            count_of_people=True,
            total_of=("trained", "untrained"),
        ),
        Column("share", "Share trained", "percent", based_on=("trained", "members")),
        Column("days", "Average days to training", "decimal", based_on=("trained",)),
        Column("last_session", "Last session", "date"),
    )

    def row(name: str, trained: int, untrained: int, flags: frozenset[Flag] = frozenset()) -> Row:
        members = trained + untrained
        return Row(
            {
                "department": name,
                "trained": trained,
                "untrained": untrained,
                "members": members,
                "share": trained / members,
                "days": Decimal("12.25"),
                "last_session": date(2025, 11, 3),
            },
            flags,
        )

    rows = (
        # A group of 4: hidden, and so (complementary) are Justitie and Financiën, so
        # that no one who knows one hidden row can work out another from the total.
        row('=HYPERLINK("http://evil.example")', 4, 0),
        row("Financiën", 20, 7, flags=frozenset({"self_reported"})),
        row("Defensie", 30, 9, flags=frozenset({"below_target"})),
        row("Justitie en Veiligheid", 1, 11, flags=frozenset({"below_target"})),
    )
    total = Row(
        {
            "department": "Total",
            "trained": 55,
            "untrained": 27,
            "members": 82,
            "share": 55 / 82,
            "days": Decimal("12.25"),
        }
    )
    return Table(
        key="departments",
        title="Participation per department",
        columns=columns,
        rows=rows,
        total_row=total,
        notes=("Figures as of the last day of the quarter.",),
    )


def trend_chart() -> Chart:
    return Chart(
        key="trend",
        title="Share trained per quarter",
        x_labels=("2025Q1", "2025Q2", "2025Q3", "2025Q4"),
        series=(
            Series("Rijksbreed", (0.41, 0.48, 0.55, 0.58)),
            Series("Defensie", (0.30, None, 0.52, 0.61)),
        ),
        kind="line",
        y_label="Share trained",
        x_label="Quarter",
        y_max=1.0,
        percent=True,
        markers=(Marker("2025Q2", "Reminder letter"),),
    )


def sample_report() -> Report:
    return Report(
        kind="icop",
        quarter="2025Q4",
        title="Bias-prevention workshop",
        generated_at=datetime(2026, 1, 5, 9, 30, tzinfo=UTC),
        tables=(suppress(department_table()),),
        charts=(trend_chart(),),
        explanations=(Explanation("Share trained", "Trained members divided by members."),),
        interventions=(Intervention(date(2025, 4, 14), "Reminder letter", "Sent to all SGs."),),
    )


@pytest.fixture
def report() -> Report:
    return sample_report()
