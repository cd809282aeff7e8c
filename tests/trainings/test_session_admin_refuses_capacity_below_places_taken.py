"""The session admin refuses a capacity below the places already taken."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.factories import PersonFactory, SessionFactory
from trainings.models import TrainingSession
from trainings.services import registration_create

pytestmark = pytest.mark.django_db


@pytest.fixture
def session(department, op_user) -> TrainingSession:
    session = SessionFactory(date=timezone.localdate() + datetime.timedelta(days=10), capacity=5)
    for _ in range(3):
        registration_create(
            person=PersonFactory(department=department), session=session, user=op_user
        )
    return session


def posted(client, url: str, **changes: Any) -> dict[str, Any]:
    form = client.get(url).context["adminform"].form
    data: dict[str, Any] = {}
    for name in form.fields:
        value = changes.get(name, form[name].value())
        if value is True:
            data[name] = "on"
        elif value not in (None, False):
            data[name] = str(value)
    return data


def test_a_capacity_below_the_places_taken_is_refused(client, admin_user_, session) -> None:
    url = reverse("admin:trainings_trainingsession_change", args=[session.pk])
    client.force_login(admin_user_)
    response = client.post(url, posted(client, url, capacity=2))
    assert response.status_code == 200
    assert "Er zijn al 3 plaatsen bezet" in response.content.decode()
    session.refresh_from_db()
    assert session.capacity == 5


def test_a_capacity_equal_to_the_places_taken_is_saved(client, admin_user_, session) -> None:
    url = reverse("admin:trainings_trainingsession_change", args=[session.pk])
    client.force_login(admin_user_)
    assert client.post(url, posted(client, url, capacity=3)).status_code == 302
    session.refresh_from_db()
    assert session.capacity == 3


def test_op_staff_of_another_ministry_get_no_session_admin(client, outsider, session) -> None:
    url = reverse("admin:trainings_trainingsession_change", args=[session.pk])
    client.force_login(outsider)
    assert client.post(url, {"capacity": "1"}).status_code in (302, 403)
    session.refresh_from_db()
    assert session.capacity == 5
