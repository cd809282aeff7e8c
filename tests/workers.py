"""Real Celery worker processes for the integration tests.

The worker shares the pytest PostgreSQL database (tests must use
`django_db(transaction=True)` so it sees committed rows) and the Redis at TEST_REDIS_URL.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from training_monitor.celery import app

WORKER_OPTIONS = (
    "-P",
    "solo",
    "--without-heartbeat",
    "--without-gossip",
    "--without-mingle",
    "--loglevel=WARNING",
)


def database_url() -> str:
    """The DATABASE_URL of the pytest database, for a worker process."""
    db = connection.settings_dict
    user = db.get("USER") or "postgres"
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    host = db.get("HOST") or "127.0.0.1"
    port = db.get("PORT") or 5432
    return f"postgres://{user}{password}@{host}:{port}/{db['NAME']}"


def redis_url_or_skip() -> str:
    """TEST_REDIS_URL, or skip: a worker needs Redis and a database it can share."""
    url = os.environ.get("TEST_REDIS_URL")
    if not url:
        pytest.skip("TEST_REDIS_URL is not set")
    if connection.vendor != "postgresql":
        pytest.skip("the worker needs a database it can share: PostgreSQL")
    return url


def _reset_pools() -> None:
    # Connections made for the old broker URL must not be reused, nor the old routes.
    app._pool = None
    app.amqp._producer_pool = None
    app.amqp.flush_routes()
    app.amqp.__dict__.pop("router", None)  # a cached_property holding the old routes


def to_queue(queue: str) -> Callable[..., dict[str, str]]:
    """A Celery router sending every task to `queue`, whatever its own queue."""

    def route(*args: object, **kwargs: object) -> dict[str, str]:
        return {"queue": queue}

    return route


@contextmanager
def app_sending_to(redis_url: str, queue: str) -> Iterator[None]:
    """Make this process send tasks to `queue` on `redis_url` (not eagerly) meanwhile.

    Every task goes to that one queue, whichever of imports, reports and notifications it
    is routed to in production: a test's own queue keeps it apart from other tests, and
    the test's worker (start_worker on that queue) consumes everything any queue gets.
    """
    keys = ("broker_url", "task_always_eager", "task_default_queue", "task_routes")
    saved = {key: app.conf[key] for key in keys}
    app.conf.update(
        broker_url=redis_url,
        task_always_eager=False,
        task_default_queue=queue,
        task_routes=(to_queue(queue),),
    )
    _reset_pools()
    try:
        yield
    finally:
        app.conf.update(saved)
        _reset_pools()


def start_worker(
    redis_url: str,
    queue: str,
    *,
    module: str = "celery",
    options: Sequence[str] = (),
    **env: str,
) -> subprocess.Popen[bytes]:
    """A worker process for `queue`; `module` runs it (`python -m <module>`); `options`
    go after WORKER_OPTIONS (e.g. "-P", "prefork" for the pool production uses). It is
    the leader of its own process group, so a test can kill the worker with its pool."""
    command = [sys.executable, "-m", module]
    if module == "celery":
        command += ["-A", "training_monitor", "worker"]
    return subprocess.Popen(
        [*command, *WORKER_OPTIONS, *options, "-Q", queue],
        start_new_session=True,
        cwd=Path(settings.BASE_DIR),
        env={
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "training_monitor.settings_test",
            "DATABASE_URL": database_url(),
            "CELERY_BROKER_URL": redis_url,
            "CONN_MAX_AGE": "0",
            "LOG_LEVEL": "WARNING",
            **env,
        },
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )


def stop_worker(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def wait_until(
    condition: Callable[[], bool], seconds: float, what: str, *, every: float = 0.1
) -> None:
    """Poll `condition` until it holds; fail the test after `seconds`."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(every)
    raise AssertionError(f"timed out waiting for {what}")


def worker_output(process: subprocess.Popen[bytes]) -> str:
    """What a stopped worker printed (for a failing assertion's message)."""
    return process.stdout.read().decode() if process.stdout else ""
