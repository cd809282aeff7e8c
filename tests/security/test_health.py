"""/health/: database, Redis and Celery workers, behind a token; 200 or 503."""

from __future__ import annotations

import pytest
from django.db import OperationalError
from django.test import Client, override_settings

from training_monitor import health
from training_monitor.celery import app as celery_app

pytestmark = pytest.mark.django_db

TOKEN = "health-token-for-tests"
WITH_BROKER = override_settings(
    HEALTH_CHECK_TOKEN=TOKEN,
    CELERY_BROKER_URL="redis://127.0.0.1:6379/15",
    CELERY_TASK_ALWAYS_EAGER=False,
)


class FakeRedis:
    pinged = 0

    def ping(self) -> bool:
        FakeRedis.pinged += 1
        return True


@pytest.fixture
def redis_up(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(health.redis.Redis, "from_url", lambda url, **kwargs: FakeRedis())


def get(client: Client):
    return client.get("/health/", headers={"Authorization": f"Bearer {TOKEN}"})


@pytest.mark.parametrize(
    ("configured", "request_kwargs"),
    [
        ("", {"headers": {"Authorization": "Bearer "}}),
        ("", {"data": {"token": ""}}),
        (TOKEN, {}),
        (TOKEN, {"headers": {"Authorization": "Bearer wrong"}}),
        (TOKEN, {"data": {"token": "wrong"}}),
        (TOKEN, {"headers": {"Authorization": TOKEN}}),
    ],
)
def test_without_the_right_token_it_does_not_exist(
    client: Client, configured, request_kwargs
) -> None:
    with override_settings(HEALTH_CHECK_TOKEN=configured):
        assert client.get("/health/", **request_kwargs).status_code == 404


@override_settings(HEALTH_CHECK_TOKEN=TOKEN)
def test_without_a_broker_only_the_database_is_needed(client: Client) -> None:
    response = get(client)
    assert response.status_code == 200
    assert response.json() == {
        "status": "ok",
        "checks": {
            "database": "ok",
            "redis": "not configured",
            "workers": "not needed: tasks run in-process",
        },
    }
    assert client.get("/health/", {"token": TOKEN}).status_code == 200


@WITH_BROKER
def test_with_redis_and_a_worker_all_is_well(client: Client, redis_up, monkeypatch) -> None:
    monkeypatch.setattr(celery_app.control, "ping", lambda timeout: [{"celery@w1": {"ok": "pong"}}])
    response = get(client)
    assert response.status_code == 200
    assert response.json()["checks"] == {
        "database": "ok",
        "redis": "ok",
        "workers": "ok: 1 worker(s)",
    }


@WITH_BROKER
def test_no_workers_with_a_broker_is_a_failure(client: Client, redis_up, monkeypatch) -> None:
    monkeypatch.setattr(celery_app.control, "ping", lambda timeout: [])
    response = get(client)
    assert response.status_code == 503
    assert response.json()["status"] == "failing"
    assert response.json()["checks"]["workers"] == "failed: RuntimeError"


@override_settings(
    HEALTH_CHECK_TOKEN=TOKEN,
    CELERY_BROKER_URL="redis://127.0.0.1:1/0",
    CELERY_TASK_ALWAYS_EAGER=False,
)
def test_an_unreachable_redis_fails_without_asking_the_workers(client: Client, monkeypatch) -> None:
    def no_ping(timeout: float) -> None:
        raise AssertionError("workers must not be asked through a dead broker")

    monkeypatch.setattr(celery_app.control, "ping", no_ping)
    response = get(client)
    assert response.status_code == 503
    assert response.json()["checks"]["redis"] == "failed: ConnectionError"
    assert response.json()["checks"]["workers"] == "failed: broker unreachable"


@override_settings(HEALTH_CHECK_TOKEN=TOKEN)
def test_a_database_failure_is_a_503(client: Client, monkeypatch) -> None:
    class BrokenConnection:
        def cursor(self) -> None:
            raise OperationalError("connection refused")

    monkeypatch.setattr(health, "connection", BrokenConnection())
    response = get(client)
    assert response.status_code == 503
    assert response.json()["checks"]["database"] == "failed: OperationalError"
    assert "connection refused" not in response.content.decode()
