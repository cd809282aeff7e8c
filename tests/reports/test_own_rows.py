"""O&P staff read their own department's rows of a report whole: the small figures
suppression hides from other readers are theirs already (README, "Privacy")."""

from __future__ import annotations

import csv
import io
import zipfile

import pytest
from django.urls import reverse

from reports.models import ReportKind, SelfReportedFigures, Trigger
from reports.presentation.tables import SUPPRESSED
from reports.quarters import Quarter
from reports.services import report_compile, report_for_departments, snapshot_report
from tests.factories import DepartmentFactory, op_staff

pytestmark = pytest.mark.django_db

Q1, Q2 = Quarter(2025, 1), Quarter(2025, 2)
# (memberships, trained): AAA's group is small, so AAA is hidden, and BBB with it.
GROUPS = {"AAA": (3, 1), "BBB": (9, 6), "CCC": (12, 8), "DDD": (40, 30), "EEE": (50, 45)}


@pytest.fixture
def reported(settings) -> None:
    settings.REPORT_SUPPRESSION_THRESHOLD = 5
    for code, (memberships, trained) in GROUPS.items():
        department = DepartmentFactory(code=code, in_tender=False)
        for quarter in (Q1, Q2):
            SelfReportedFigures.objects.create(
                department=department,
                quarter=str(quarter),
                committees=3,
                compliant_committees=1,
                memberships=memberships,
                trained_memberships=trained,
                people_trained=trained,
            )


def compiled(quarter: Quarter):
    snapshot, _ = report_compile(
        kind=ReportKind.ICOP, quarter=quarter, requested_by=None, trigger=Trigger.COMMAND
    )
    return snapshot


def csv_rows(content: bytes) -> dict[str, dict[str, str]]:
    """The departments table of a downloaded CSV archive, by department code."""
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        name = next(n for n in archive.namelist() if n.endswith("_departments.csv"))
        text = archive.read(name).decode("utf-8-sig")
    lines = list(csv.reader(io.StringIO(text), delimiter=";"))
    header = lines[0]
    return {line[0]: dict(zip(header, line, strict=False)) for line in lines[1:] if line[0]}


def test_the_snapshot_keeps_what_it_hides_for_the_departments_own_readers(reported) -> None:
    report = snapshot_report(compiled(Q1))
    rows = {r.get("code"): r for r in report.tables[0].rows}

    assert rows["AAA"].get("memberships") is SUPPRESSED
    whole = report_for_departments(report, {"AAA"}).tables[0].rows[0]
    assert (whole.get("memberships"), whole.get("trained"), whole.get("untrained")) == (3, 1, 2)
    assert "below_target" in whole.flags


def test_op_staff_download_their_own_row_whole_and_nothing_of_another_ministry(
    client, reported
) -> None:
    snapshot = compiled(Q2)
    client.force_login(op_staff(DepartmentFactory._meta.model.objects.get(code="AAA")))

    response = client.get(reverse("reports:download", args=[snapshot.pk, "csv"]))

    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    found = csv_rows(response.content)
    assert set(found) == {"AAA"}
    assert "•" not in ";".join(found["AAA"].values())
    assert "3" in found["AAA"].values()


def test_the_outsiders_and_the_bureaus_files_keep_the_cell_hidden(client, reported, bureau) -> None:
    snapshot = compiled(Q2)
    client.force_login(op_staff(DepartmentFactory._meta.model.objects.get(code="BBB")))
    outsider = csv_rows(client.get(reverse("reports:download", args=[snapshot.pk, "csv"])).content)
    client.force_login(bureau)
    everyone = csv_rows(client.get(reverse("reports:download", args=[snapshot.pk, "csv"])).content)

    assert set(outsider) == {"BBB"}
    assert "•" in ";".join(everyone["AAA"].values())
    assert "•" in ";".join(everyone["BBB"].values())


def test_op_staff_see_their_own_row_whole_on_the_web_page(client, reported) -> None:
    snapshot = compiled(Q2)
    client.force_login(op_staff(DepartmentFactory._meta.model.objects.get(code="AAA")))

    page = client.get(reverse("reports:snapshot", args=[snapshot.pk])).content.decode()

    assert "AAA" in page
    assert "BBB" not in page
    assert "•" not in page.split("<table", 1)[1].split("</table>", 1)[0]
