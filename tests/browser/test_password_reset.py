"""The password reset pages in the browser, by keyboard, each scanned with axe: from the
login page's "Wachtwoord vergeten?" to logging in with the new password."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import assert_accessible, log_in
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_user_chooses_a_new_password_with_the_link_from_the_e_mail(
    page: Page, mailoutbox
) -> None:
    UserFactory(username="cees", first_name="Cees", email="cees@bzk.example.nl")
    heading = page.get_by_role("heading", level=1)
    page.goto("/accounts/login/")
    page.get_by_role("link", name="Wachtwoord vergeten?").click()
    expect(heading).to_have_text("Wachtwoord vergeten?")
    assert_accessible(page, "password-reset")

    page.get_by_label("E-mailadres").fill("cees@bzk.example.nl")
    page.keyboard.press("Enter")
    expect(heading).to_have_text("Kijk in uw e-mail")
    assert_accessible(page, "password-reset-sent")

    # Sent by the outbox (in-process here); the link is made when it is sent.
    [message] = mailoutbox
    link = re.search(r"https?://\S+/accounts/password/reset/\S+/", message.body)
    assert link
    page.goto(urlsplit(link.group()).path)
    expect(heading).to_have_text("Kies een nieuw wachtwoord")
    assert_accessible(page, "password-reset-choose")

    page.locator("#id_new_password1").fill("kort")
    page.locator("#id_new_password2").fill("kort")
    page.keyboard.press("Enter")
    expect(page.locator("#error-summary")).to_be_visible()
    assert_accessible(page, "password-reset-choose-error")

    page.locator("#id_new_password1").fill("Herfst-in-Den-Haag-9")
    page.locator("#id_new_password2").fill("Herfst-in-Den-Haag-9")
    page.get_by_role("button", name="Nieuw wachtwoord opslaan").click()
    expect(heading).to_have_text("Uw nieuwe wachtwoord is opgeslagen")
    assert_accessible(page, "password-reset-done")

    log_in(page, "cees", "Herfst-in-Den-Haag-9")
    expect(page.get_by_role("button", name="Uitloggen (cees)")).to_be_visible()


def test_a_used_or_wrong_link_says_so_and_offers_a_new_one(page: Page) -> None:
    page.goto("/accounts/password/reset/MQ/verkeerd-teken/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Deze link werkt niet meer")
    assert_accessible(page, "password-reset-invalid-link")
    page.get_by_role("link", name="Nieuwe link aanvragen").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Wachtwoord vergeten?")
