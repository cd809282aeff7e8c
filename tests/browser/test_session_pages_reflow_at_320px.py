"""At 320 CSS px the session choice page, its member link and /sessions/ do not scroll
sideways: wide tables scroll in their own labelled, focusable region, and the header's
language and log-out buttons wrap."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import Page

from committees.registration_links import member_registration_url
from tests.browser.conftest import log_in
from tests.factories import (
    CommitteeFactory,
    CompletionFactory,
    MembershipFactory,
    PersonFactory,
    SessionFactory,
    op_staff,
)
from trainings.models import CompletionStatus

pytestmark = pytest.mark.django_db(transaction=True)


def overflow(page: Page) -> dict[str, int]:
    return page.evaluate(
        "() => ({scroll: document.documentElement.scrollWidth,"
        " widest: Math.max(...[...document.querySelectorAll('body *')]"
        ".filter(e => !e.closest('.table-scroll'))"
        ".map(e => e.getBoundingClientRect().right))})"
    )


def test_the_session_pages_reflow_at_320px(page: Page, department) -> None:
    op_staff(department, username="op.smal")
    today = timezone.localdate()
    membership = MembershipFactory(
        committee=CommitteeFactory(
            department=department, interview_date=today + datetime.timedelta(days=30)
        ),
        person=PersonFactory(department=department, first_name="Cees", last_name="Bakker"),
    )
    for offset, capacity in ((5, 1), (10, 20), (20, None)):
        session = SessionFactory(
            date=today + datetime.timedelta(days=offset),
            starts_at=datetime.time(9, 30),
            place="Rijkskantoor Utrecht-Noord",
            capacity=capacity,
        )
    CompletionFactory(
        session=SessionFactory(date=today + datetime.timedelta(days=5), capacity=1),
        status=CompletionStatus.REGISTERED,
        person=PersonFactory(department=department),
    )
    assert session.pk
    page.set_viewport_size({"width": 320, "height": 640})
    log_in(page, "op.smal")
    urls = [
        reverse("committees:member_register", args=[membership.committee_id, membership.pk]),
        reverse("sessions:list"),
        member_registration_url(membership),
    ]
    for url in urls:
        page.goto(url)
        measured = overflow(page)
        assert measured["scroll"] <= 320, (url, measured)
        assert measured["widest"] <= 320, (url, measured)
        region = page.locator(".table-scroll").first
        if region.count():
            assert region.get_attribute("tabindex") == "0"
            assert region.get_attribute("role") == "region"
            assert region.get_attribute("aria-labelledby")
