"""Health: /health/live (the process), /health/ready (database and pages), /health/ (all,
behind a token in the Authorization header), each exempt from the HTTPS redirect."""

from __future__ import annotations

import uuid

import pytest
from django.db import OperationalError
from django.test import Client, override_settings

from tests.workers import app_sending_to, redis_url_or_skip, start_worker, stop_worker
from training_monitor import health

pytestmark = pytest.mark.django_db

TOKEN = "health-token-for-tests"
DEAD_BROKER = "redis://127.0.0.1:1/0"


def get(client: Client, path: str = "/health/"):
    return client.get(path, headers={"Authorization": f"Bearer {TOKEN}"})


@pytest.fixture
def broken_database(monkeypatch: pytest.MonkeyPatch) -> None:
    class BrokenConnection:
        def cursor(self) -> None:
            raise OperationalError("connection refused for user secret_user")

    monkeypatch.setattr(health, "connection", BrokenConnection())


@pytest.fixture
def missing_manifest(tmp_path):
    """The compose bug: manifest storage at run time, files collected without it."""
    storages = {
        "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.ManifestStaticFilesStorage"},
    }
    with override_settings(STORAGES=storages, STATIC_ROOT=tmp_path):
        yield


def test_live_answers_without_asking_anything(client: Client, django_assert_num_queries) -> None:
    with django_assert_num_queries(0):
        response = client.get("/health/live")
    assert response.status_code == 200
    assert response.content == b"ok"
    assert "no-cache" in response["Cache-Control"]


def test_live_answers_while_the_database_is_down(client: Client, broken_database) -> None:
    assert client.get("/health/live").status_code == 200
    assert client.get("/health/ready").status_code == 503


def test_ready_when_the_database_answers_and_pages_render(client: Client) -> None:
    response = client.get("/health/ready")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "checks": {"database": "ok", "pages": "ok"}}


def test_ready_fails_when_pages_cannot_find_their_static_files(
    client: Client, missing_manifest
) -> None:
    response = client.get("/health/ready")
    assert response.status_code == 503
    # Without a token, no reason: it is in the log.
    assert response.json() == {"status": "failing", "checks": {"database": "ok", "pages": "failed"}}


@override_settings(HEALTH_CHECK_TOKEN=TOKEN)
def test_the_full_picture_names_the_page_that_does_not_render(
    client: Client, missing_manifest
) -> None:
    pages = get(client).json()["checks"]["pages"]
    assert pages.startswith("failed: the page registration/login.html does not render (ValueError)")


@override_settings(CELERY_BROKER_URL=DEAD_BROKER, CELERY_TASK_ALWAYS_EAGER=False)
def test_live_and_ready_do_not_depend_on_redis_or_workers(client: Client) -> None:
    assert client.get("/health/live").status_code == 200
    assert client.get("/health/ready").status_code == 200


@override_settings(SECURE_SSL_REDIRECT=True, HEALTH_CHECK_TOKEN=TOKEN)
@pytest.mark.parametrize("path", ["/health/", "/health/live", "/health/ready"])
def test_every_health_path_is_exempt_from_the_https_redirect(client: Client, path) -> None:
    assert get(client, path).status_code == 200
    assert client.get("/accounts/login/").status_code == 301


@pytest.mark.parametrize(
    ("configured", "request_kwargs"),
    [
        ("", {"headers": {"Authorization": "Bearer "}}),
        (TOKEN, {}),
        (TOKEN, {"headers": {"Authorization": "Bearer wrong"}}),
        (TOKEN, {"headers": {"Authorization": TOKEN}}),
        # The token in the URL would land in the access log: no longer accepted.
        (TOKEN, {"data": {"token": TOKEN}}),
    ],
)
def test_without_the_right_token_in_the_header_it_does_not_exist(
    client: Client, configured, request_kwargs
) -> None:
    with override_settings(HEALTH_CHECK_TOKEN=configured):
        assert client.get("/health/", **request_kwargs).status_code == 404


@override_settings(HEALTH_CHECK_TOKEN=TOKEN)
def test_without_a_broker_only_the_database_and_pages_are_needed(client: Client) -> None:
    response = get(client)
    assert response.status_code == 200
    assert response.json() == {
        "status": "ok",
        "checks": {
            "database": "ok",
            "pages": "ok",
            "redis": "not configured",
            "workers": "not needed: tasks run in-process",
        },
    }


@override_settings(HEALTH_CHECK_TOKEN=TOKEN)
def test_a_database_failure_says_so_without_its_details(client: Client, broken_database) -> None:
    response = get(client)
    assert response.status_code == 503
    assert response.json()["checks"]["database"] == (
        "failed: the database did not answer (OperationalError)"
    )
    assert "secret_user" not in response.content.decode()


@override_settings(
    HEALTH_CHECK_TOKEN=TOKEN, CELERY_BROKER_URL=DEAD_BROKER, CELERY_TASK_ALWAYS_EAGER=False
)
def test_an_unreachable_redis_fails_without_asking_the_workers(client: Client) -> None:
    with app_sending_to(DEAD_BROKER, "celery"):
        response = get(client)
    assert response.status_code == 503
    checks = response.json()["checks"]
    assert checks["redis"] == "failed: Redis did not answer within 2 s (ConnectionError)"
    assert checks["workers"] == "failed: not asked, Redis (the broker) is unreachable"


def test_no_worker_on_a_queue_is_named_in_the_reason(client: Client) -> None:
    redis_url = redis_url_or_skip()
    queue = f"health-{uuid.uuid4().hex[:8]}"
    with (
        override_settings(
            HEALTH_CHECK_TOKEN=TOKEN,
            CELERY_BROKER_URL=redis_url,
            CELERY_TASK_ALWAYS_EAGER=False,
            HEALTH_CHECK_QUEUES=[queue],
        ),
        app_sending_to(redis_url, queue),
    ):
        response = get(client)
    assert response.status_code == 503
    assert response.json()["checks"]["redis"] == "ok"
    assert response.json()["checks"]["workers"] == (
        f"failed: no Celery worker answered within 1 s on queue {queue}"
    )


def test_a_real_worker_on_the_queue_makes_it_healthy(client: Client) -> None:
    redis_url = redis_url_or_skip()
    queue = f"health-{uuid.uuid4().hex[:8]}"
    worker = start_worker(redis_url, queue)
    try:
        with (
            override_settings(
                HEALTH_CHECK_TOKEN=TOKEN,
                CELERY_BROKER_URL=redis_url,
                CELERY_TASK_ALWAYS_EAGER=False,
                HEALTH_CHECK_QUEUES=[queue],
            ),
            app_sending_to(redis_url, queue),
        ):
            for _ in range(30):  # the worker needs a few seconds to start
                response = get(client)
                if response.status_code == 200:
                    break
    finally:
        stop_worker(worker)
    assert response.status_code == 200, response.json()
    assert response.json()["checks"]["workers"] == f"ok: 1 worker(s) on queue {queue}"
