"""Registering a member from the committee page or with the member's own link queues one
invitation to the member, with the calendar invite; an outsider's attempt queues nothing."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from committees.registration_links import member_registration_url
from notifications.models import Notification
from tests.factories import CommitteeFactory, MembershipFactory, SessionFactory
from trainings.models import CompletionStatus, TrainingCompletion

pytestmark = pytest.mark.django_db


def day(offset: int) -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=offset)


@pytest.fixture
def membership(department):
    return MembershipFactory(
        committee=CommitteeFactory(department=department, interview_date=day(30)),
        person__email="cees@aaa.example.nl",
    )


def page(membership) -> str:
    return reverse("committees:member_register", args=[membership.committee_id, membership.pk])


def invitations() -> list[tuple[str, str]]:
    rows = Notification.objects.filter(kind="registration")
    return [(row.recipient_email, row.attachments[0]["mimetype"]) for row in rows]


def test_the_committee_page_registers_and_queues_the_invitation(
    client, op_user, membership
) -> None:
    session = SessionFactory(date=day(10))
    client.force_login(op_user)
    client.post(page(membership), {"session": session.pk})
    assert TrainingCompletion.objects.get().status == CompletionStatus.REGISTERED
    assert invitations() == [("cees@aaa.example.nl", "text/calendar; method=REQUEST")]
    # Posting again (a retried request) sends nothing new.
    client.post(page(membership), {"session": session.pk})
    assert len(invitations()) == 1


def test_the_members_own_link_registers_and_queues_the_invitation(client, membership) -> None:
    session = SessionFactory(date=day(10))
    client.post(member_registration_url(membership), {"session": session.pk})
    assert invitations() == [("cees@aaa.example.nl", "text/calendar; method=REQUEST")]


def test_an_outsider_registers_nobody_and_queues_nothing(client, outsider, membership) -> None:
    session = SessionFactory(date=day(10))
    client.force_login(outsider)
    response = client.post(page(membership), {"session": session.pk})
    assert response.status_code == 404
    assert not TrainingCompletion.objects.exists()
    assert not Notification.objects.exists()
