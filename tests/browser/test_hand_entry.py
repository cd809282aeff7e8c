"""Entering a training by hand from the committee page, and a colleague confirming it."""

from __future__ import annotations

import datetime

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import assert_accessible, log_in
from tests.factories import CommitteeFactory, MembershipFactory, SessionFactory, op_staff
from trainings.models import TrainingCompletion

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_hand_entry_counts_once_a_colleague_confirms_it(page: Page, department) -> None:
    op_staff(department, username="op.invoer")
    op_staff(department, username="op.controle")
    SessionFactory(date=datetime.date(2025, 5, 1), place="Den Haag")
    committee = CommitteeFactory(department=department, interview_date=datetime.date(2025, 6, 16))
    MembershipFactory(committee=committee, person__first_name="Dirk", person__last_name="Dekker")

    log_in(page, "op.invoer")
    page.goto(f"/committees/{committee.pk}/")
    expect(page.get_by_role("table").first).to_contain_text("Niet getraind")
    page.get_by_role("link", name="Training met de hand invoeren voor Dirk Dekker").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Training met de hand invoeren")
    page.get_by_role("button", name="Training opslaan").click()
    expect(page.get_by_role("alert")).to_contain_text("Er is een probleem")
    assert_accessible(page, "hand-entry-errors")
    # The form lists the sessions of the last weeks; this one is older.
    page.get_by_label("Datum van de sessie").fill("2025-05-01")
    page.get_by_role("button", name="Toon de sessies rond deze datum").click()
    page.get_by_label("Sessie", exact=True).select_option(index=1)
    page.get_by_label("Bewijs").fill("Certificaat gezien, map P-12")
    page.get_by_role("button", name="Training opslaan").click()

    expect(page.get_by_role("heading", level=1)).to_contain_text(committee.vacancy_reference)
    expect(page.get_by_role("status")).to_contain_text("De training is opgeslagen")
    expect(page.get_by_role("table").first).to_contain_text("Wacht op bevestiging")

    page.context.clear_cookies()
    log_in(page, "op.controle")
    page.get_by_role(
        "link", name="Eén met de hand ingevoerde training wacht op uw bevestiging."
    ).click()
    heading = page.get_by_role("heading", level=1)
    expect(heading).to_have_text("Trainingen die wachten op bevestiging")
    assert_accessible(page, "hand-entry-to-confirm")
    page.get_by_role("button", name="Bevestigen – training van Dirk Dekker").click()
    expect(page.get_by_role("status")).to_contain_text("is bevestigd")

    page.goto(f"/committees/{committee.pk}/")
    expect(page.get_by_role("table").first).to_contain_text("Getraind")
    completion = TrainingCompletion.objects.get(person__last_name="Dekker")
    assert completion.confirmed_by is not None
    assert completion.confirmed_by.username == "op.controle"
