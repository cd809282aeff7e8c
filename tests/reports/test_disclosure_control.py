"""The ICOP report's disclosure control: group size decides, and the pattern holds
across quarters and versions (README, "Privacy")."""

from __future__ import annotations

import pytest

from reports.figures import icop_report
from reports.models import SelfReportedFigures, Trigger
from reports.presentation.tables import SUPPRESSED, CellValue
from reports.quarters import Quarter
from reports.services import report_compile, snapshot_report
from tests.factories import DepartmentFactory
from tests.reports.conftest import rows

pytestmark = pytest.mark.django_db

Q1, Q2 = Quarter(2025, 1), Quarter(2025, 2)


def report(quarter: Quarter, groups: dict[str, tuple[int, int]]) -> None:
    """Self-reported (memberships, trained) per ministry outside the tender."""
    for code, (memberships, trained) in groups.items():
        SelfReportedFigures.objects.update_or_create(
            department=DepartmentFactory(code=code, in_tender=False),
            quarter=str(quarter),
            defaults={
                "committees": 3,
                "compliant_committees": 1,
                "memberships": memberships,
                "trained_memberships": trained,
                "people_trained": trained,
            },
        )


def departments(quarter: Quarter) -> dict[str, dict[str, CellValue]]:
    return rows(icop_report(quarter), "departments")


def test_a_ministrys_headline_share_is_shown_whenever_its_group_is_large_enough(
    settings,
) -> None:
    # Few untrained, or none, in groups of 7 or more single out no one: the old rule hid
    # these numerators (and their shares), 7 of 9 tender ministries in the demo.
    settings.REPORT_SUPPRESSION_THRESHOLD = 5
    report(Q1, {"AAA": (20, 17), "BBB": (16, 15), "CCC": (21, 21), "DDD": (7, 4)})

    found = departments(Q1)

    assert [found[code]["untrained"] for code in ("AAA", "BBB", "CCC", "DDD")] == [3, 1, 0, 3]
    assert all(found[code]["share_trained"] is not SUPPRESSED for code in found)


def test_a_small_group_is_hidden_with_its_remark_and_enough_others_to_protect_it(
    settings,
) -> None:
    settings.REPORT_SUPPRESSION_THRESHOLD = 5
    report(Q1, {"AAA": (3, 1), "BBB": (9, 6), "CCC": (12, 8), "DDD": (40, 30), "EEE": (50, 45)})

    report_rows = {r.get("code"): r for r in icop_report(Q1).tables[0].rows}
    hidden = {code for code, r in report_rows.items() if r.get("memberships") is SUPPRESSED}

    assert hidden == {"AAA", "BBB", "CCC"}
    assert report_rows["AAA"].get("share_trained") is SUPPRESSED
    assert "below_target" not in report_rows["AAA"].flags
    assert "below_target" in report_rows["DDD"].flags


def test_the_previous_quarter_column_follows_that_quarters_pattern(settings) -> None:
    settings.REPORT_SUPPRESSION_THRESHOLD = 5
    report(Q1, {"AAA": (3, 1), "BBB": (9, 6), "CCC": (12, 8), "DDD": (40, 30), "EEE": (50, 45)})
    report(
        Q2, {"AAA": (30, 25), "BBB": (30, 25), "CCC": (30, 25), "DDD": (40, 30), "EEE": (50, 45)}
    )

    found = departments(Q2)

    # BBB and CCC were hidden in Q1 to protect AAA: their Q1 share must not come back
    # as "previous quarter" in Q2, nor through the change.
    for code in ("AAA", "BBB", "CCC"):
        assert found[code]["share_trained"] is not SUPPRESSED
        assert found[code]["share_trained_previous"] is SUPPRESSED
        assert found[code]["change"] is SUPPRESSED
    assert found["DDD"]["share_trained_previous"] == found["DDD"]["share_trained"]


def test_a_new_version_of_a_quarter_hides_what_the_earlier_version_hid(settings) -> None:
    settings.REPORT_SUPPRESSION_THRESHOLD = 5
    report(Q1, {"AAA": (3, 1), "BBB": (9, 6), "CCC": (12, 8), "DDD": (40, 30), "EEE": (50, 45)})
    first, _created = report_compile(
        kind="icop", quarter=Q1, requested_by=None, trigger=Trigger.COMMAND
    )
    report(Q1, {"AAA": (10, 5)})  # a correction

    second, created = report_compile(
        kind="icop", quarter=Q1, requested_by=None, trigger=Trigger.COMMAND
    )

    assert created
    assert second.version == first.version + 1
    again = {r.get("code"): r for r in snapshot_report(second).tables[0].rows}
    assert {c for c, r in again.items() if r.get("memberships") is SUPPRESSED} >= {
        "AAA",
        "BBB",
        "CCC",
    }
