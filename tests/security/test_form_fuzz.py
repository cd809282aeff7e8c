"""Form fuzzing: random values posted to every form of every URL, as every role, give no 500.

The URL patterns come from the URL resolver (as in tests/test_url_permissions.py), so a
form added later is fuzzed without touching this test. Path parameters are filled with
real objects. For each URL and role the page is opened, the fields of its POST forms are
read from the HTML, and a few payloads of random values (a fixed seed) are posted: long
strings, huge numbers, 25-digit ids, unicode, empty values, lists, NUL bytes, malformed
dates and quarters. Any answer is fine except a server error. The admin is fuzzed as an
administrator, on a sample of its add and change pages, to keep the run under a minute.
"""

from __future__ import annotations

import datetime
import random
import re
import traceback
from collections.abc import Iterator
from html.parser import HTMLParser
from typing import Any

import pytest
from django.apps import apps
from django.test import Client
from django.urls import get_resolver
from django.utils import timezone

from committees.models import CommitteeJustification, CommitteeStatus
from imports.services import attendance_import_apply, attendance_import_preview
from reports.models import JobStatus, ReportJob, Trigger
from reports.quarters import Quarter
from reports.services import report_compile
from tests.factories import (
    CommitteeFactory,
    CompletionFactory,
    EvaluationFactory,
    MembershipFactory,
    PersonFactory,
    SessionFactory,
    SupplierFactory,
    TenderFactory,
)
from tests.imports.conftest import csv_file, make_batch
from tests.test_url_permissions import PARAM, walk
from trainings.hand_entry import completion_enter_by_hand

pytestmark = pytest.mark.django_db

SEED = 20261202
PAYLOADS_PER_PAGE = 2
ADMIN_SAMPLE = 30
# Pages whose POST ends the session or is a login form with its own lockout.
SKIPPED = ("accounts/logout/", "admin/logout/", "accounts/login/", "admin/login/")
# Deleting in the admin is a confirmation page without values; history is read-only.
SKIPPED_ADMIN = ("/delete/", "/history/")

NASTY: list[Any] = [
    "",
    " ",
    "0",
    "-1",
    "9" * 25,
    "-" + "9" * 25,
    "1e309",
    "NaN",
    "abc",
    "1.5",
    "a\x00b",
    "\x00",
    "ä€😀 ﷽",
    "<script>alert(1)</script>",
    "' OR 1=1 --",
    "x" * 5000,
    "2025Q9",
    "9999Q3",
    "1900Q1",
    "0000Q0",
    "31-02-2025",
    "2025-13-45",
    "99999-01-01",
    "0001-01-01",
    "32/13/2025",
    "true",
    "on",
    ["1", "2"],
    ["", "9" * 25],
]
GENERIC_FIELDS = ["action", "person", "quarter", "department", "kind", "q", "pk", "reason"]


class _Forms(HTMLParser):
    """The names (and first values) of the fields of the POST forms of a page."""

    def __init__(self) -> None:
        super().__init__()
        self.in_post_form = False
        self.fields: dict[str, str] = {}
        self._select: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = {key: value or "" for key, value in attrs}
        if tag == "form":
            self.in_post_form = attributes.get("method", "").lower() == "post"
        elif self.in_post_form and tag in ("input", "select", "textarea", "button"):
            name = attributes.get("name")
            if name and name != "csrfmiddlewaretoken":
                self.fields.setdefault(name, attributes.get("value", ""))
                self._select = name if tag == "select" else None
        elif tag == "option" and self._select and not self.fields.get(self._select):
            self.fields[self._select] = attributes.get("value", "")

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self.in_post_form = False
        elif tag == "select":
            self._select = None


def form_fields(html: str) -> dict[str, str]:
    parser = _Forms()
    parser.feed(html)
    return parser.fields


def payload(rng: random.Random, fields: dict[str, str]) -> dict[str, Any]:
    """Every field random, or kept as the page filled it (to reach deeper checks)."""
    data: dict[str, Any] = {}
    for name, value in fields.items():
        data[name] = value if rng.random() < 0.35 else rng.choice(NASTY)
    if rng.random() < 0.3:
        data[rng.choice(GENERIC_FIELDS)] = rng.choice(NASTY)
    return data


@pytest.fixture
def objects(department, other_department, op_user, bureau, admin_user_) -> dict[str, str]:
    """One of everything a URL can point to, in the O&P user's department."""
    recent = timezone.localdate() - datetime.timedelta(days=20)
    supplier = SupplierFactory(code="ACME")
    TenderFactory(starts_on=datetime.date(2024, 1, 1)).departments.set([department])
    committee = CommitteeFactory(department=department, interview_date=recent)
    person = PersonFactory(department=department)
    membership = MembershipFactory(committee=committee, person=person)
    completion = CompletionFactory(person=PersonFactory(department=department))
    EvaluationFactory(session=completion.session, person=completion.person)
    CommitteeJustification.objects.create(
        committee=committee, status=CommitteeStatus.CONFIRMED, text="reden", created_by=op_user
    )
    session = SessionFactory(supplier=supplier, date=recent)
    pending = completion_enter_by_hand(
        person=person, session=session, evidence_note="lijst", user=op_user
    )
    batch = make_batch(supplier, csv_file([["", "", "", "", "", "03-03-2025", "", "ja"]]))
    attendance_import_preview(batch=batch)
    attendance_import_apply(batch=batch, hold_invalid=True)
    quarter = Quarter.last_ended(timezone.localdate())
    snapshot, _created = report_compile(
        kind="icop", quarter=quarter, requested_by=None, trigger=Trigger.COMMAND
    )
    job = ReportJob.objects.create(
        kind="icop", quarter=str(quarter), trigger=Trigger.PAGE, status=JobStatus.FAILED
    )
    return {
        "imports/rows/": str(batch.rows.get().pk),
        "imports/": str(batch.pk),
        "completions/people/": str(person.pk),
        "completions/": str(pending.pk),
        "reports/jobs/": str(job.pk),
        "reports/": str(snapshot.pk),
        "committees/": str(committee.pk),
        "membership_pk": str(membership.pk),
        "people/": str(person.pk),
        "code": department.code,
        "fmt": "pdf",
    }


def app_urls(objects: dict[str, str]) -> Iterator[str]:
    for pattern in walk(get_resolver().url_patterns):
        if pattern.startswith("admin/") or pattern.startswith(SKIPPED):
            continue
        prefix = max(
            (p for p in objects if "/" in p and pattern.startswith(p)), key=len, default=""
        )

        def fill(match: re.Match[str], prefix: str = prefix) -> str:
            name = match.group("name") or match.group("rname")
            return objects.get(name) or objects.get(prefix) or "1"

        yield "/" + PARAM.sub(fill, pattern)


def admin_urls(rng: random.Random) -> list[str]:
    """Add and change pages of every registered model, a sample of them."""
    from django.contrib import admin

    urls = []
    for model, _model_admin in admin.site._registry.items():
        opts = model._meta
        base = f"/admin/{opts.app_label}/{opts.model_name}/"
        urls.append(base + "add/")
        first = apps.get_model(opts.app_label, opts.model_name)._default_manager.first()
        if first is not None:
            urls.append(f"{base}{first.pk}/change/")
    rng.shuffle(urls)
    return urls[:ADMIN_SAMPLE]


def fuzz(client: Client, url: str, rng: random.Random, failures: list[str]) -> None:
    try:
        page = client.get(url)
        fields = (
            form_fields(page.content.decode(errors="replace")) if page.status_code == 200 else {}
        )
        if page.status_code == 200 and not fields:
            return  # a page without a POST form
        for _ in range(PAYLOADS_PER_PAGE):
            data = payload(rng, fields or dict.fromkeys(GENERIC_FIELDS, ""))
            response = client.post(url, data)
            if response.status_code >= 500:
                failures.append(f"{response.status_code} POST {url} {data!r}"[:400])
    except Exception as error:  # the test client re-raises a view's exception
        frames = traceback.extract_tb(error.__traceback__)[-6:]
        where = " < ".join(f"{f.filename.rsplit('/', 2)[-1]}:{f.lineno}" for f in reversed(frames))
        failures.append(f"{type(error).__name__}: {error!s:.200} at {where} ({url})")


@pytest.mark.django_db(transaction=False)
def test_no_form_answers_random_values_with_a_server_error(
    client, objects, op_user, outsider, bureau, admin_user_
) -> None:
    rng = random.Random(SEED)
    failures: list[str] = []
    urls = list(app_urls(objects))
    assert any(url.startswith("/committees/") for url in urls)
    for user in (op_user, outsider, bureau, admin_user_):
        for url in urls:
            client.force_login(user)
            fuzz(client, url, rng, failures)
    admin = admin_urls(rng)
    assert len(admin) >= 20
    for url in admin:
        if any(part in url for part in SKIPPED_ADMIN):
            continue
        client.force_login(admin_user_)
        fuzz(client, url, rng, failures)
    assert not failures, "\n".join(failures)
