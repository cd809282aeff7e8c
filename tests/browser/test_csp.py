"""In Chromium, the Content-Security-Policy blocks nothing our pages or the admin need."""

from __future__ import annotations

import pytest
from playwright.sync_api import ConsoleMessage, Page, expect

from tests.browser.conftest import log_in
from tests.factories import PersonFactory, UserFactory, bureau_user, op_staff

pytestmark = pytest.mark.django_db(transaction=True)


def watch_violations(page: Page) -> list[str]:
    violations: list[str] = []

    def on_console(message: ConsoleMessage) -> None:
        if "Content Security Policy" in message.text:
            violations.append(f"{page.url}: {message.text[:120]}")

    page.on("console", on_console)
    page.on("pageerror", lambda error: violations.append(str(error)))
    return violations


def test_the_login_page_and_the_bureaus_home_page_run_without_csp_violations(page: Page) -> None:
    violations = watch_violations(page)
    bureau = bureau_user()
    page.goto("/accounts/login/")
    page.get_by_label("Taal", exact=True).select_option("en")
    page.get_by_role("button", name="Taal wijzigen").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    page.get_by_label("Username").fill(bureau.username)
    page.get_by_label("Password").fill("wachtwoord-123")
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("navigation")).to_be_visible()
    # htmx, loaded from our own origin, is running.
    assert page.evaluate("typeof window.htmx") == "object"
    assert violations == []


def test_the_department_dashboard_runs_without_csp_violations(page: Page, department) -> None:
    violations = watch_violations(page)
    op_staff(department, username="op.test")
    log_in(page, "op.test")
    expect(page.get_by_role("heading", level=1)).to_contain_text(department.code)
    assert violations == []


def test_the_admin_runs_without_csp_violations(page: Page, department) -> None:
    violations = watch_violations(page)
    UserFactory(username="root", is_superuser=True, is_staff=True)
    person = PersonFactory(department=department)
    log_in(page, "root")
    for path in (
        "/admin/",
        "/admin/departments/person/",
        f"/admin/departments/person/{person.pk}/change/",
        f"/admin/departments/person/{person.pk}/history/",
        "/admin/departments/person/export/",
    ):
        page.goto(path)
        expect(page.locator("#content")).to_be_visible()
    assert violations == []
