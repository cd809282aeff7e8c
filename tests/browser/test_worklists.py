"""Work lists in the browser: paste members, copy members, download lists (with axe)."""

from __future__ import annotations

import csv
import datetime
import io
import re

import openpyxl
import pytest
from playwright.sync_api import Page, expect

from committees.models import CommitteeJustification, CommitteeStatus
from tests.browser.conftest import assert_accessible, log_in
from tests.factories import (
    CommitteeFactory,
    CompletionFactory,
    MembershipFactory,
    PersonFactory,
    op_staff,
)

pytestmark = pytest.mark.django_db(transaction=True)
FUTURE = datetime.date(2030, 1, 15)


def test_op_staff_paste_a_list_of_members_preview_and_add_them(page: Page, department) -> None:
    department.enforcement_mode = "justify"
    department.save(update_fields=["enforcement_mode"])
    op_staff(department, username="op.test")
    committee = CommitteeFactory(
        department=department,
        vacancy_reference="PLAK-1",
        interview_date=FUTURE,
        status=CommitteeStatus.CONFIRMED,
    )
    anna = PersonFactory(
        department=department, first_name="Anna", last_name="Akkerman", employee_number="100001"
    )
    CompletionFactory(person=anna, session__date=datetime.date(2029, 5, 1))
    PersonFactory(
        department=department, first_name="Bram", last_name="Bosman", email="bram@example.nl"
    )
    log_in(page, "op.test")
    page.goto(f"/committees/{committee.pk}/")
    page.get_by_role("link", name="leden toevoegen uit een lijst").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Leden toevoegen uit een lijst")
    page.get_by_label("Personeelsnummers of e-mailadressen").fill("100001, bram@example.nl\n999999")
    page.get_by_role("button", name="Laat zien wie er gevonden is").click()
    plan = page.get_by_role("table")
    expect(plan.get_by_role("row")).to_have_count(4)
    expect(plan).to_contain_text("Anna Akkerman")
    expect(plan).to_contain_text("Niet gevonden")
    assert_accessible(page, "bulk-add-preview")

    page.get_by_role("button", name="2 mensen toevoegen").click()
    expect(page.get_by_role("alert")).to_contain_text("Bram Bosman")
    assert_accessible(page, "bulk-add-justification-asked")
    page.get_by_label("Verantwoording voor de leden die niet getraind zijn").fill(
        "Bram volgt de training in december."
    )
    page.get_by_role("button", name="2 mensen toevoegen").click()
    expect(page.get_by_role("status").first).to_contain_text("2 leden zijn toegevoegd")
    # The line that was not found stays in the box, to correct.
    expect(page.get_by_label("Personeelsnummers of e-mailadressen")).to_have_value("999999")
    assert_accessible(page, "bulk-add-done")
    assert committee.memberships.count() == 2
    assert CommitteeJustification.objects.get().text == "Bram volgt de training in december."


def test_op_staff_copy_the_members_of_an_earlier_committee(page: Page, department) -> None:
    op_staff(department, username="op.test")
    earlier = CommitteeFactory(department=department, vacancy_reference="OUD-1")
    for first, last in [("Cas", "Claassen"), ("Dina", "Dekker")]:
        MembershipFactory(
            committee=earlier,
            person=PersonFactory(department=department, first_name=first, last_name=last),
        )
    committee = CommitteeFactory(
        department=department, vacancy_reference="NIEUW-1", interview_date=FUTURE
    )
    log_in(page, "op.test")
    page.goto(f"/committees/{committee.pk}/")
    page.get_by_role("link", name="leden van een andere commissie kopiëren").click()
    source = page.get_by_label("Kopieer de leden van")
    expect(source).to_contain_text("OUD-1")
    source.select_option(value=str(earlier.pk))
    page.get_by_role("button", name="Laat de leden zien").click()
    expect(page.get_by_role("table")).to_contain_text("Dina Dekker")
    assert_accessible(page, "copy-members-preview")
    page.get_by_role("button", name="2 mensen toevoegen").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("NIEUW-1")
    members = page.get_by_role("table", name="Leden en hun training")
    expect(members).to_contain_text("Cas Claassen")
    expect(members).to_contain_text("Dina Dekker")


def test_op_staff_download_the_filtered_committee_list_and_the_action_list(
    page: Page, department, other_department
) -> None:
    op_staff(department, username="op.test")
    CommitteeFactory(
        department=department,
        vacancy_reference="BEVESTIGD-1",
        status=CommitteeStatus.CONFIRMED,
        interview_date=FUTURE,
    )
    MembershipFactory(
        committee__department=department,
        committee__vacancy_reference="GEPLAND-1",
        committee__interview_date=FUTURE,
        person__last_name="Ongetraind",
    )
    CommitteeFactory(department=other_department, vacancy_reference="VREEMD-1")
    log_in(page, "op.test")
    page.goto("/committees/")
    page.get_by_label("Status").select_option(label="Bevestigd")
    page.get_by_role("button", name="Filter").click()
    with page.expect_download() as download_info:
        page.get_by_role("link", name="CSV (commissielijst)").click()
    download = download_info.value
    assert download.suggested_filename.startswith("commissies-")
    with open(download.path(), encoding="utf-8-sig") as handle:
        rows = list(csv.reader(handle, delimiter=";"))
    assert [row[0] for row in rows] == ["Vacaturenummer", "BEVESTIGD-1"]

    page.goto(f"/departments/{department.code}/")
    with page.expect_download() as download_info:
        page.get_by_role("link", name="XLSX (actielijst)").click()
    with open(download_info.value.path(), "rb") as handle:
        sheet = openpyxl.load_workbook(io.BytesIO(handle.read())).worksheets[0]
    names = [row[5] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert len(names) == 1
    assert names[0].endswith("Ongetraind")


def test_a_long_list_is_prepared_in_the_background_and_downloaded(
    page: Page, department, settings
) -> None:
    settings.EXPORT_BACKGROUND_ROWS = 1
    op_staff(department, username="op.test")
    for reference in ("LANG-1", "LANG-2"):
        CommitteeFactory(department=department, vacancy_reference=reference)
    log_in(page, "op.test")
    page.goto("/committees/")
    page.get_by_role("link", name="CSV (commissielijst)").click()
    expect(page.locator("main")).to_contain_text("Deze lijst heeft 2 rijen.")
    assert_accessible(page, "download-long-list")
    page.get_by_role("button", name="Het CSV-bestand klaarzetten").click()
    expect(page.get_by_role("status").last).to_contain_text("Klaar")
    assert_accessible(page, "download-prepared")
    with page.expect_download() as download_info:
        page.get_by_role("link", name=re.compile("commissies-.*downloaden")).click()
    with open(download_info.value.path(), encoding="utf-8-sig") as handle:
        text = handle.read()
    assert "LANG-1" in text
    assert "LANG-2" in text
