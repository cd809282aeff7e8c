"""django-axes locks a user name out from one address after repeated failed logins."""

from __future__ import annotations

import logging

import pytest
from django.conf import settings
from django.test import Client

pytestmark = pytest.mark.django_db


def log_in(client: Client, password: str, address: str = "192.0.2.10"):
    return client.post(
        "/accounts/login/",
        {"username": "op.aaa", "password": password},
        REMOTE_ADDR=address,
    )


def test_the_limit_is_five_failures_for_fifteen_minutes() -> None:
    assert settings.AXES_FAILURE_LIMIT == 5
    assert settings.AXES_COOLOFF_TIME.total_seconds() == 15 * 60
    assert settings.AXES_LOCKOUT_PARAMETERS == [["username", "ip_address"]]


def test_five_failures_lock_out_even_the_right_password_and_log_it(
    client: Client, op_user, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.WARNING, logger="axes"):
        for _ in range(5):
            log_in(client, "wrong")
        response = log_in(client, "wachtwoord-123")
    assert response.status_code == 429
    assert "Te veel mislukte pogingen" in response.content.decode()
    assert "_auth_user_id" not in client.session
    assert any("Locking out" in record.getMessage() for record in caplog.records)


def test_the_lockout_page_is_english_when_chosen(client: Client, op_user) -> None:
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    for _ in range(5):
        log_in(client, "wrong")
    assert "Too many failed attempts" in log_in(client, "wrong").content.decode()


def test_the_same_user_name_from_another_address_can_still_log_in(client: Client, op_user) -> None:
    for _ in range(5):
        log_in(client, "wrong")
    response = log_in(client, "wachtwoord-123", address="198.51.100.7")
    assert response.status_code == 302
