"""The Django admin passes axe: every registered admin's list, add and change page, the
history pages and the attendance import, as an administrator sees them in Dutch.

One browser context and one login for all pages (tests/admin_pages.py lists them). axe
runs the WCAG 2.1 A/AA rules plus best practice, and target-size (WCAG 2.2, 24 by 24
px); every id an aria-describedby names must exist. The admin is a desktop tool for a
few administrators: it is not required to reflow at 320 px (its lists scroll sideways),
so scrollWidth is not checked here.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser, Page

from tests.admin_pages import admin_pages, admin_sample_objects
from tests.browser.conftest import WCAG_TAGS, log_in
from tests.factories import administrator

pytestmark = pytest.mark.django_db(transaction=True)

AXE_OPTIONS: dict[str, Any] = {
    "runOnly": {"type": "tag", "values": [*WCAG_TAGS, "best-practice"]},
    "rules": {"target-size": {"enabled": True}},
    "resultTypes": ["violations"],
}

# What the admin's scripts write in English when their Dutch is missing (djangojs): the
# many-item selector (a ministry's O&P staff), the date and time shortcuts.
SCRIPT_ENGLISH = re.compile(
    r"\b(Choose all|Choose selected|Remove all|Remove selected|Available|Chosen|"
    r"click to clear|Today|Now|Yesterday|Tomorrow|Midnight|Noon|Show|Hide)\b"
)

# Every aria-describedby id that names no element on the page.
MISSING_DESCRIPTIONS = """() => [...document.querySelectorAll('[aria-describedby]')].flatMap(
  (el) => el.getAttribute('aria-describedby').split(/\\s+/).filter(
    (id) => id && !document.getElementById(id)).map((id) => `${el.tagName}#${el.id}: ${id}`))"""


def _problems(page: Page) -> list[str]:
    result = page.evaluate("(options) => axe.run(document, options)", AXE_OPTIONS)
    found = [
        f"{violation['id']}: {[node['target'] for node in violation['nodes']][:5]}"
        for violation in result["violations"]
    ]
    found += [f"aria-describedby {m}" for m in page.evaluate(MISSING_DESCRIPTIONS)]
    shown = page.evaluate(
        "() => document.body.innerText + ' ' + [...document.querySelectorAll("
        "'[title], [aria-label]')].map((e) => e.title + ' ' + e.getAttribute('aria-label'))"
        ".join(' ')"
    )
    return found + [f"English from a script: {m}" for m in set(SCRIPT_ENGLISH.findall(shown))]


def test_every_admin_page_passes_axe_and_names_existing_descriptions(
    browser: Browser, live_server
) -> None:
    user = administrator()
    # A superuser administrator: the login logs (django-axes) are for superusers only,
    # and they must pass too.
    user.is_superuser = True
    user.save()
    pages = admin_pages(admin_sample_objects(user), user)
    context = browser.new_context(base_url=live_server.url, locale="nl-NL")
    # axe-core in every page as it loads, instead of sent over for each page.
    context.add_init_script(script=Axe().axe_script)
    page = context.new_page()
    page.set_default_timeout(10_000)
    log_in(page, user.username)
    problems: dict[str, list[str]] = {}
    for admin_page in pages:
        response = page.goto(admin_page.url)
        assert response is not None, admin_page
        assert response.status == 200, admin_page
        found = _problems(page)
        if found:
            problems[admin_page.name] = found
    context.close()
    report = json.dumps(problems, indent=1)
    Path(__file__).parent.parent.parent.joinpath("artifacts").mkdir(exist_ok=True)
    Path(__file__).parent.parent.parent.joinpath("artifacts", "admin-axe.json").write_text(report)
    assert problems == {}, report
