"""Browser tests: Playwright drives Debian's Chromium against the live test server."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from axe_playwright_python.base import AxeResults
from axe_playwright_python.sync_playwright import Axe
from django.conf import settings
from playwright.sync_api import Browser, Page, sync_playwright

# Playwright's sync API runs an event loop in this thread; Django's ORM refuses to run
# inside one unless told that this (test-only) use is deliberate.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

ARTIFACTS = Path(settings.BASE_DIR) / "artifacts" / "screenshots"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    # This machine's network is closed: stop Chromium calling home.
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "tests/browser/" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    executable = shutil.which("chromium") or "/usr/bin/chromium"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser: Browser, live_server) -> Iterator[Page]:
    context = browser.new_context(base_url=live_server.url, locale="nl-NL")
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


# The rules every page is held to: WCAG 2.1 A/AA and axe's best practices, and the
# 24 x 24 px targets (WCAG 2.2's 2.5.8, which axe tags wcag22aa only).
AXE = Axe()
AXE_TAGS = [*WCAG_TAGS, "best-practice"]
AXE_RULES = {"target-size": {"enabled": True}}
AXE_OPTIONS = {
    "runOnly": {"type": "tag", "values": AXE_TAGS},
    "rules": AXE_RULES,
    # Only the violations come back: the passes would be most of the (slow) answer.
    "resultTypes": ["violations"],
}
# Every id an aria-describedby names must exist, or the description is silently lost
# (axe passes the attribute when at least one of its ids exists).
MISSING_DESCRIBEDBY = """() => [...document.querySelectorAll('[aria-describedby]')].flatMap(
  e => e.getAttribute('aria-describedby').split(/\\s+/).filter(
    id => id && !document.getElementById(id)
  ).map(id => `${e.tagName.toLowerCase()}#${e.id}: ${id}`))"""
# An id used twice points labels and descriptions at the wrong element.
DUPLICATE_IDS = """() => [...document.querySelectorAll('[id]')].map(e => e.id).filter(
  (id, i, ids) => ids.indexOf(id) !== i)"""
# The page's width, and how far right anything reaches outside the wide tables' scroll
# regions (a clipped overflow would not show in the page's scroll width).
PAGE_WIDTH = """() => [document.documentElement.scrollWidth, window.innerWidth, Math.max(0, ...[
  ...document.querySelectorAll('body *')].filter(e => !e.parentElement.closest('.table-scroll'))
  .map(e => Math.round(e.getBoundingClientRect().right)))]"""
# WCAG 1.4.12: the text spacing a reader may force (the spacing bookmarklet's values)
# must not clip text or push the page sideways. Set through the CSSOM (the pages' CSP
# forbids inline styles), measured, and taken away again.
TEXT_SPACING = """() => {
  const sheet = new CSSStyleSheet();
  sheet.replaceSync(`* { line-height: 1.5 !important; letter-spacing: .12em !important;
    word-spacing: .16em !important; } p { margin-bottom: 2em !important; }`);
  document.adoptedStyleSheets = [...document.adoptedStyleSheets, sheet];
  const problems = [];
  if (document.documentElement.scrollWidth > innerWidth) {
    problems.push(`the page scrolls sideways: ${document.documentElement.scrollWidth} px`);
  }
  for (const e of document.querySelectorAll('body *')) {
    const skip = '.visually-hidden, svg, input, select, textarea, .table-scroll';
    if (e.closest(skip) || !e.clientHeight) continue;
    const style = getComputedStyle(e);
    if (style.display === 'inline' || ['auto', 'scroll'].includes(style.overflowY)) continue;
    if (e.scrollHeight > e.clientHeight + 1 || (style.overflowX !== 'visible'
        && e.scrollWidth > e.clientWidth + 1)) {
      problems.push(`clipped or overlapping: ${e.tagName.toLowerCase()}.${e.className}`
        + ` "${e.textContent.trim().slice(0, 40)}"`);
    }
  }
  document.adoptedStyleSheets = document.adoptedStyleSheets.filter(s => s !== sheet);
  return problems;
}"""


def screenshot(page: Page, name: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def axe_start(page: Page, *, colours: bool = True) -> None:
    """Start axe in the page's own renderer; `accessibility_problems` reads its answer.
    Started on several pages first, axe checks them side by side. `colours=False` leaves
    out the (slow) colour rules, for a second look at a page whose colours were checked."""
    if not page.evaluate("() => 'axe' in window"):
        page.evaluate(AXE.axe_script)
    options = AXE_OPTIONS
    if not colours:
        rules = {rule: {"enabled": False} for rule in ("color-contrast", "link-in-text-block")}
        options = {**AXE_OPTIONS, "rules": {**AXE_RULES, **rules}}
    page.evaluate("options => { window.axeRun = axe.run(document, options); }", options)


def accessibility_problems(page: Page) -> list[str]:
    """What every page must pass: no sideways scrolling of the page (WCAG 1.4.10, wide
    tables scroll in their own region), text spacing that breaks nothing (1.4.12), every
    aria-describedby id present, no id twice, and zero axe violations of the WCAG 2.1
    A/AA rules, the best practices and the 24 px targets."""
    problems = []
    scroll_width, inner_width, widest = page.evaluate(PAGE_WIDTH)
    if scroll_width > inner_width:
        problems.append(f"the page scrolls sideways: {scroll_width} px wide in {inner_width}")
    if widest > inner_width:
        problems.append(f"something reaches {widest} px in a window of {inner_width}")
    # Synchronous scripts: an axe run started earlier cannot see the spacing in between.
    problems += [f"text spacing: {problem}" for problem in page.evaluate(TEXT_SPACING)]
    problems += [
        f"aria-describedby names no element: {m}" for m in page.evaluate(MISSING_DESCRIBEDBY)
    ]
    problems += [f"the id {id_!r} is used twice" for id_ in page.evaluate(DUPLICATE_IDS)]
    if not page.evaluate("() => 'axeRun' in window"):
        axe_start(page)
    results = AxeResults(page.evaluate("() => window.axeRun"))
    page.evaluate("() => { delete window.axeRun; }")
    if results.violations_count:
        problems.append(results.generate_report())
    return problems


def assert_accessible(page: Page, name: str) -> None:
    """The page passes accessibility_problems; keeps a screenshot."""
    screenshot(page, name)
    problems = accessibility_problems(page)
    assert not problems, "\n".join(problems)


def log_in(page: Page, username: str, password: str = "wachtwoord-123") -> None:
    page.goto("/accounts/login/")
    page.get_by_label("Gebruikersnaam").fill(username)
    page.get_by_label("Wachtwoord").fill(password)
    page.get_by_role("button", name="Inloggen").click()
