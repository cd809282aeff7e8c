"""A member's own signed registration link (committees.registration_links): no login,
exactly that person and committee, and a clear message when the link is bad."""

from __future__ import annotations

import datetime

import pytest
from django.core import signing
from django.utils import timezone

from committees.models import CommitteeStatus
from committees.registration_links import (
    member_registration_url,
    registration_token,
    registration_token_read,
)
from tests.factories import CommitteeFactory, MembershipFactory, PersonFactory, SessionFactory
from trainings.models import CompletionStatus, TrainingCompletion

pytestmark = pytest.mark.django_db


def day(offset: int) -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=offset)


@pytest.fixture
def membership(department):
    committee = CommitteeFactory(
        department=department, interview_date=day(30), vacancy_title="Jurist"
    )
    MembershipFactory(
        committee=committee,
        person=PersonFactory(department=department, last_name="Geheimhouder", email="g@x.nl"),
    )
    return MembershipFactory(
        committee=committee, person=PersonFactory(department=department, last_name="Zelf")
    )


def test_a_token_reads_back_to_its_membership() -> None:
    token = registration_token(membership_id=42)
    assert registration_token_read(token) == 42


@pytest.mark.parametrize(
    "token",
    [
        "42",
        "42:abc:def",
        signing.TimestampSigner(salt="something else").sign("42"),
        signing.TimestampSigner().sign("42"),
    ],
)
def test_a_tampered_or_foreign_token_reads_as_nothing(token: str) -> None:
    assert registration_token_read(token) is None


def test_a_token_expires_after_the_setting(settings) -> None:
    token = registration_token(membership_id=7)
    settings.REGISTRATION_LINK_DAYS = 0
    assert registration_token_read(token) is None


def test_the_url_is_the_member_registration_page(membership) -> None:
    path = member_registration_url(membership)
    assert path.startswith("/aanmelden/")
    assert registration_token_read(path.split("/")[2]) == membership.pk


def test_the_member_chooses_a_session_without_logging_in(client, membership) -> None:
    session = SessionFactory(date=day(7), place="Utrecht")
    path = member_registration_url(membership)
    page = client.get(path).content.decode()
    assert "Zelf" in page
    assert "Utrecht" in page
    assert "Geheimhouder" not in page
    assert "g@x.nl" not in page
    response = client.post(path, {"session": session.pk}, follow=True)
    completion = TrainingCompletion.objects.get()
    assert completion.person == membership.person
    assert completion.status == CompletionStatus.REGISTERED
    assert completion.status_changed_by is None
    assert "is ingeschreven voor de sessie van" in response.content.decode()


def test_the_member_changes_to_an_earlier_session(client, membership) -> None:
    later, earlier = SessionFactory(date=day(20)), SessionFactory(date=day(5))
    path = member_registration_url(membership)
    client.post(path, {"session": later.pk})
    client.post(path, {"session": earlier.pk})
    statuses = dict(
        TrainingCompletion.objects.filter(person=membership.person).values_list("session", "status")
    )
    assert statuses == {
        later.pk: CompletionStatus.CANCELLED,
        earlier.pk: CompletionStatus.REGISTERED,
    }


def test_the_link_registers_nobody_else_and_no_later_session(client, membership) -> None:
    after = SessionFactory(date=day(40))
    path = member_registration_url(membership)
    assert client.post(path, {"session": after.pk, "person": 1}).status_code == 400
    assert not TrainingCompletion.objects.exists()


def test_an_expired_link_says_so_in_dutch(client, membership, settings) -> None:
    path = member_registration_url(membership)
    settings.REGISTRATION_LINK_DAYS = 0
    response = client.get(path)
    assert response.status_code == 410
    assert "Deze link om in te schrijven is verlopen" in response.content.decode()


def test_a_tampered_link_says_so_in_dutch(client, membership) -> None:
    path = member_registration_url(membership)
    response = client.get(path[:-3] + "xyz/")
    assert response.status_code == 400
    assert "Deze link om in te schrijven werkt niet" in response.content.decode()
    response = client.post(path[:-3] + "xyz/", {"session": 1})
    assert response.status_code == 400


def test_a_link_of_a_cancelled_committee_no_longer_applies(client, membership) -> None:
    path = member_registration_url(membership)
    membership.committee.status = CommitteeStatus.CANCELLED
    membership.committee.save()
    response = client.get(path)
    assert response.status_code == 410
    assert "geldt niet meer" in response.content.decode()
