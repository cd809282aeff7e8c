from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import assert_accessible, log_in
from tests.factories import op_staff

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_login_page_is_accessible_and_dutch(page: Page) -> None:
    page.goto("/accounts/login/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Inloggen")
    assert page.locator("html").get_attribute("lang") == "nl"
    assert_accessible(page, "login")


def test_a_wrong_password_gets_an_error_summary(page: Page, department) -> None:
    op_staff(department, username="op.test")
    log_in(page, "op.test", "fout")
    expect(page.get_by_role("alert")).to_contain_text("Er is een probleem")
    expect(page.locator("#error-summary")).to_be_focused()
    expect(page).to_have_title("Fout: Inloggen – Training Monitor")
    assert_accessible(page, "login-error")


def test_op_staff_log_in_by_keyboard_and_see_their_department(page: Page, department) -> None:
    op_staff(department, username="op.test")
    page.goto("/accounts/login/")
    page.get_by_label("Gebruikersnaam").fill("op.test")
    page.keyboard.press("Tab")
    page.keyboard.type("wachtwoord-123")
    page.keyboard.press("Enter")
    # O&P staff of one department land on its dashboard.
    expect(page.get_by_role("heading", level=1)).to_contain_text(department.code)
    assert_accessible(page, "home")


def test_the_language_can_be_switched_to_english(page: Page) -> None:
    page.goto("/accounts/login/")
    page.get_by_label("Taal").select_option("en")
    page.get_by_role("button", name="Taal wijzigen").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Log in")
    assert_accessible(page, "login-en")
