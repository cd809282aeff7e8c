"""Refused requests by logged-in users are logged with user id and view name only."""

from __future__ import annotations

import logging

import pytest
from django.test import Client

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.security.urls")]

LOGGER = "training_monitor.security"


def denials(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.name == LOGGER]


def test_a_403_is_logged_with_the_user_id_and_view_name_only(
    client: Client, op_user, caplog: pytest.LogCaptureFixture
) -> None:
    op_user.email = "op.aaa@example.nl"
    op_user.save()
    client.force_login(op_user)
    with caplog.at_level(logging.WARNING, logger=LOGGER):
        assert client.get("/test/forbidden/").status_code == 403
    assert denials(caplog) == [
        f"Access denied: status=403 user_id={op_user.pk} view=test_forbidden"
    ]
    logged = " ".join(denials(caplog))
    for personal in (op_user.username, op_user.email, op_user.first_name, op_user.last_name):
        assert not personal or personal not in logged


def test_a_404_from_a_view_is_logged_without_the_object_id(
    client: Client, op_user, caplog: pytest.LogCaptureFixture
) -> None:
    client.force_login(op_user)
    with caplog.at_level(logging.WARNING, logger=LOGGER):
        assert client.get("/test/hidden/4711/").status_code == 404
    assert denials(caplog) == [f"Access denied: status=404 user_id={op_user.pk} view=test_hidden"]


def test_a_real_permission_check_is_logged(
    client: Client, op_user, caplog: pytest.LogCaptureFixture
) -> None:
    client.force_login(op_user)
    with caplog.at_level(logging.WARNING, logger=LOGGER):
        assert client.get("/departments/what-if-strict/").status_code == 403
    assert denials(caplog) == [
        f"Access denied: status=403 user_id={op_user.pk} view=dashboard:what_if_strict"
    ]


def test_anonymous_visitors_and_unknown_addresses_are_not_logged(
    client: Client, op_user, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.WARNING, logger=LOGGER):
        client.get("/test/forbidden/")
        client.force_login(op_user)
        client.get("/no/such/page/")
        client.get("/")
    assert denials(caplog) == []
