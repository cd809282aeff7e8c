"""The reports pages in the browser: compile a quarter, watch it finish, read it; axe scans."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import assert_accessible, log_in
from tests.factories import bureau_user, op_staff
from tests.reports.conftest import World, world

__all__ = ["world"]  # the reports fixture, shared with tests/reports

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_bureau_compiles_a_quarter_and_reads_it(page: Page, world: World) -> None:
    user = bureau_user()
    log_in(page, user.username)
    page.goto("/reports/")
    assert_accessible(page, "reports-index")
    page.get_by_role("textbox", name="Kwartaal").fill("1e kwartaal 2025")
    page.get_by_role("combobox", name="Rapportage").select_option("all")
    page.get_by_role("button", name="Maken").click()
    expect(page.locator("#job-status")).to_contain_text("Klaar")
    assert_accessible(page, "reports-job")
    page.get_by_role("link", name="Overzicht voor de ICOP 1e kwartaal 2025 v1").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Overzicht voor de ICOP")
    expect(page.locator("img.chart-image").first).to_be_visible()
    assert_accessible(page, "reports-snapshot-icop")


def test_op_staff_read_their_own_department_only(page: Page, world: World) -> None:
    from reports.models import Trigger
    from reports.services import report_compile

    snapshot, _ = report_compile(
        kind="regiegroep", quarter="2025Q1", requested_by=None, trigger=Trigger.COMMAND
    )
    user = op_staff(world.aaa, username="op.aaa")
    log_in(page, user.username)
    page.goto(f"/reports/{snapshot.pk}/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Regiegroep")
    expect(page.locator("main")).not_to_contain_text("Ministerie B")
    assert_accessible(page, "reports-snapshot-op-staff")
