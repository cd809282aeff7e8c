"""The admin in Dutch: every admin page (tests/admin_pages.py), rendered in Dutch, holds
no English that Django, its packages or the project left behind.

Two checks on the text of each page (text, and the title, aria-label, alt, placeholder
and button texts): no message of a catalog of Django or of an installed package that
has no Dutch translation (so a new package, or a new version with new strings, fails
here), and none of the English the pages showed before (KNOWN_ENGLISH: what bypasses
gettext, such as names stored or written in English). Also what the admin shows instead
of raw values: status changes with their labels, an import's counts as a table.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from functools import cache
from html.parser import HTMLParser
from pathlib import Path

import django
import pytest
from django.apps import apps
from django.urls import reverse
from django.utils import translation
from django.utils.translation import trans_real
from django_celery_beat.models import CrontabSchedule

from imports.models import ImportBatch
from tests.admin_pages import admin_pages, admin_sample_objects
from tests.factories import administrator
from training_monitor.admin_packages import crontab_in_words

pytestmark = pytest.mark.django_db

# English the admin showed in Dutch before, none of it through a catalog: permission
# names and axes' row names stored or written in English, simple-history's raw values,
# cron-descriptor's words, Django's hard-coded icon texts, celery-beat's field names.
KNOWN_ENGLISH = [
    "Can add",
    "Can change",
    "Can delete",
    "Can view",
    "historical",
    "planned → confirmed",
    "None",
    "True",
    "False",
    "Search",
    "Attempted Access",
    "Attempt Remaining",
    "Access Log for",
    "Failed access",
    "Access attempt expiration",
    "Every minute",
    "At 06:00",
    "Task Name",
    "Crontab translation",
    "Scheduler",
    "Model name",
    "Add link",
    "View history",
    '"total":',
    '"message":',
    '"filename":',
]

# Words that are the same in Dutch, or names: not English leftovers.
SAME_IN_DUTCH = {"Status", "Filter", "Online", "Code", "Score", "Interval", "E-mail", "HTML"}

# Text an administrator reads; attributes that a screen reader reads out, too.
READ_ATTRIBUTES = ("title", "aria-label", "alt", "placeholder")


class _Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.skipping = 0
        self.fragments: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("script", "style", "template"):
            self.skipping += 1
        values = dict(attrs)
        self.fragments += [values[name] or "" for name in READ_ATTRIBUTES if name in values]
        if tag == "input" and values.get("type") in ("submit", "button"):
            self.fragments.append(values.get("value") or "")

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style", "template"):
            self.skipping -= 1

    def handle_data(self, data: str) -> None:
        if not self.skipping:
            self.fragments.append(" ".join(data.split()))


def page_text(html: str) -> set[str]:
    parser = _Text()
    parser.feed(html)
    return {fragment for fragment in parser.fragments if fragment}


def _msgids(path: Path) -> Iterator[tuple[str | None, str]]:
    """(context, msgid) of each entry of a .po file (a small reader: some packages'
    headers trip Babel's)."""
    entry: dict[str, str] = {}
    key = ""
    for raw in [*path.read_text(encoding="utf-8").splitlines(), ""]:
        line = raw.strip()
        keyword = re.match(r"(msgctxt|msgid_plural|msgid|msgstr(?:\[\d+\])?)\s+(\".*\")$", line)
        starts_entry = keyword is not None and keyword.group(1) in ("msgctxt", "msgid")
        if (not line or starts_entry) and entry.get("msgid") and "msgstr" in "".join(entry):
            yield entry.get("msgctxt"), entry["msgid"]
            entry = {}
        if keyword:
            if keyword.group(1) == "msgctxt" or (keyword.group(1) == "msgid" and "msgid" in entry):
                entry = {}
            key = keyword.group(1)
            entry[key] = ast.literal_eval(keyword.group(2))
        elif line.startswith('"') and key:
            entry[key] += ast.literal_eval(line)


def _package_catalogs() -> Iterator[Path]:
    """Django's and every installed package's catalogs: the English one where there is
    one (it lists every message), else every language's."""
    roots = [Path(django.__file__).parent / "conf"]
    roots += [Path(config.path) for config in apps.get_app_configs()]
    for root in roots:
        locale = root / "locale"
        if "site-packages" not in str(locale.resolve()) or not locale.is_dir():
            continue
        english = sorted(locale.glob("en/LC_MESSAGES/django.po"))
        yield from english or sorted(locale.glob("*/LC_MESSAGES/django.po"))


def _as_pattern(msgid: str) -> re.Pattern[str]:
    placeholder = r"%\(\w+\)[sdr]|%[sdr]|\{\w*\}"
    parts = [re.escape(part) for part in re.split(placeholder, msgid)]
    return re.compile(r"(?<!\w)" + ".+?".join(parts) + r"(?!\w)")


@cache
def untranslated_messages() -> tuple[tuple[str, re.Pattern[str]], ...]:
    """Messages of Django and the packages that have no Dutch in the merged catalog."""
    catalog = trans_real.translation("nl")._catalog
    found: dict[str, re.Pattern[str]] = {}
    for path in _package_catalogs():
        for context, msgid in _msgids(path):
            key = f"{context}\x04{msgid}" if context else msgid
            if key in catalog or (key, 0) in catalog or msgid in SAME_IN_DUTCH:
                continue
            if len(re.findall(r"[A-Za-z]{3,}", msgid)) and len(msgid) > 3:
                found[msgid] = _as_pattern(msgid)
    return tuple(found.items())


def english_in(fragments: set[str]) -> list[str]:
    english = [
        f"{known!r} in {fragment!r}"
        for fragment in fragments
        for known in KNOWN_ENGLISH
        if re.search(r"(?<!\w)" + re.escape(known) + r"(?!\w)", fragment)
    ]
    english += [
        f"untranslated {msgid!r} in {fragment!r}"
        for fragment in fragments
        for msgid, pattern in untranslated_messages()
        if pattern.search(fragment)
    ]
    return english


@pytest.fixture
def superuser_administrator():
    user = administrator()
    # A superuser administrator also sees the login logs (django-axes).
    user.is_superuser = True
    user.save()
    return user


def test_the_untranslated_messages_are_found_from_the_package_catalogs() -> None:
    # The check below must have something to look for: Django and the packages ship
    # thousands of messages; a reader that found none would pass every page.
    with translation.override("nl"):
        assert translation.gettext("Change reason") == "Reden"
    total = sum(1 for path in _package_catalogs() for _entry in _msgids(path))
    assert total > 1000


def test_english_leftovers_and_untranslated_messages_are_found() -> None:
    msgid, _pattern = untranslated_messages()[0]
    assert english_in({"Can add person"})
    assert english_in({f"Foutmelding: {msgid}"})
    assert not english_in({"Geselecteerde taken nu uitvoeren"})


def test_every_admin_page_is_dutch(client, superuser_administrator) -> None:
    pages = admin_pages(admin_sample_objects(superuser_administrator), superuser_administrator)
    client.force_login(superuser_administrator)
    english: dict[str, list[str]] = {}
    for page in pages:
        response = client.get(page.url)
        assert response.status_code == 200, page
        assert response.headers["Content-Language"] == "nl"
        found = english_in(page_text(response.content.decode()))
        if found:
            english[page.name] = found
    assert english == {}


def test_a_status_change_reads_with_its_dutch_labels_in_the_history(
    client, superuser_administrator
) -> None:
    objects = admin_sample_objects(superuser_administrator)
    committee = next(o for m, o in objects.items() if m._meta.model_name == "selectioncommittee")
    client.force_login(superuser_administrator)
    response = client.get(
        reverse("admin:committees_selectioncommittee_history", args=[committee.pk])
    )
    text = page_text(response.content.decode())
    assert "Gepland → Bevestigd" in text
    assert "Reden" in text


def test_an_imports_counts_and_problems_are_tables_with_dutch_labels(
    client, superuser_administrator
) -> None:
    objects = admin_sample_objects(superuser_administrator)
    batch = objects[ImportBatch]
    client.force_login(superuser_administrator)
    html = client.get(reverse("admin:imports_importbatch_change", args=[batch.pk])).content
    page = html.decode()
    counts = re.search(r'<div class="readonly">(<table class="admin-json">.*?</table>)', page)
    assert counts is not None
    assert '<th scope="row">Nieuw</th><td>7</td>' in counts.group(1)
    assert "Overgeslagen (geen deelnemer)" in counts.group(1)
    assert '<th scope="col">Probleem</th>' in page
    assert "Dit is geen datum." in page
    assert '"total"' not in page


def test_permissions_are_named_in_dutch(client, superuser_administrator) -> None:
    client.force_login(superuser_administrator)
    text = page_text(client.get(reverse("admin:auth_group_add")).content.decode())
    assert "Trainingen | sessie | Wijzigen" in text
    assert any(fragment.endswith("| geschiedenis van mensen | Weergeven") for fragment in text)


def test_a_schedule_reads_in_dutch_words_with_dutch_month_names() -> None:
    crontab = CrontabSchedule(minute="0", hour="6", day_of_month="5", month_of_year="1,4,7,10")
    with translation.override("nl"):
        words = crontab_in_words(crontab)
    assert words.startswith("Om 06:00, op dag 5 van de maand")
    assert "januari, april, juli en oktober" in words
    with translation.override("en"):
        assert crontab_in_words(crontab).startswith("At 06:00")
