"""Sessions end after idle time, at an absolute maximum, and when a user is deactivated."""

from __future__ import annotations

import time

import pytest
from django.conf import settings
from django.test import Client

from training_monitor.security import LOGIN_TIME_KEY

pytestmark = pytest.mark.django_db

LOGIN_PAGE = "/accounts/login/"


def test_an_idle_session_expires_after_thirty_minutes_renewed_by_every_request() -> None:
    assert settings.SESSION_COOKIE_AGE == 30 * 60
    assert settings.SESSION_SAVE_EVERY_REQUEST is True
    assert settings.SESSION_ABSOLUTE_SECONDS == 10 * 60 * 60


def test_the_first_request_after_logging_in_starts_the_absolute_clock(
    client: Client, op_user
) -> None:
    client.force_login(op_user)
    client.get("/")
    assert time.time() - client.session[LOGIN_TIME_KEY] < 60


def test_a_session_older_than_the_absolute_maximum_is_logged_out(client: Client, op_user) -> None:
    client.force_login(op_user)
    session = client.session
    session[LOGIN_TIME_KEY] = int(time.time()) - settings.SESSION_ABSOLUTE_SECONDS - 1
    session.save()
    response = client.get("/")
    assert response.status_code == 302
    assert response.url.startswith(LOGIN_PAGE)
    assert "_auth_user_id" not in client.session


def test_a_session_within_the_absolute_maximum_stays(client: Client, op_user) -> None:
    client.force_login(op_user)
    session = client.session
    session[LOGIN_TIME_KEY] = int(time.time()) - settings.SESSION_ABSOLUTE_SECONDS + 60
    session.save()
    response = client.get("/")
    assert not response.url.startswith(LOGIN_PAGE) if response.status_code == 302 else True
    assert client.session["_auth_user_id"] == str(op_user.pk)


def test_deactivating_a_user_ends_their_session_on_the_next_request(
    client: Client, op_user
) -> None:
    client.force_login(op_user)
    assert client.session["_auth_user_id"] == str(op_user.pk)
    op_user.is_active = False
    op_user.save()
    response = client.get("/")
    assert response.status_code == 302
    assert response.url.startswith(LOGIN_PAGE)
