"""The supplier comparison in the browser: without JavaScript, at 320 px, with axe."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.browser.conftest import assert_accessible, log_in
from tests.factories import bureau_user
from tests.reports.conftest import World, world

__all__ = ["world"]  # the reports fixture, shared with tests/reports

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def narrow_page(browser: Browser, live_server) -> Iterator[Page]:
    """A phone-sized window (320 CSS px wide: WCAG 1.4.10 reflow)."""
    context = browser.new_context(
        base_url=live_server.url, locale="nl-NL", viewport={"width": 320, "height": 640}
    )
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


@pytest.fixture
def page_without_javascript(browser: Browser, live_server) -> Iterator[Page]:
    context = browser.new_context(
        base_url=live_server.url, locale="nl-NL", java_script_enabled=False
    )
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


def choose_period(page: Page) -> None:
    page.goto("/reports/")
    page.get_by_role("link", name="Vergelijking van leveranciers").click()
    page.get_by_role("textbox", name="Van kwartaal").fill("Q4 2024")
    page.get_by_role("textbox", name="Tot en met kwartaal").fill("2025Q1")
    page.get_by_role("button", name="Tonen").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(
        "4e kwartaal 2024 tot en met 1e kwartaal 2025"
    )


def test_the_bureau_compares_suppliers_without_javascript(
    page_without_javascript: Page, world: World
) -> None:
    page = page_without_javascript
    log_in(page, bureau_user().username)
    choose_period(page)
    expect(page.get_by_role("region", name="Leveranciers vergeleken")).to_contain_text("Tweede BV")
    with page.expect_download() as download:
        page.get_by_role("link", name="PDF").click()
    assert download.value.suggested_filename == "suppliers_2024Q4-2025Q1.pdf"


def test_the_page_reflows_at_320_px_and_passes_axe(narrow_page: Page, world: World) -> None:
    page = narrow_page
    log_in(page, bureau_user().username)
    choose_period(page)
    # Wide tables scroll inside their region; the page itself does not scroll sideways.
    assert page.evaluate("document.documentElement.scrollWidth") <= 320
    assert_accessible(page, "reports-suppliers-320")
