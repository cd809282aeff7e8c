"""The O&P staff workflow in the browser, with an axe scan and a screenshot of each page."""

from __future__ import annotations

import datetime

import pytest
from playwright.sync_api import Page, expect

from committees.models import CommitteeJustification, CommitteeStatus, SelectionCommittee
from tests.browser.conftest import assert_accessible, log_in
from tests.factories import (
    CommitteeFactory,
    CompletionFactory,
    MembershipFactory,
    PersonFactory,
    bureau_user,
    op_staff,
)

pytestmark = pytest.mark.django_db(transaction=True)


def set_mode(department, mode: str) -> None:
    department.enforcement_mode = mode
    department.save(update_fields=["enforcement_mode"])


def add_existing_member(page: Page, search: str, role: str) -> None:
    page.get_by_label("Mensen zoeken").fill(search)
    # With JavaScript htmx shows the results as you type; pressing Enter is the same
    # search as the plain form.
    page.get_by_label("Mensen zoeken").press("Enter")
    results = page.locator("#people-results")
    expect(results).to_contain_text(search)
    results.get_by_label("Rol").select_option(label=role)
    results.get_by_role("button", name="Toevoegen aan commissie").click()
    expect(page.get_by_role("status")).to_contain_text("is toegevoegd")


def test_op_staff_log_a_committee_and_meet_the_enforcement_rule(
    page: Page, department, other_department
) -> None:
    set_mode(department, "strict")
    op_staff(department, username="op.test")
    for first, last in [("Anna", "Akkerman"), ("Bram", "Bosman")]:
        person = PersonFactory(department=department, first_name=first, last_name=last)
        CompletionFactory(person=person, session__date=datetime.date(2025, 5, 1))

    log_in(page, "op.test")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Dashboard")
    assert_accessible(page, "dashboard")

    page.get_by_role("link", name="Commissies", exact=True).first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Selectiecommissies")
    assert_accessible(page, "committee-list")

    page.get_by_role("link", name="Nieuwe commissie").click()
    page.get_by_role("button", name="Opslaan").click()
    expect(page.get_by_role("alert")).to_contain_text("Er is een probleem")
    assert_accessible(page, "committee-new-errors")
    page.get_by_label("Vacaturenummer").fill("vac-2030-01")
    page.get_by_label("Functie").fill("Senior beleidsmedewerker")
    page.get_by_label("Gespreksdatum").fill("2030-01-15")
    page.get_by_role("button", name="Opslaan").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("VAC-2030-01")

    add_existing_member(page, "Akkerman", "Voorzitter")
    add_existing_member(page, "Bosman", "Lid")
    assert_accessible(page, "committee-search")

    new_person = page.locator("form", has=page.get_by_role("button", name="Aanmaken en toevoegen"))
    new_person.get_by_label("Voornaam").fill("Cor")
    new_person.get_by_label("Achternaam").fill("Nieuw")
    new_person.get_by_label("E-mailadres").fill("cor.nieuw@example.nl")
    new_person.get_by_label("Rol").select_option(label="HR-adviseur")
    new_person.get_by_role("button", name="Aanmaken en toevoegen").click()

    members = page.get_by_role("table")
    expect(members.get_by_role("row")).to_have_count(4)
    expect(members).to_contain_text("Niet getraind")
    expect(members.get_by_text("Niet getraind")).to_have_count(1)
    expect(page.get_by_text("2 van 3 getraind")).to_be_visible()
    assert_accessible(page, "committee-detail")

    # Strict: confirming is refused while Cor Nieuw is not trained or registered.
    page.get_by_role("link", name="Commissie wijzigen").click()
    page.get_by_label("Status").select_option(label="Bevestigd")
    page.get_by_role("button", name="Opslaan").click()
    expect(page.get_by_role("alert")).to_contain_text("Cor Nieuw")
    assert_accessible(page, "committee-strict-blocked")
    committee = SelectionCommittee.objects.get()
    assert committee.status == CommitteeStatus.PLANNED

    # Justify: the same step needs a written reason, which is then shown and kept.
    set_mode(department, "justify")
    page.get_by_role("button", name="Opslaan").click()
    expect(page.get_by_role("alert")).to_contain_text("Schrijf op waarom")
    assert_accessible(page, "committee-justify-asked")
    reason = "De workshop van januari is vol; Cor volgt hem in maart."
    page.get_by_label("Verantwoording").fill(reason)
    page.get_by_role("button", name="Opslaan").click()
    expect(page.get_by_text("De workshop van januari is vol")).to_be_visible()
    assert_accessible(page, "committee-justified")
    given_by = CommitteeJustification.objects.get().created_by
    assert given_by is not None
    assert given_by.username == "op.test"

    page.get_by_role("link", name="Cor Nieuw", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Cor Nieuw")
    assert_accessible(page, "person")

    # Another department's O&P staff get nothing.
    page.get_by_role("button", name="Uitloggen").click()
    op_staff(other_department, username="op.ander")
    log_in(page, "op.ander")
    response = page.goto(f"/committees/{committee.pk}/")
    assert response is not None
    assert response.status == 404
    page.goto("/committees/")
    expect(page.get_by_role("main")).not_to_contain_text("VAC-2030-01")
    response = page.goto(f"/departments/{department.code}/")
    assert response is not None
    assert response.status == 404


def test_remove_a_member_by_keyboard(page: Page, department) -> None:
    op_staff(department, username="op.test")
    membership = MembershipFactory(
        committee__department=department, person__first_name="Dirk", person__last_name="Weg"
    )
    log_in(page, "op.test")
    page.goto(f"/committees/{membership.committee.pk}/")
    page.get_by_role("link", name="Verwijderen Dirk Weg").focus()
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Lid verwijderen")
    assert_accessible(page, "member-remove")
    page.get_by_role("button", name="Verwijderen").focus()
    page.keyboard.press("Enter")
    expect(page.get_by_role("status")).to_contain_text("Dirk Weg is uit de commissie verwijderd")


def test_the_bureau_sees_the_overview_and_the_what_if_view(
    page: Page, department, other_department
) -> None:
    set_mode(department, "advisory")
    held = CommitteeFactory(
        department=department, status=CommitteeStatus.HELD, interview_date=datetime.date.today()
    )
    MembershipFactory(committee=held)
    user = bureau_user()
    log_in(page, user.username)
    expect(page.get_by_role("table")).to_contain_text(department.code)
    assert_accessible(page, "bureau-home")
    page.get_by_role("link", name="Wat als elk ministerie streng handhaaft?").click()
    expect(page.get_by_role("table")).to_contain_text(department.code)
    assert_accessible(page, "what-if-strict")
    page.goto(f"/departments/{department.code}/")
    expect(page.locator("img.chart-image")).to_have_count(1)
    assert_accessible(page, "bureau-dashboard")
