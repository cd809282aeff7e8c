"""Sessions in the browser: register a member from the strict refusal, see the refusal
lift, fill the last place and see the waiting list offered; axe on each page."""

from __future__ import annotations

import datetime
import re

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from committees.models import CommitteeStatus, MembershipRole, SelectionCommittee
from tests.browser.conftest import assert_accessible, log_in
from tests.factories import (
    CommitteeFactory,
    CompletionFactory,
    MembershipFactory,
    PersonFactory,
    SessionFactory,
    op_staff,
)
from trainings.models import CompletionStatus, WaitlistEntry

pytestmark = pytest.mark.django_db(transaction=True)


def test_register_from_the_strict_refusal_and_fill_the_last_place(page: Page, department) -> None:
    department.enforcement_mode = "strict"
    department.save(update_fields=["enforcement_mode"])
    op_staff(department, username="op.test")
    today = timezone.localdate()
    committee = CommitteeFactory(
        department=department,
        vacancy_reference="VAC-SESSIE",
        interview_date=today + datetime.timedelta(days=30),
    )
    MembershipFactory(
        committee=committee,
        role=MembershipRole.CHAIR,
        person=PersonFactory(department=department, first_name="Cees", last_name="Bakker"),
    )
    session = SessionFactory(
        date=today + datetime.timedelta(days=10),
        starts_at=datetime.time(9, 30),
        place="Utrecht",
        capacity=2,
    )
    CompletionFactory(
        session=session,
        status=CompletionStatus.REGISTERED,
        person=PersonFactory(department=department),
    )
    other = MembershipFactory(
        committee__department=department,
        committee__interview_date=today + datetime.timedelta(days=40),
        person=PersonFactory(department=department, first_name="Dirk", last_name="Wachter"),
    )

    log_in(page, "op.test")
    page.get_by_role("link", name="Sessies", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Komende sessies")
    expect(page.get_by_role("table")).to_contain_text("nog 1 plaats")
    assert_accessible(page, "sessions")

    page.goto(f"/committees/{committee.pk}/edit/")
    page.get_by_label("Status").select_option(label="Bevestigd")
    page.get_by_role("button", name="Opslaan").click()
    expect(page.get_by_role("alert")).to_contain_text("Cees Bakker")
    expect(page.get_by_role("heading", name="Wat u kunt doen")).to_be_visible()
    assert_accessible(page, "committee-strict-what-would-work")
    page.get_by_role("link", name=re.compile("Cees Bakker inschrijven voor een sessie")).click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Inschrijven voor een sessie")
    assert_accessible(page, "member-register")
    page.get_by_role("button", name=re.compile("Deze sessie kiezen")).click()
    expect(page.get_by_role("status")).to_contain_text("Cees Bakker is ingeschreven voor de sessie")
    expect(page.get_by_role("table")).to_contain_text("Ingeschreven")

    # The strict refusal lifts: a registered member counts.
    page.get_by_role("link", name="Commissie wijzigen").click()
    page.get_by_label("Status").select_option(label="Bevestigd")
    page.get_by_role("button", name="Opslaan").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("VAC-SESSIE")
    assert SelectionCommittee.objects.get(pk=committee.pk).status == CommitteeStatus.CONFIRMED

    # That was the last place: the next member is offered the waiting list.
    page.goto(f"/committees/{other.committee.pk}/")
    page.get_by_role("link", name=re.compile("Inschrijven voor een sessie")).click()
    expect(page.get_by_role("table")).to_contain_text("Vol")
    assert_accessible(page, "member-register-full")
    page.get_by_role("button", name=re.compile("Op de wachtlijst")).click()
    expect(page.get_by_role("status")).to_contain_text("staat op de wachtlijst")
    expect(page.get_by_role("table")).to_contain_text("Wachtlijst")
    assert WaitlistEntry.objects.get().person == other.person
