"""Cancelling a session in the admin (ticking *cancelled*): its registrations are
cancelled and its waiting list cleared (committees.services.session_cancel), the admin
warns how many confirmed committees relied on it, and the member's page says so."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import timezone

from committees.models import CommitteeStatus
from committees.registration_links import member_registration_url
from departments.models import EnforcementMode
from tests.factories import CommitteeFactory, MembershipFactory, PersonFactory, SessionFactory
from trainings.models import CompletionStatus, TrainingCompletion, WaitlistEntry
from trainings.services import registration_create, waitlist_join

pytestmark = pytest.mark.django_db


def day(offset: int) -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=offset)


@pytest.fixture
def world(department, op_user):
    """A full session with a member of a confirmed strict committee relying on it,
    and someone on its waiting list."""
    department.enforcement_mode = EnforcementMode.STRICT
    department.save()
    session = SessionFactory(date=day(10), capacity=1)
    committee = CommitteeFactory(department=department, interview_date=day(30))
    membership = MembershipFactory(committee=committee)
    registration_create(person=membership.person, session=session, user=op_user)
    committee.status = CommitteeStatus.CONFIRMED
    committee.save()
    waitlist_join(person=PersonFactory(department=department), session=session, user=op_user)
    return session, membership


def change_url(session) -> str:
    return reverse("admin:trainings_trainingsession_change", args=[session.pk])


def posted(client, session, **changes: Any) -> dict[str, Any]:
    """The admin form as it stands, with `changes`."""
    form = client.get(change_url(session)).context["adminform"].form
    data: dict[str, Any] = {}
    for name in form.fields:
        value = changes.get(name, form[name].value())
        if value is True:
            data[name] = "on"
        elif value not in (None, False):
            data[name] = str(value)
    return data


def test_ticking_cancelled_cancels_the_registrations_and_warns(client, admin_user_, world) -> None:
    session, membership = world
    client.force_login(admin_user_)
    response = client.post(change_url(session), posted(client, session, cancelled=True))
    assert response.status_code == 302
    session.refresh_from_db()
    assert session.cancelled
    completion = TrainingCompletion.objects.get(person=membership.person)
    assert completion.status == CompletionStatus.CANCELLED
    assert completion.status_changed_by == admin_user_
    assert not WaitlistEntry.objects.exists()
    assert not TrainingCompletion.objects.filter(status=CompletionStatus.REGISTERED).exists()
    shown = [str(m) for m in get_messages(response.wsgi_request)]
    assert any("1 bevestigde commissie rekende op deze sessie" in m for m in shown), shown


def test_the_members_page_says_the_session_is_cancelled(client, admin_user_, world) -> None:
    session, membership = world
    client.force_login(admin_user_)
    client.post(change_url(session), posted(client, session, cancelled=True))
    client.logout()
    page = client.get(member_registration_url(membership)).content.decode()
    assert "geannuleerd" in page
    assert "Ingeschreven voor de sessie van" not in page


def test_an_other_change_leaves_the_registrations(client, admin_user_, world) -> None:
    session, _membership = world
    client.force_login(admin_user_)
    response = client.post(change_url(session), posted(client, session, place="Elders"))
    assert response.status_code == 302
    assert TrainingCompletion.objects.filter(status=CompletionStatus.REGISTERED).count() == 1
    assert WaitlistEntry.objects.count() == 1


def test_op_staff_cannot_cancel_a_session_in_the_admin(client, outsider, world) -> None:
    session, _membership = world
    client.force_login(outsider)
    response = client.post(change_url(session), {"cancelled": "on"})
    assert response.status_code in (302, 403)
    session.refresh_from_db()
    assert not session.cancelled
