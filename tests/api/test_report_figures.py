"""GET /api/v1/reports/{quarter}/{kind}: the programme bureau reads a frozen report's
figures, hidden exactly as in the exports (reports.presentation.json_export)."""

from __future__ import annotations

import json

import pytest

from reports.models import ReportKind, SelfReportedFigures, Trigger
from reports.presentation.json_export import export_json
from reports.quarters import Quarter
from reports.services import report_compile, snapshot_report
from tests.factories import DepartmentFactory

pytestmark = pytest.mark.django_db

Q1 = Quarter(2025, 1)
URL = "/api/v1/reports/2025Q1/icop"
# (memberships, trained): AAA's group is small, so it is hidden, and another with it.
GROUPS = {"AAA": (3, 1), "BBB": (9, 6), "CCC": (12, 8), "DDD": (40, 30), "EEE": (50, 45)}


def _report(people_trained: int = 0):
    for code, (memberships, trained) in GROUPS.items():
        SelfReportedFigures.objects.update_or_create(
            department=DepartmentFactory(code=code, in_tender=False),
            quarter=str(Q1),
            defaults={
                "committees": 3,
                "compliant_committees": 1,
                "memberships": memberships,
                "trained_memberships": trained,
                "people_trained": trained + people_trained,
            },
        )
    snapshot, _ = report_compile(
        kind=ReportKind.ICOP, quarter=Q1, requested_by=None, trigger=Trigger.COMMAND
    )
    return snapshot


@pytest.fixture
def snapshot(settings):
    settings.REPORT_SUPPRESSION_THRESHOLD = 5
    return _report()


def test_the_bureau_reads_the_figures_as_the_exports_publish_them(bureau_api, snapshot) -> None:
    response = bureau_api.get(URL)

    assert response.status_code == 200
    body = response.json()
    published = json.loads(json.dumps(export_json(snapshot_report(snapshot))))
    assert body["tables"] == published["tables"]
    assert (body["kind"], body["quarter"], body["version"]) == ("icop", "2025Q1", 1)
    assert body["content_hash"] == snapshot.content_hash
    assert body["compiled_at"].endswith("Z")
    departments = next(t for t in body["tables"] if t["key"] == "departments")
    aaa = next(r for r in departments["rows"] if r["cells"]["code"] == "AAA")
    assert aaa["hidden"]
    assert all(aaa["cells"][key] is None for key in aaa["hidden"])


def test_nothing_suppression_withheld_reaches_the_client(bureau_api, snapshot) -> None:
    stored = snapshot_report(snapshot)
    row = next(r for r in stored.tables[0].rows if r.get("code") == "AAA")
    assert row.withheld

    text = bureau_api.get(URL).content.decode()

    assert "withheld" not in text
    departments = next(t for t in json.loads(text)["tables"] if t["key"] == "departments")
    aaa = next(r for r in departments["rows"] if r["cells"]["code"] == "AAA")
    assert {key: aaa["cells"][key] for key in row.withheld} == dict.fromkeys(row.withheld)


def test_the_newest_version_is_read(bureau_api, snapshot, settings) -> None:
    newer = _report(people_trained=1)
    assert newer.version == 2

    assert bureau_api.get(URL).json()["version"] == 2


@pytest.mark.parametrize(
    "path", ["/api/v1/reports/2024Q4/icop", "/api/v1/reports/2025Q1/dashboard"]
)
def test_a_report_that_was_not_compiled_is_not_found(bureau_api, snapshot, path) -> None:
    response = bureau_api.get(path)

    assert response.status_code == 404
    assert response["Content-Type"] == "application/problem+json"


@pytest.mark.parametrize("caller", ["department_api", "other_department_api", "supplier_api"])
def test_only_the_bureau_reads_the_reports(request, caller, snapshot) -> None:
    response = request.getfixturevalue(caller).get(URL)

    assert response.status_code == 403
    assert "AAA" not in response.content.decode()
