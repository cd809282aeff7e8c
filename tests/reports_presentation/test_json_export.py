"""The report's figures as JSON (the API's report endpoint) publish what the CSV files
publish: the same cells, rounded the same way, hidden where the CSV hides them, and
nothing of what suppression withheld."""

from __future__ import annotations

import csv
import io
import json

import pytest

from reports.models import ReportKind, SelfReportedFigures, Trigger
from reports.presentation.charts import report_tables
from reports.presentation.csv_export import export_csv
from reports.presentation.json_export import export_json
from reports.presentation.suppression import HIDDEN_SYMBOL
from reports.quarters import Quarter
from reports.selectors import snapshot_latest
from reports.services import report_compile, snapshot_report
from tests.factories import DepartmentFactory

pytestmark = pytest.mark.django_db

Q1 = Quarter(2025, 1)
# (memberships, trained): AAA's group is small, so AAA is hidden, and another with it.
GROUPS = {"AAA": (3, 1), "BBB": (9, 6), "CCC": (12, 8), "DDD": (40, 30), "EEE": (50, 45)}


@pytest.fixture
def report(settings):
    settings.REPORT_SUPPRESSION_THRESHOLD = 5
    for code, (memberships, trained) in GROUPS.items():
        SelfReportedFigures.objects.create(
            department=DepartmentFactory(code=code, in_tender=False),
            quarter=str(Q1),
            committees=3,
            compliant_committees=1,
            memberships=memberships,
            trained_memberships=trained,
            people_trained=trained,
        )
    report_compile(kind=ReportKind.ICOP, quarter=Q1, requested_by=None, trigger=Trigger.COMMAND)
    snapshot = snapshot_latest(kind=ReportKind.ICOP, quarter=str(Q1))
    assert snapshot is not None
    return snapshot_report(snapshot)


def _csv_lines(content: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig")), delimiter=","))


def test_every_cell_is_the_csv_cell_and_hidden_where_the_csv_hides_it(report) -> None:
    published = export_json(report)
    files = list(export_csv(report, delimiter=",").values())
    tables = published["tables"]
    assert [t["key"] for t in tables] == [t.key for t in report_tables(report)]
    hidden_seen = 0
    for table, content in zip(tables, files, strict=True):
        lines = _csv_lines(content)[1:]
        rows = table["rows"] + ([table["total"]] if table["total"] else [])
        assert len(rows) == len(lines)
        for row, line in zip(rows, lines, strict=True):
            for column, text in zip(table["columns"], line, strict=False):
                value = row["cells"][column["key"]]
                if text == HIDDEN_SYMBOL:
                    hidden_seen += 1
                    assert value is None
                    assert column["key"] in row["hidden"]
                elif isinstance(value, float):
                    assert value == float(text)
                else:
                    assert str(value if value is not None else "") == text
    assert hidden_seen > 0


def test_what_suppression_withheld_is_nowhere_in_the_json(report) -> None:
    departments = next(t for t in report.tables if t.key == "departments")
    row = next(r for r in departments.rows if r.get("code") == "AAA")
    assert row.withheld  # the snapshot keeps AAA's true figures for AAA's own readers

    text = json.dumps(export_json(report))

    assert "withheld" not in text
    published = next(t for t in export_json(report)["tables"] if t["key"] == "departments")
    aaa = next(r for r in published["rows"] if r["cells"]["code"] == "AAA")
    assert set(row.withheld) <= set(aaa["hidden"])
    assert all(aaa["cells"][key] is None for key in row.withheld)
