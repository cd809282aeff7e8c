"""Every form of every page, sent empty: its errors are linked, summarised and announced.

The URL patterns come from the URL resolver (as in the form fuzz test), so a form added
later is checked without touching this test. Each page is opened and each of its POST
forms sent with every field empty, as an administrator and as O&P staff. On the page
that comes back, and on the page that was opened:

- every aria-describedby names ids that exist, and no id is used twice;
- an error under a field (`<auto_id>_error`) is named by that field's aria-describedby,
  and the field carries aria-invalid="true";
- a page with errors starts main with the error summary, which has the focus on load
  (autofocus), links to controls that exist, and the title starts with "Fout:".
"""

from __future__ import annotations

from dataclasses import dataclass, field
from html.parser import HTMLParser

import pytest
from django.conf import settings
from django.test import Client

from tests.factories import CommitteeFactory
from tests.security.test_form_fuzz import app_urls, form_fields, objects

# `objects`, the fuzz test's fixture (one of everything a URL can point to), is used
# by name as a fixture; naming it here keeps the import.
__all__ = ["objects"]

pytestmark = pytest.mark.django_db

# Pages whose POST ends the session, switches the language or is a login form with its
# own lockout (tests/test_page_errors.py sends the login form); the password change still
# renders with the admin's own templates, not base.html.
SKIPPED = ("/accounts/logout/", "/accounts/login/", "/i18n/setlang/", "/accounts/password/")


@dataclass
class Page:
    ids: list[str] = field(default_factory=list)
    described: dict[str, list[str]] = field(default_factory=dict)  # control id -> ids
    invalid: set[str] = field(default_factory=set)
    autofocus: list[str] = field(default_factory=list)
    summary_links: list[str] = field(default_factory=list)
    first_in_main: str = ""
    title: str = ""


class _Reader(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.page = Page()
        self._in_title = False
        self._in_summary = 0
        self._in_main = False
        self._anonymous = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = {key: value or "" for key, value in attrs}
        page = self.page
        element_id = attributes.get("id", "")
        if element_id:
            page.ids.append(element_id)
        if self._in_main and not page.first_in_main:
            page.first_in_main = element_id or tag
        if tag == "main":
            self._in_main = True
        self._in_title = tag == "title"
        key = element_id or f"<{tag} #{self._anonymous}>"
        self._anonymous += 1
        if attributes.get("aria-describedby"):
            page.described[key] = attributes["aria-describedby"].split()
        if attributes.get("aria-invalid") == "true":
            page.invalid.add(key)
        if "autofocus" in attributes:
            page.autofocus.append(key)
        if self._in_summary:
            self._in_summary += 1
            if tag == "a":
                page.summary_links.append(attributes.get("href", ""))
        elif element_id == "error-summary":
            self._in_summary = 1

    def handle_endtag(self, tag: str) -> None:
        if self._in_summary:
            self._in_summary -= 1
        if tag == "title":
            self._in_title = False

    def handle_data(self, data: str) -> None:
        if self._in_title:
            self.page.title += data


def read(html: str) -> Page:
    reader = _Reader()
    reader.feed(html)
    return reader.page


def problems(url: str, html: str) -> list[str]:
    page = read(html)
    found = []
    ids = set(page.ids)
    duplicates = {i for i in page.ids if page.ids.count(i) > 1}
    if duplicates:
        found.append(f"{url}: ids used twice: {sorted(duplicates)}")
    for control, named in page.described.items():
        if missing := [i for i in named if i not in ids]:
            found.append(f"{url}: {control} is described by missing ids {missing}")
    for error_id in (i for i in page.ids if i.endswith("_error")):
        owners = [c for c, named in page.described.items() if error_id in named]
        if not owners:
            found.append(f"{url}: no field is described by {error_id}")
        elif not any(o in page.invalid or o.startswith("<fieldset") for o in owners):
            found.append(f"{url}: the field described by {error_id} is not aria-invalid")
    failed = "error-summary" in ids or any(i.endswith("_error") for i in page.ids)
    if failed:
        if page.first_in_main != "error-summary":
            found.append(f"{url}: main starts with {page.first_in_main}, not the summary")
        if page.autofocus[:1] != ["error-summary"]:
            found.append(f"{url}: the focus goes to {page.autofocus}, not the summary")
        if not page.title.strip().startswith("Fout: "):
            found.append(f"{url}: the title is {page.title.strip()!r}")
        for href in page.summary_links:
            if not href.startswith("#") or href[1:] not in ids:
                found.append(f"{url}: the summary links to {href}, which is not on the page")
    return found


def check(client: Client, url: str, summarised: set[str]) -> list[str]:
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "nl"
    page = client.get(url)
    if page.status_code != 200 or "text/html" not in page.get("Content-Type", ""):
        return []
    found = problems(f"GET {url}", page.content.decode())
    fields = form_fields(page.content.decode())
    if fields:
        response = client.post(url, dict.fromkeys(fields, ""), follow=True)
        if "text/html" in response.get("Content-Type", ""):
            html = response.content.decode()
            found += problems(f"POST {url}", html)
            if 'id="error-summary"' in html:
                summarised.add(url)
    return found


def test_every_form_sent_empty_links_summarises_and_announces_its_errors(
    client, objects, department, op_user, admin_user_
) -> None:
    CommitteeFactory(department=department)  # a committee to copy members from
    urls = [url for url in app_urls(objects) if not url.startswith(SKIPPED)]
    found: list[str] = []
    summarised: set[str] = set()
    for user in (op_user, admin_user_):
        for url in urls:
            client.force_login(user)
            found += check(client, url, summarised)
    assert not found, "\n".join(found)
    # The walk reached the forms: these answer an empty form with their summary.
    for url in ("/committees/new/", f"/committees/{objects['committees/']}/edit/", "/imports/"):
        assert url in summarised
    assert len(summarised) >= 12


def test_the_check_sees_a_page_that_gets_it_wrong() -> None:
    wrong = """<html><head><title>Nieuwe commissie</title></head><body><main>
      <h1>Nieuwe commissie</h1>
      <p class="field-error" id="id_vacancy_reference-error">Dit veld is verplicht.</p>
      <input id="id_vacancy_reference" aria-describedby="id_vacancy_reference_error">
    </main></body></html>"""
    found = "\n".join(problems("/x/", wrong))
    assert "described by missing ids ['id_vacancy_reference_error']" in found
