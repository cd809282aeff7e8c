"""The waiting lists in the admin: a new entry only for a full upcoming session, through
trainings.services."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.factories import CompletionFactory, PersonFactory, SessionFactory
from trainings.models import CompletionStatus, WaitlistEntry

pytestmark = pytest.mark.django_db

URL = reverse("admin:trainings_waitlistentry_add")


@pytest.fixture
def full_session(department):
    session = SessionFactory(date=timezone.localdate() + datetime.timedelta(days=8), capacity=1)
    CompletionFactory(
        session=session,
        status=CompletionStatus.REGISTERED,
        person=PersonFactory(department=department),
    )
    return session


def test_an_administrator_puts_someone_on_a_full_sessions_list(
    client, admin_user_, full_session, department
) -> None:
    person = PersonFactory(department=department)
    client.force_login(admin_user_)
    response = client.post(URL, {"session": full_session.pk, "person": person.pk})
    assert response.status_code == 302
    entry = WaitlistEntry.objects.get()
    assert (entry.person, entry.created_by) == (person, admin_user_)


def test_a_session_with_places_left_gets_no_list(client, admin_user_, department) -> None:
    session = SessionFactory(date=timezone.localdate() + datetime.timedelta(days=8), capacity=5)
    client.force_login(admin_user_)
    response = client.post(
        URL, {"session": session.pk, "person": PersonFactory(department=department).pk}
    )
    assert response.status_code == 200
    assert "nog vrije plaatsen" in response.content.decode()
    assert not WaitlistEntry.objects.exists()
