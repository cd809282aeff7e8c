"""A member who is already trained, or whose role needs no training, cannot be
registered: not from the committee page, not through their own link, not by a POST
the page does not offer."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from committees.models import MembershipRole
from committees.registration_links import member_registration_url
from tests.factories import (
    CommitteeFactory,
    CompletionFactory,
    MembershipFactory,
    PersonFactory,
    SessionFactory,
)
from trainings.models import CompletionStatus, TrainingCompletion

pytestmark = pytest.mark.django_db


def day(offset: int) -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=offset)


@pytest.fixture
def session():
    return SessionFactory(date=day(10), capacity=5)


@pytest.fixture
def trained(department):
    committee = CommitteeFactory(department=department, interview_date=day(30))
    person = PersonFactory(department=department)
    CompletionFactory(person=person, session=SessionFactory(date=day(-20)))
    return MembershipFactory(committee=committee, person=person)


@pytest.fixture
def external(department):
    committee = CommitteeFactory(department=department, interview_date=day(30))
    return MembershipFactory(committee=committee, role=MembershipRole.EXTERNAL)


def page_url(membership) -> str:
    return reverse("committees:member_register", args=[membership.committee_id, membership.pk])


def registrations() -> int:
    return TrainingCompletion.objects.filter(status=CompletionStatus.REGISTERED).count()


def test_a_trained_member_is_refused_on_the_committee_page(
    client, op_user, trained, session
) -> None:
    client.force_login(op_user)
    response = client.post(page_url(trained), {"session": session.pk})
    assert response.status_code == 400
    assert "is al getraind voor deze commissie" in response.content.decode()
    assert registrations() == 0


def test_a_role_without_training_is_refused_on_the_committee_page(
    client, op_user, external, session
) -> None:
    client.force_login(op_user)
    response = client.post(page_url(external), {"session": session.pk})
    assert response.status_code == 400
    assert "hoeft in deze rol niet getraind te zijn" in response.content.decode()
    assert registrations() == 0


@pytest.mark.parametrize("who", ["trained", "external"])
def test_the_members_own_link_refuses_them_too(client, request, who, session) -> None:
    membership = request.getfixturevalue(who)
    response = client.post(member_registration_url(membership), {"session": session.pk})
    assert response.status_code == 400
    assert registrations() == 0


def test_an_outsider_cannot_post_for_the_member(client, outsider, external, session) -> None:
    client.force_login(outsider)
    assert client.post(page_url(external), {"session": session.pk}).status_code == 404
    assert registrations() == 0
