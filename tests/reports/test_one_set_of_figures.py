"""The dashboard, the home overview and the ICOP report give the same figures.

They read one set of selectors (reports.figures): the same quarter bucketing, the same
compliance rule and the same exact shares, so a department's dashboard can never say
something its report row does not. Checked on the demo data, for every department and
every quarter it has.
"""

from __future__ import annotations

import datetime
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command

from departments.models import Department
from reports.dashboard import overview, quarterly_figures
from reports.figures import icop_report
from reports.selectors import reportable_quarters
from tests.reports.conftest import rows

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 11, 29)


def _figures(source: Any) -> dict[str, Any]:
    return {
        "memberships": source.memberships,
        "trained": source.memberships_trained,
        "share_trained": source.membership_share,
        "committees": source.committees,
        "compliant": source.committees_compliant,
        "share_compliant": source.committee_share,
    }


def _counts(figures: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in figures.items() if not key.startswith("share")}


def test_dashboard_overview_and_icop_report_agree_for_every_department_and_quarter(
    no_suppression: None,
) -> None:
    call_command("seed_demo", today=TODAY, password="demo", stdout=StringIO())
    departments = list(Department.objects.order_by("code"))
    dashboards = {
        department.code: {
            str(f.quarter): f
            for f in quarterly_figures(Department.objects.filter(pk=department.pk), TODAY)
        }
        for department in departments
    }
    quarters = reportable_quarters(today=TODAY)
    assert len(quarters) >= 8
    compared = 0
    for quarter in quarters:
        report = rows(icop_report(quarter), "departments")
        home = {row.department.code: row for row in overview(Department.objects.all(), quarter)}
        for department in departments:
            dashboard = _figures(dashboards[department.code][str(quarter)])
            overview_row = _figures(home[department.code])
            where = f"{department.code} {quarter}"
            assert _counts(overview_row) == _counts(dashboard), where
            row = report[department.code]
            if "self_reported" in row["flags"] or row.get("memberships") is None:
                continue  # figures the department reported itself, or none at all
            in_report = {key: row.get(key) for key in dashboard}
            assert in_report == dashboard, where
            assert in_report == overview_row, where
            assert row["people"] == dashboards[department.code][str(quarter)].people_trained, where
            compared += 1
    # The tender departments of every quarter were compared, not a handful.
    assert compared >= 9 * len(quarters) // 2
