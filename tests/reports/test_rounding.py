"""A share is rounded once, from the exact fraction: 28/52 = 53.846% shows as 53.8% in
every export, never as 53.85% rounded again to 53.9%."""

from __future__ import annotations

import csv
import io
from decimal import Decimal

import openpyxl
import pytest
from django.utils import translation
from pypdf import PdfReader

from reports.figures import icop_report, share
from reports.models import SelfReportedFigures
from reports.presentation.charts import alt_text, chart_table
from reports.presentation.csv_export import export_csv
from reports.presentation.pdf import render_pdf
from reports.presentation.tables import Report
from reports.presentation.xlsx import write_xlsx
from reports.quarters import Quarter
from tests.reports.conftest import World, table_of

pytestmark = pytest.mark.usefixtures("no_suppression")
EXACT = Decimal(28) / Decimal(52)


@pytest.fixture
def report(world: World) -> Report:
    """The ICOP total of 2025Q1 is 28 of 52 memberships trained: AAA's registered 2 of 3
    plus CCC's self-reported 26 of 49."""
    SelfReportedFigures.objects.create(
        department=world.ccc,
        quarter="2025Q1",
        committees=10,
        compliant_committees=5,
        memberships=49,
        trained_memberships=26,
        people_trained=20,
    )
    with translation.override("nl"):
        return icop_report(Quarter(2025, 1))


def test_a_share_is_the_exact_fraction() -> None:
    assert share(28, 52) == EXACT
    assert share(28, 52) != Decimal("0.5385")


def test_the_figures_keep_the_exact_share(report: Report) -> None:
    total = table_of(report, "departments").total_row
    assert total is not None
    assert total.get("share_trained") == EXACT
    point = dict(zip(report.charts[0].x_labels, report.charts[0].series[0].values, strict=True))
    assert point["2025Q1"] == EXACT


def test_the_snapshot_keeps_the_exact_share(report: Report) -> None:
    again = Report.from_dict(report.to_dict())
    assert table_of(again, "departments").total_row.get("share_trained") == EXACT  # type: ignore[union-attr]


def test_the_csv_shows_53_8(report: Report) -> None:
    with translation.override("nl"):
        files = export_csv(report)
    name = next(n for n in files if n.endswith("_departments.csv"))
    lines = list(csv.reader(io.StringIO(files[name].decode("utf-8-sig")), delimiter=";"))
    column = lines[0].index("Deel getraind (%)")
    assert lines[-1][column] == "53,8"
    chart = next(n for n in files if n.endswith("_trend-compliance.csv"))
    assert ";53,8;" in files[chart].decode("utf-8-sig")
    assert "53,9" not in files[name].decode("utf-8-sig") + files[chart].decode("utf-8-sig")


def test_the_xlsx_holds_the_exact_share_with_one_decimal_shown(report: Report) -> None:
    out = io.BytesIO()
    with translation.override("nl"):
        write_xlsx(report, out)
    out.seek(0)
    book = openpyxl.load_workbook(out)
    sheet = book[table_of(report, "departments").title[:31]]
    header = [cell.value for cell in sheet[1]]
    column = header.index("Deel getraind") + 1
    total = sheet.cell(sheet.max_row, column)
    assert total.value == pytest.approx(float(EXACT), abs=1e-12)
    assert total.number_format == "0.0%"


def test_the_pdf_shows_53_8(report: Report) -> None:
    with translation.override("nl"):
        text = "".join(
            page.extract_text() for page in PdfReader(io.BytesIO(render_pdf(report))).pages
        )
    assert "53,8%" in text
    assert "53,9%" not in text


def test_the_chart_summary_shows_53_8(report: Report) -> None:
    chart = report.charts[0]
    with translation.override("nl"):
        assert "53,8%" in alt_text(chart)
        assert "53,9%" not in alt_text(chart)
    assert chart_table(chart).rows[-1].get("series-0") == EXACT


def test_the_snapshot_page_shows_53_8(client, bureau, report: Report) -> None:
    from django.urls import reverse

    from reports.models import Trigger
    from reports.services import report_compile

    snapshot, _created = report_compile(
        kind="icop", quarter="2025Q1", requested_by=None, trigger=Trigger.COMMAND
    )
    client.force_login(bureau)
    page = client.get(reverse("reports:snapshot", args=[snapshot.pk])).content.decode()
    assert "53,8%" in page
    assert "53,9%" not in page
