"""Every page of the project, at 320 CSS px and at 1280 px: the URL matrix (issue 14).

The URL patterns come from the resolver, so a page added later is visited without
touching this test; a pattern with parameters this test cannot fill fails it until
`KWARGS` (or `NOT_PAGES`) says what goes there. The data is the demo's (seed_demo, small
scale) plus one of each object the demo lacks: imports, a hand entry, a registration,
a second quarter to compare with, jobs, and names long enough to have to wrap.

At 320 px (a phone, or 1280 px at 400 % zoom) each pattern is opened once, by the first
role that may see it; at 1280 px by every role that may see it; also the 403 and 404
pages. Each is held to tests/browser/conftest.py's accessibility_problems: the page does
not scroll sideways, text spacing clips nothing, every aria-describedby id exists, no id
is used twice, and axe finds nothing (WCAG 2.1 A/AA, best practice, 24 px targets). A
screenshot of each page at each width lands in artifacts/screenshots/matrix-*.png.

Fast enough for every run: one browser context per role and width, each role logs in
once, and axe checks the pages of one URL side by side. The Django admin (/admin/) is
left out: the admin's own tests hold it.
"""

from __future__ import annotations

import datetime
import io
import re
from collections.abc import Callable
from dataclasses import dataclass
from io import StringIO
from typing import Any
from urllib.parse import urlsplit

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.tokens import default_token_generator
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from playwright.sync_api import Browser, BrowserContext, Page
from playwright.sync_api import Error as PlaywrightError

from committees.models import CommitteeMembership
from committees.registration_links import registration_token
from committees.selectors import sessions_for_membership
from committees.services import member_register
from departments.models import Department
from imports.models import ImportBatch
from imports.services import (
    attendance_import_apply,
    attendance_import_preview,
    import_batch_create,
)
from reports.models import JobKind, JobStatus, ReportJob, ReportSnapshot
from reports.quarters import Quarter
from tests.browser.conftest import accessibility_problems, axe_start, screenshot
from tests.factories import CommitteeFactory, MembershipFactory, PersonFactory
from tests.imports.conftest import csv_file
from tests.reference_data import reference_data_ensure
from tests.url_patterns import app_patterns
from trainings.hand_entry import completion_enter_by_hand
from trainings.models import Supplier, TrainingCompletion, TrainingSession
from worklists.models import ExportJob, ExportStatus, ListFormat, ListKind

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "wachtwoord-123"
# The demo's logins (demo/demo_data.py); None: nobody logged in. At 320 px a page is
# opened by the first of these that may see it: the role that sees the most (every
# department, every button) comes first.
ROLES: dict[str, str | None] = {
    "admin": "beheer",
    "bureau": "bureau",
    "op": "op.bzk",
    "visitor": None,
}
NARROW, WIDE = 320, 1280
# The error pages people meet: a page that does not exist, a page of another role.
ERROR_PAGES = [("/bestaat-niet/", 404), ("/imports/", 403)]

# URL names that are no page of their own, and why.
NOT_PAGES = {
    "logout": "POST only: logging out",
    "set_language": "POST only: the language switch in every page's header",
    "health": "JSON for the monitoring",
    "health_live": "JSON for the orchestrator",
    "health_ready": "JSON for the orchestrator",
    "imports:apply": "POST only",
    "imports:mapping": "POST only",
    "imports:retry": "POST only",
    "imports:discard": "POST only",
    "imports:progress": "an htmx fragment of the import page",
    "completions:confirm": "POST only",
    "reports:compile": "POST only",
    "reports:job_retry": "POST only",
    "reports:suppliers_download": "a file",
    "reports:download": "a file",
    "reports:annex": "a file",
    "worklists:download": "a file",
    "worklists:job_file": "a file",
    "committees:people_search": "an htmx fragment; without htmx it opens the committee page",
    "committees:member_add": "POST only: the form is on the committee page",
    "privacy:person_subject_access": "a file",
    # The REST API (api/): JSON for other systems, not pages.
    "api:token": "the API: OAuth token endpoint (POST)",
    "api:openapi": "the API: its OpenAPI description (JSON)",
    "api:me": "the API: JSON",
    "api:committees": "the API: JSON (POST)",
    "api:committee_compliance": "the API: JSON",
    "api:person_training": "the API: JSON",
    "api:report_figures": "the API: JSON",
    "api:session": "the API: JSON",
    "api:attendance": "the API: JSON (POST)",
    "api:attendance_batch": "the API: JSON",
    "api:registrations": "the API: JSON",
}


@dataclass
class World:
    department: Department
    membership: CommitteeMembership
    registration: TrainingCompletion
    hand_entry: TrainingCompletion
    batch: ImportBatch
    applied: ImportBatch
    snapshots: list[ReportSnapshot]
    report_job: ReportJob
    export_job: ExportJob


def _member_with_registration(
    department: Department,
) -> tuple[CommitteeMembership, TrainingCompletion]:
    """A committee of BZK with long names (they must wrap) and a member registered for
    a session before the interview."""
    committee = CommitteeFactory(
        department=department,
        vacancy_reference="BZK-2026-000123-informatiebeveiliging",
        vacancy_title="Senior beleidsmedewerker informatiebeveiligingsvraagstukken",
        interview_date=timezone.localdate() + datetime.timedelta(days=60),
    )
    person = PersonFactory(
        department=department,
        first_name="Anne-Marijke",
        last_name="van Oudshoorn-Wijnbergen",
        email="anne-marijke.van.oudshoorn-wijnbergen@minbzk.example.nl",
    )
    membership = CommitteeMembership.objects.get(
        pk=MembershipFactory(committee=committee, person=person).pk
    )
    session = sessions_for_membership(membership).first()
    assert session is not None, "the demo has sessions before the interview"
    place = member_register(membership=membership, session=session, user=None)
    assert place.completion is not None
    return membership, place.completion


def _import_batches(user: Any) -> tuple[ImportBatch, ImportBatch]:
    """One import previewed, one applied with a row held for review."""
    supplier = Supplier.objects.filter(programmes__isnull=False).first()
    assert supplier is not None
    batches = []
    for name in ("aanwezigheid-maart.csv", "aanwezigheid-april-definitief.csv"):
        content = csv_file(
            [
                ["999001", "Fenna", "Onbekend", "", "Ministerie van Onbekende Zaken", "03-03-2025",
                 "Utrecht", "ja"],
                ["", "Piet", "Puk", "piet.puk@example.nl", "BZK", "03-03-2025", "Utrecht", name],
            ]
        )  # fmt: skip
        batch = import_batch_create(
            file=io.BytesIO(content), file_name=name, supplier=supplier, user=user
        )
        batches.append(attendance_import_preview(batch=batch))
    attendance_import_apply(batch=batches[1], hold_invalid=True)
    return batches[0], batches[1]


@pytest.fixture
def world(db: None) -> World:
    reference_data_ensure()  # an earlier transactional test's flush emptied the ministries
    call_command("seed_demo", scale=0.1, password=PASSWORD, stdout=StringIO())
    call_command("compile_reports", latest=True, stdout=StringIO())
    # The quarter before, so that the latest Regiegroep summary has one to compare with.
    earlier = Quarter.last_ended(timezone.localdate()).previous()
    quarter = f"{earlier.year}Q{earlier.number}"
    call_command("compile_reports", quarter=quarter, kind="regiegroep", stdout=StringIO())
    return build_world()


def build_world() -> World:
    """What the demo lacks, added to it."""
    department = Department.objects.get(code="BZK")
    op, admin = (get_user(name) for name in ("op.bzk", "beheer"))
    membership, registration = _member_with_registration(department)
    session = (
        TrainingSession.objects.filter(date__lt=timezone.localdate()).order_by("-date").first()
    )
    hand_entry = completion_enter_by_hand(
        person=PersonFactory(department=department),
        evidence_note="Presentielijst in de map",
        user=op,
        session=session,
    )
    report_job = ReportJob.objects.create(
        kind=JobKind.ALL,
        quarter=ReportSnapshot.objects.latest("pk").quarter,
        status=JobStatus.DONE,
        progress=100,
        requested_by=admin,
    )
    export_job = ExportJob.objects.create(
        requested_by=op,
        kind=ListKind.ACTIONS,
        fmt=ListFormat.XLSX,
        status=ExportStatus.RUNNING,
        progress=40,
    )
    batch, applied = _import_batches(admin)
    return World(
        department=department,
        membership=membership,
        registration=registration,
        hand_entry=hand_entry,
        batch=batch,
        applied=applied,
        snapshots=list(ReportSnapshot.objects.order_by("-quarter", "kind")[:2]),
        report_job=report_job,
        export_job=export_job,
    )


def get_user(username: str) -> Any:
    from django.contrib.auth import get_user_model

    return get_user_model().objects.get(username=username)


def _reset_link(username: str) -> dict[str, str]:
    """The parameters of a working password-reset link (the page sets a new password)."""
    user = get_user_model().objects.get(username=username)
    return {
        "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
        "token": default_token_generator.make_token(user),
    }


# What fills each page's parameters; a list gives the page once per entry.
KWARGS: dict[str, Callable[[World], list[dict[str, Any]]]] = {
    "member-registration": lambda w: [{"token": registration_token(membership_id=w.membership.pk)}],
    "password_reset_confirm": lambda w: [_reset_link("op.bzk")],
    "imports:row": lambda w: [{"pk": row.pk} for row in w.applied.rows.pending_review()[:1]],
    "imports:detail": lambda w: [{"pk": w.batch.pk}, {"pk": w.applied.pk}],
    "completions:enter": lambda w: [{"person_pk": w.membership.person_id}],
    "completions:reject": lambda w: [{"pk": w.hand_entry.pk}],
    "reports:job": lambda w: [{"pk": w.report_job.pk}],
    "reports:snapshot": lambda w: [{"pk": s.pk} for s in w.snapshots],
    "reports:compare": lambda w: [{"pk": s.pk} for s in w.snapshots if s.kind == "regiegroep"],
    "worklists:job": lambda w: [{"pk": w.export_job.pk}],
    "worklists:bulk_add": lambda w: [{"pk": w.membership.committee_id}],
    "worklists:copy_members": lambda w: [{"pk": w.membership.committee_id}],
    "committees:detail": lambda w: [{"pk": w.membership.committee_id}],
    "committees:edit": lambda w: [{"pk": w.membership.committee_id}],
    "committees:member_add": lambda w: [{"pk": w.membership.committee_id}],
    "committees:member_new_person": lambda w: [{"pk": w.membership.committee_id}],
    "committees:member_role": lambda w: [_member(w)],
    "committees:member_register": lambda w: [_member(w)],
    "committees:member_remove": lambda w: [_member(w)],
    "committees:registration_cancel": lambda w: [_member(w) | {"completion_pk": w.registration.pk}],
    "dashboard:department": lambda w: [{"code": w.department.code}],
    "people:person": lambda w: [{"pk": w.membership.person_id}],
    "people:person_edit": lambda w: [{"pk": w.membership.person_id}],
}


def _member(world: World) -> dict[str, Any]:
    return {"pk": world.membership.committee_id, "membership_pk": world.membership.pk}


def page_urls(world: World) -> tuple[list[str], list[str]]:
    """The URLs to open, and the names of patterns nobody knows how to fill."""
    urls, unknown = [], []
    for pattern in app_patterns():
        name, takes_args = pattern.name, pattern.takes_args
        if name in NOT_PAGES:
            continue
        if name in KWARGS:
            urls += [reverse(name, kwargs=kwargs) for kwargs in KWARGS[name](world)]
        elif takes_args:
            unknown.append(name)
        else:
            urls.append(reverse(name))
    return urls, unknown


class Roles:
    """One browser context per role and width; each role logs in once and the other
    width reuses its session (storage state)."""

    def __init__(self, browser: Browser, base_url: str) -> None:
        self.browser, self.base_url = browser, base_url
        self.states: dict[str, Any] = {}
        self.pages: dict[tuple[str, int], Page] = {}
        self.contexts: list[BrowserContext] = []

    def page(self, role: str, width: int) -> Page:
        if (role, width) not in self.pages:
            context = self.browser.new_context(
                base_url=self.base_url,
                locale="nl-NL",
                viewport={"width": width, "height": 800},
                storage_state=self._state(role),
            )
            self.contexts.append(context)
            page = context.new_page()
            page.set_default_timeout(10_000)
            self.pages[role, width] = page
        return self.pages[role, width]

    def _state(self, role: str) -> Any:
        username = ROLES[role]
        if username is None:
            return None
        if role not in self.states:
            context = self.browser.new_context(base_url=self.base_url, locale="nl-NL")
            page = context.new_page()
            page.goto("/accounts/login/")
            page.get_by_label("Gebruikersnaam").fill(username)
            page.get_by_label("Wachtwoord").fill(PASSWORD)
            page.get_by_role("button", name="Inloggen").click()
            page.wait_for_url(lambda url: "/accounts/login/" not in url)
            self.states[role] = context.storage_state()
            context.close()
        return self.states[role]

    def close(self) -> None:
        for context in self.contexts:
            context.close()


def opened(page: Page, url: str, status: int = 200) -> bool:
    """Whether the role sees the page itself: not refused, not sent elsewhere."""
    try:
        response = page.goto(url)
    except PlaywrightError:  # an error status without a body (405 to a GET)
        return False
    assert response is not None
    return (
        response.status == status
        and urlsplit(page.url).path == urlsplit(url).path
        and response.headers.get("content-type", "").startswith("text/html")
    )


def shot_name(url: str, role: str, width: int, status: int) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", url.lower()).strip("-")[:60] or "home"
    return f"matrix-{width}-{role}-{slug}" + (f"-{status}" if status != 200 else "")


def check(roles: Roles, url: str, status: int = 200) -> list[str] | None:
    """The page at 1280 px for every role that sees it and at 320 px for the first of
    them; its problems, or None when no role sees it. Colours do not change with the
    width (app.css has no colour in its media queries): at 320 px axe leaves them out."""
    seen = [role for role in ROLES if opened(roles.page(role, WIDE), url, status)]
    if not seen:
        return None
    narrow = roles.page(seen[0], NARROW)
    assert opened(narrow, url, status), url
    pages = [(seen[0], NARROW, narrow)] + [(role, WIDE, roles.page(role, WIDE)) for role in seen]
    for role, width, page in pages:
        if role == seen[0]:  # one screenshot per page and width
            screenshot(page, shot_name(url, role, width, status))
        axe_start(page, colours=width == WIDE)
    return [
        f"{url} ({role}, {width} px): {problem}"
        for role, width, page in pages
        for problem in accessibility_problems(page)
    ]


def test_every_page_reflows_at_320px_and_passes_axe_at_both_widths_for_each_role(
    browser: Browser, live_server, world: World
) -> None:
    urls, unknown = page_urls(world)
    assert not unknown, f"add these URL names to KWARGS (or NOT_PAGES): {unknown}"
    roles = Roles(browser, live_server.url)
    problems: list[str] = []
    unseen: list[str] = []
    try:
        for url, status in [*((url, 200) for url in urls), *ERROR_PAGES]:
            found = check(roles, url, status)
            if found is None:
                unseen.append(url)
            else:
                problems += found
    finally:
        roles.close()
    assert not problems, "\n\n".join(problems)
    assert not unseen, f"no role could open these pages: {unseen}"
