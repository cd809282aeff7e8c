"""Web requests run under a PostgreSQL statement_timeout; workers and commands do not."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client, override_settings

from training_monitor.db_timeout import limit_web_connections, unlimit_web_connections

pytestmark = pytest.mark.skipif(
    not os.environ.get("DATABASE_URL", "").startswith("postgres"),
    reason="statement_timeout is a PostgreSQL setting",
)

SHOW = (
    "from django.db import connection\n"
    "c = connection.cursor()\n"
    "c.execute('SELECT pg_sleep(0.4)')\n"
    "c.execute('SHOW statement_timeout')\n"
    "print('timeout', c.fetchone()[0])\n"
)


@pytest.fixture
def web_timeout() -> Iterator[None]:
    """This test process acts as the web process, with a tiny timeout of 0.2 s."""
    with override_settings(DB_STATEMENT_TIMEOUT=0.2):
        limit_web_connections()
        connection.close()  # the next query opens a connection, which gets the timeout
        try:
            yield
        finally:
            unlimit_web_connections()
            connection.close()


@pytest.mark.urls("tests.security.timeout_urls")
@pytest.mark.django_db(transaction=True)
def test_a_page_whose_query_runs_too_long_gets_a_friendly_503_in_dutch(
    client, web_timeout: None, bureau, caplog
) -> None:
    client.force_login(bureau)
    response = client.get("/test/slow/?seconds=2")
    assert response.status_code == 503
    page = response.content.decode()
    assert "Dit duurde te lang" in page
    assert "Er is niets veranderd" in page
    assert response["Retry-After"] == "60"
    assert "Statement timeout: view=test_slow" in caplog.text
    # The connection is usable afterwards, and a quick page is not affected.
    assert client.get("/test/slow/?seconds=0.01").status_code == 200


@pytest.mark.urls("tests.security.timeout_urls")
@pytest.mark.django_db(transaction=True)
def test_a_query_that_runs_too_long_in_a_middleware_gets_the_503_page_too(
    web_timeout: None, bureau, settings, caplog
) -> None:
    # Outside the view, process_exception never sees the error: the 500 handler does.
    settings.MIDDLEWARE = [*settings.MIDDLEWARE, "tests.security.timeout_urls.SlowMiddleware"]
    client = Client(raise_request_exception=False)
    client.force_login(bureau)
    response = client.get("/test/slow/?seconds=0&middleware_seconds=2")
    assert response.status_code == 503
    assert "Dit duurde te lang" in response.content.decode()
    assert response["Retry-After"] == "60"
    assert "Statement timeout: view=-" in caplog.text


@pytest.mark.urls("tests.security.timeout_urls")
@pytest.mark.django_db(transaction=True)
def test_any_other_server_error_is_still_the_500_page(bureau, settings) -> None:
    settings.MIDDLEWARE = [*settings.MIDDLEWARE, "tests.security.timeout_urls.SlowMiddleware"]
    client = Client(raise_request_exception=False)
    client.force_login(bureau)
    # Not a statement timeout: the sleep's argument is not a number.
    response = client.get("/test/slow/?seconds=0&middleware_seconds=x")
    assert response.status_code == 500


@pytest.mark.urls("tests.security.timeout_urls")
@pytest.mark.django_db(transaction=True)
def test_the_timeout_page_is_in_english_for_english_readers(
    client, web_timeout: None, bureau
) -> None:
    client.force_login(bureau)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = client.get("/test/slow/?seconds=2")
    assert response.status_code == 503
    assert "This took too long" in response.content.decode()


@pytest.mark.django_db(transaction=True)
def test_a_web_connection_plans_without_jit_compilation(web_timeout: None) -> None:
    with connection.cursor() as cursor:
        cursor.execute("SHOW jit")
        assert cursor.fetchone()[0] == "off"


@pytest.mark.django_db(transaction=True)
def test_without_the_web_entry_point_a_query_may_run_long(bureau) -> None:
    with override_settings(DB_STATEMENT_TIMEOUT=0.1), connection.cursor() as cursor:
        cursor.execute("SELECT pg_sleep(0.3)")
        cursor.execute("SHOW statement_timeout")
        assert cursor.fetchone()[0] == "0"


def _run(code: list[str], timeout_seconds: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, *code],
        cwd=Path(settings.BASE_DIR),
        env={
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "training_monitor.settings_test",
            "DB_STATEMENT_TIMEOUT": timeout_seconds,
            # pg_sleep and SHOW need no tables: the server's maintenance database will do.
            "DATABASE_URL": os.environ["DATABASE_URL"].rsplit("/", 1)[0] + "/postgres",
        },
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_the_wsgi_process_is_limited_to_the_configured_seconds() -> None:
    limited = _run(["-c", "import training_monitor.wsgi\n" + SHOW], "0.1")
    assert "canceling statement due to statement timeout" in limited.stderr
    configured = _run(["-c", "import training_monitor.wsgi\n" + SHOW.replace("0.4", "0")], "15")
    assert "timeout 15s" in configured.stdout, configured.stderr


def test_zero_turns_the_limit_off() -> None:
    result = _run(["-c", "import training_monitor.wsgi\n" + SHOW], "0")
    assert "timeout 0" in result.stdout, result.stderr


def test_a_management_command_and_a_celery_worker_are_not_limited() -> None:
    command = _run(["manage.py", "shell", "-c", SHOW], "0.1")
    assert "timeout 0" in command.stdout, command.stderr
    worker = _run(["-c", "import training_monitor.celery, django\ndjango.setup()\n" + SHOW], "0.1")
    assert "timeout 0" in worker.stdout, worker.stderr
