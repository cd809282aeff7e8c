"""Five tasks done with the keyboard only (Tab, Enter, arrows and typing; no clicks).

Each ends with the focus on its result: the error summary after a failed submit (the
page title then starts with "Fout:" / "Error:"), the message after a successful one.
On every page on the way, each id an aria-describedby names exists.
"""

from __future__ import annotations

import datetime

import pytest
from django.conf import settings
from playwright.sync_api import Locator, Page, expect

from committees.models import CommitteeMembership, CommitteeStatus, MembershipRole
from departments.models import EnforcementMode
from imports.services import attendance_import_preview
from tests.browser.conftest import assert_accessible
from tests.factories import (
    CommitteeFactory,
    CompletionFactory,
    MembershipFactory,
    PersonFactory,
    ProgrammeFactory,
    SessionFactory,
    SupplierFactory,
    administrator,
    op_staff,
)
from tests.imports.conftest import csv_file, make_batch
from trainings.models import CompletionStatus, TrainingCompletion

pytestmark = pytest.mark.django_db(transaction=True)

INTERVIEW = datetime.date.today() + datetime.timedelta(days=90)
MOST_TABS = 120


def log_in_by_keyboard(page: Page, username: str, *, english: bool = False) -> None:
    page.goto("/accounts/login/")
    # The user name field has the focus when the page opens.
    expect(page.locator("#id_username")).to_be_focused()
    page.keyboard.type(username)
    page.keyboard.press("Tab")
    page.keyboard.type("wachtwoord-123")
    page.keyboard.press("Enter")
    expect(page.locator("form[action='/accounts/logout/']")).to_have_count(1)
    if english:
        origin = str(page.evaluate("location.origin"))
        page.context.add_cookies(
            [{"name": settings.LANGUAGE_COOKIE_NAME, "value": "en", "url": origin}]
        )


def focused(locator: Locator) -> bool:
    return bool(locator.evaluate("element => element === document.activeElement"))


def tab_to(page: Page, target: Locator) -> None:
    """Press Tab until `target` has the focus, as a keyboard user moves through a page."""
    for _ in range(MOST_TABS):
        if focused(target):
            return
        page.keyboard.press("Tab")
    raise AssertionError(f"Tab never reached {target}")


def active_id(page: Page) -> str:
    return str(page.evaluate("document.activeElement.id"))


def assert_descriptions_exist(page: Page) -> None:
    missing = page.evaluate(
        """() => [...document.querySelectorAll('[aria-describedby]')].flatMap(element =>
            element.getAttribute('aria-describedby').split(/\\s+/).filter(Boolean)
              .filter(id => !document.getElementById(id))
              .map(id => `${element.id || element.tagName}: ${id}`))"""
    )
    assert missing == []


def assert_failed_submit(page: Page, prefix: str = "Fout: ") -> None:
    summary = page.locator("#error-summary")
    expect(summary).to_be_focused()
    assert active_id(page) == "error-summary"
    assert page.title().startswith(prefix)
    assert_descriptions_exist(page)


def assert_message_has_the_focus(page: Page, text: str = "") -> None:
    message = page.locator("#messages")
    expect(message).to_be_focused()
    expect(message.locator(".message.success")).to_have_count(1)
    expect(message).to_contain_text(text)
    assert active_id(page) == "messages"
    assert not page.title().startswith(("Fout", "Error"))
    assert_descriptions_exist(page)


def test_create_a_committee_with_errors_by_keyboard(page: Page, department) -> None:
    op_staff(department, username="op.toets")
    log_in_by_keyboard(page, "op.toets")
    page.goto("/committees/new/")
    save = page.locator("main form button[type=submit]")
    tab_to(page, save)
    page.keyboard.press("Enter")

    assert_failed_submit(page)
    assert page.title() == "Fout: Nieuwe commissie – Training Monitor"
    reference = page.locator("#id_vacancy_reference")
    expect(reference).to_have_attribute("aria-invalid", "true")
    expect(reference).to_have_attribute("aria-describedby", "id_vacancy_reference_error")
    assert_accessible(page, "keyboard-committee-errors")
    # The summary's first link leads to the first field with an error.
    page.keyboard.press("Tab")
    expect(page.locator("#error-summary a").first).to_be_focused()
    page.keyboard.press("Enter")
    expect(reference).to_be_focused()

    page.keyboard.type("vac-2031-07")
    tab_to(page, page.locator("#id_vacancy_title"))
    page.keyboard.type("Senior adviseur")
    tab_to(page, page.locator("#id_interview_date"))
    page.keyboard.type(INTERVIEW.strftime("%d%m%Y"))
    tab_to(page, save)
    page.keyboard.press("Enter")

    expect(page.get_by_role("heading", level=1)).to_contain_text("VAC-2031-07")
    assert_message_has_the_focus(page)


def test_add_a_member_by_keyboard(page: Page, department) -> None:
    op_staff(department, username="op.toets")
    committee = CommitteeFactory(department=department, vacancy_reference="VAC-1")
    PersonFactory(department=department, first_name="Anna", last_name="Akkerman")
    log_in_by_keyboard(page, "op.toets", english=True)
    page.goto(f"/committees/{committee.pk}/")
    search = page.locator("#id_q")
    tab_to(page, search)
    page.keyboard.type("Akkerman")

    # htmx shows the people as you type; the live region hears only their number.
    results = page.locator("#people-results")
    expect(results).to_contain_text("Anna Akkerman")
    count = page.locator("#people-count")
    expect(count).to_have_text("1 result")
    expect(count).to_have_attribute("aria-live", "polite")
    assert results.get_attribute("aria-live") is None
    assert_descriptions_exist(page)
    assert_accessible(page, "keyboard-member-search")

    tab_to(page, results.get_by_role("radio"))  # the only one, already chosen
    expect(results.get_by_role("radio")).to_be_checked()
    page.keyboard.press("Tab")
    role = results.locator("select")
    expect(role).to_be_focused()
    page.keyboard.type("Chair")
    expect(role).to_have_value(MembershipRole.CHAIR)
    page.keyboard.press("Tab")
    expect(results.get_by_role("button", name="Add to committee")).to_be_focused()
    page.keyboard.press("Enter")

    assert page.url.endswith(f"/committees/{committee.pk}/")  # no #members
    assert_message_has_the_focus(page, "Anna Akkerman has been added to the committee.")
    assert CommitteeMembership.objects.get(committee=committee).role == MembershipRole.CHAIR
    assert_accessible(page, "keyboard-member-added")


def test_justify_an_untrained_member_by_keyboard(page: Page, department) -> None:
    department.enforcement_mode = EnforcementMode.JUSTIFY
    department.save(update_fields=["enforcement_mode"])
    op_staff(department, username="op.toets")
    committee = CommitteeFactory(
        department=department, interview_date=INTERVIEW, status=CommitteeStatus.CONFIRMED
    )
    chair = MembershipFactory(committee=committee, role=MembershipRole.CHAIR)
    CompletionFactory(person=chair.person, session__date=datetime.date(2025, 1, 1))
    PersonFactory(department=department, first_name="Otto", last_name="Ongetraind")
    log_in_by_keyboard(page, "op.toets", english=True)
    page.goto(f"/committees/{committee.pk}/?q=Ongetraind")
    results = page.locator("#people-results")
    tab_to(page, results.get_by_role("button", name="Add to committee"))
    page.keyboard.press("Enter")

    expect(page.get_by_role("heading", level=1)).to_have_text("Justification needed")
    add = page.get_by_role("button", name="Add with this justification")
    tab_to(page, add)
    page.keyboard.press("Enter")  # without a reason
    assert_failed_submit(page, "Error: ")
    justification = page.locator("#id_justification")
    expect(justification).to_have_attribute("aria-invalid", "true")
    expect(justification).to_have_attribute(
        "aria-describedby", "id_justification_helptext id_justification_error"
    )
    assert_accessible(page, "keyboard-justify-errors")
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    expect(justification).to_be_focused()
    page.keyboard.type("The January session is full; Otto follows the one in March.")
    tab_to(page, add)
    page.keyboard.press("Enter")

    assert_message_has_the_focus(page, "Otto Ongetraind has been added to the committee.")
    assert committee.justifications.count() == 1


def test_register_a_member_for_a_session_by_keyboard(page: Page, department) -> None:
    op_staff(department, username="op.toets")
    membership = MembershipFactory(
        committee__department=department,
        committee__interview_date=INTERVIEW,
        person__department=department,
        person__first_name="Rik",
        person__last_name="Regel",
    )
    soon = datetime.date.today() + datetime.timedelta(days=20)
    later = datetime.date.today() + datetime.timedelta(days=30)
    full_soon = SessionFactory(date=soon, capacity=1)
    SessionFactory(date=later, capacity=10)
    log_in_by_keyboard(page, "op.toets", english=True)
    page.goto(f"/committees/{membership.committee.pk}/")
    tab_to(page, page.get_by_role("link", name="Register for a session for Rik Regel"))
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Register for a session")
    assert_descriptions_exist(page)

    # Someone else takes the last place while the page is open: a refusal, summarised.
    first = page.get_by_role("button", name="Choose this session").first
    tab_to(page, first)
    CompletionFactory(session=full_soon, status=CompletionStatus.REGISTERED)
    page.keyboard.press("Enter")
    assert_failed_submit(page, "Error: ")
    expect(page.locator("#error-summary")).to_contain_text("just become full")
    assert_accessible(page, "keyboard-register-full")

    tab_to(page, page.get_by_role("button", name="Choose this session"))
    page.keyboard.press("Enter")
    assert_message_has_the_focus(page, "Rik Regel")
    assert TrainingCompletion.objects.filter(person=membership.person).exists()
    assert_accessible(page, "keyboard-registered")


def test_map_the_columns_of_an_import_by_keyboard(page: Page, department) -> None:
    supplier = SupplierFactory(code="ACME", name="Acme Trainingen")
    ProgrammeFactory(supplier=supplier, name="Objectief selecteren")
    PersonFactory(employee_number="1")
    headers = ["Personeelsnummer", "Dag", "Was er bij", "Opmerking"]
    content = csv_file([["1", "03-03-2025", "ja", ""]], headers)
    batch = make_batch(supplier, content, name="eigen-koppen.csv")
    attendance_import_preview(batch=batch)
    batch.refresh_from_db()
    assert batch.needs_mapping
    log_in_by_keyboard(page, administrator().username, english=True)
    page.goto(f"/imports/{batch.pk}/")
    expect(page.get_by_role("heading", name="Which column is which?")).to_be_visible()
    assert_descriptions_exist(page)

    # "Dag" for the attendance too: a column chosen twice is an error.
    attendance = page.locator("#id_attendance")
    tab_to(page, attendance)
    page.keyboard.type("Dag")
    expect(attendance).to_have_value("1")
    save = page.get_by_role("button", name="Save the columns and preview again")
    tab_to(page, save)
    page.keyboard.press("Enter")
    assert_failed_submit(page, "Error: ")
    expect(attendance).to_have_attribute("aria-invalid", "true")
    assert "id_attendance_error" in (attendance.get_attribute("aria-describedby") or "")
    assert_accessible(page, "keyboard-mapping-errors")

    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    expect(attendance).to_be_focused()
    page.keyboard.type("Was")
    expect(attendance).to_have_value("2")
    tab_to(page, save)
    page.keyboard.press("Enter")
    assert_message_has_the_focus(page, "The columns have been saved")
