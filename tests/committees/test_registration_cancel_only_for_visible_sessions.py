"""A lent member's registration that their own ministry arranged for its own session:
the committee's ministry sees "registered (arranged elsewhere)", no details, no cancel
link, and the cancel URL answers 404. A second cancel says it was already cancelled."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.factories import CommitteeFactory, MembershipFactory, PersonFactory, SessionFactory
from trainings.models import CompletionStatus
from trainings.services import registration_create

pytestmark = pytest.mark.django_db


def day(offset: int) -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=offset)


@pytest.fixture
def lent(department, other_department, outsider):
    """A person of `other_department` on a committee of `department`, registered by
    their own ministry for its own session."""
    person = PersonFactory(department=other_department)
    committee = CommitteeFactory(department=department, interview_date=day(30))
    membership = MembershipFactory(committee=committee, person=person)
    session = SessionFactory(date=day(10), capacity=5, department=other_department)
    completion = registration_create(person=person, session=session, user=outsider).completion
    return committee, membership, completion


def cancel_url(committee, membership, completion) -> str:
    return reverse(
        "committees:registration_cancel", args=[committee.pk, membership.pk, completion.pk]
    )


def test_the_committee_page_shows_no_details_or_link(client, op_user, lent) -> None:
    committee, _membership, completion = lent
    client.force_login(op_user)
    page = client.get(reverse("committees:detail", args=[committee.pk])).content.decode()
    assert "Ingeschreven (elders geregeld)" in page
    assert completion.session.supplier.name not in page
    assert cancel_url(*lent) not in page


def test_the_cancel_url_is_404_for_get_and_post(client, op_user, lent) -> None:
    client.force_login(op_user)
    assert client.get(cancel_url(*lent)).status_code == 404
    assert client.post(cancel_url(*lent)).status_code == 404
    lent[2].refresh_from_db()
    assert lent[2].status == CompletionStatus.REGISTERED


def test_a_registration_for_a_visible_session_can_be_cancelled_once(
    client, op_user, department
) -> None:
    committee = CommitteeFactory(department=department, interview_date=day(30))
    membership = MembershipFactory(committee=committee)
    session = SessionFactory(date=day(10), capacity=5)
    completion = registration_create(
        person=membership.person, session=session, user=op_user
    ).completion
    client.force_login(op_user)
    page = client.get(reverse("committees:detail", args=[committee.pk])).content.decode()
    assert cancel_url(committee, membership, completion) in page
    assert client.post(cancel_url(committee, membership, completion)).status_code == 302
    again = client.post(cancel_url(committee, membership, completion), follow=True)
    assert again.status_code == 200
    assert "Deze inschrijving is al geannuleerd." in again.content.decode()
