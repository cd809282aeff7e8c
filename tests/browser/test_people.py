"""The people page and the duplicate warning in the browser, with axe scans."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from departments.models import Person
from tests.browser.conftest import assert_accessible, log_in
from tests.factories import CommitteeFactory, PersonFactory, op_staff

pytestmark = pytest.mark.django_db(transaction=True)


def test_people_are_found_by_employee_number_and_email(page: Page, department) -> None:
    op_staff(department, username="op.personen")
    PersonFactory(
        department=department, first_name="Sanne", last_name="de Wit", employee_number="880011"
    )
    PersonFactory(
        department=department, first_name="Kees", last_name="Bakker", email="kees.b@example.nl"
    )

    log_in(page, "op.personen")
    page.get_by_role("link", name="Mensen", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Mensen")
    page.get_by_label("Mensen zoeken").fill("880011")
    page.get_by_role("button", name="Zoeken").click()
    table = page.get_by_role("table")
    expect(table).to_contain_text("Sanne de Wit")
    expect(table).not_to_contain_text("Kees Bakker")
    expect(table).to_contain_text("Niet getraind")
    expect(page.get_by_role("status")).to_contain_text("1 persoon gevonden")
    assert_accessible(page, "people-search")

    page.get_by_label("Mensen zoeken").fill("kees.b@example")
    page.get_by_role("button", name="Zoeken").click()
    page.get_by_role("link", name="Kees Bakker").click()
    page.get_by_role("link", name="Gegevens wijzigen").click()
    page.get_by_label("Voornaam").fill("Cornelis")
    page.get_by_role("button", name="Opslaan").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Cornelis Bakker")


def test_a_likely_duplicate_is_offered_before_a_new_person(page: Page, department) -> None:
    op_staff(department, username="op.dubbel")
    committee = CommitteeFactory(department=department)
    known = PersonFactory(department=department, first_name="Jan", last_name="van den Berg")

    log_in(page, "op.dubbel")
    page.goto(f"/committees/{committee.pk}/")
    form = page.locator("form", has=page.get_by_role("button", name="Aanmaken en toevoegen"))
    form.get_by_label("Voornaam").fill("jan")
    form.get_by_label("Achternaam").fill("V.d. Berg")
    form.get_by_role("button", name="Aanmaken en toevoegen").click()

    expect(
        page.get_by_role("heading", level=2, name="Deze persoon is misschien al bekend")
    ).to_be_visible()
    assert_accessible(page, "people-duplicate-warning")
    page.get_by_role("button", name="Gekozen persoon toevoegen").click()

    expect(page.get_by_role("status")).to_contain_text("is toegevoegd")
    expect(page.get_by_role("table").first).to_contain_text("Jan van den Berg")
    assert Person.objects.count() == 1
    assert committee.memberships.get().person == known
