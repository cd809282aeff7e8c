"""Sessions end after idle time, at an absolute maximum, and when a user is deactivated."""

from __future__ import annotations

import datetime
import time

import pytest
from django.conf import settings
from django.contrib.sessions.models import Session
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from training_monitor.security import LAST_SEEN_KEY, LOGIN_TIME_KEY

pytestmark = pytest.mark.django_db

LOGIN_PAGE = "/accounts/login/"


def test_an_idle_session_expires_after_thirty_minutes_renewed_at_most_once_a_minute() -> None:
    assert settings.SESSION_COOKIE_AGE == 30 * 60
    assert settings.SESSION_SAVE_EVERY_REQUEST is False
    assert settings.SESSION_REFRESH_SECONDS == 60
    assert settings.SESSION_ABSOLUTE_SECONDS == 10 * 60 * 60


def statement_kinds(queries) -> list[str]:
    return [q["sql"].lstrip().split()[0].upper() for q in queries]


def test_a_page_view_that_changes_nothing_writes_nothing(client: Client, op_user) -> None:
    client.force_login(op_user)
    client.get("/privacy/")  # starts the clocks: one save
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/privacy/")
    assert response.status_code == 200
    kinds = statement_kinds(queries.captured_queries)
    assert kinds
    assert set(kinds) == {"SELECT"}, kinds
    assert "sessionid" not in response.cookies


def test_a_request_a_minute_after_the_last_renewal_renews_the_idle_timeout(
    client: Client, op_user
) -> None:
    client.force_login(op_user)
    client.get("/privacy/")
    session = client.session
    session[LAST_SEEN_KEY] = int(time.time()) - settings.SESSION_REFRESH_SECONDS
    session.save()
    Session.objects.filter(session_key=session.session_key).update(
        expire_date=Session.objects.get(session_key=session.session_key).expire_date
        - datetime.timedelta(minutes=5)
    )
    before = Session.objects.get(session_key=session.session_key).expire_date
    response = client.get("/privacy/")
    after = Session.objects.get(session_key=session.session_key).expire_date
    assert after > before
    assert response.cookies["sessionid"]["max-age"] == settings.SESSION_COOKIE_AGE
    assert time.time() - client.session[LAST_SEEN_KEY] < 60


def test_a_session_idle_past_its_timeout_is_logged_out(client: Client, op_user) -> None:
    client.force_login(op_user)
    client.get("/privacy/")
    key = client.session.session_key
    Session.objects.filter(session_key=key).update(
        expire_date=timezone.now() - datetime.timedelta(seconds=1)
    )
    response = client.get("/")
    assert response.status_code == 302
    assert response.url.startswith(LOGIN_PAGE)


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
