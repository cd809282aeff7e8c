"""A worker killed halfway through an import: the file is applied once, whole, later.

A real Celery worker (made slow, so it can be caught midway) applies a large file; the
test kills it with SIGKILL once the first chunk is written, checks that nothing of the
file is in the database, starts a normal worker and waits for the redelivered message
(acks_late, reject_on_worker_lost) to apply the file exactly once.
"""

from __future__ import annotations

import io
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import redis
from django.conf import settings
from django.db import connection

from departments.models import Person
from tests.factories import DepartmentFactory, ProgrammeFactory, SupplierFactory
from tests.reports.test_worker_integration import _database_url
from tests.trainings.conftest import csv_file
from training_monitor.celery import app
from trainings.models import ImportBatch, ImportStatus, TrainingCompletion
from trainings.services import (
    CHUNK_SIZE,
    attendance_import_preview,
    attendance_import_queue,
    import_batch_create,
)

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]
QUEUE = "tm-imports-integration"
ROWS = 3 * CHUNK_SIZE
VISIBILITY_TIMEOUT = 2


@pytest.fixture
def redis_url() -> str:
    url = os.environ.get("TEST_REDIS_URL")
    if not url:
        pytest.skip("TEST_REDIS_URL is not set")
    if connection.vendor != "postgresql":
        pytest.skip("the worker needs a database it can share: PostgreSQL")
    return url


@pytest.fixture
def shared_media(settings: Any, tmp_path: Path) -> Path:
    """Uploads on disk, where the worker process can read them."""
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    }
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def start_worker(
    redis_url: str, shared_media: Path
) -> Iterator[Callable[..., subprocess.Popen[bytes]]]:
    saved = {
        key: app.conf[key] for key in ("broker_url", "task_always_eager", "task_default_queue")
    }
    app.conf.update(broker_url=redis_url, task_always_eager=False, task_default_queue=QUEUE)
    app._pool = None
    app.amqp._producer_pool = None
    # Messages left unacknowledged by workers of earlier runs must not come back here.
    client = redis.Redis.from_url(redis_url)
    client.delete(QUEUE, "unacked", "unacked_index")
    started: list[subprocess.Popen[bytes]] = []

    def start(*, slow: bool) -> subprocess.Popen[bytes]:
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "training_monitor.settings_test",
            "DATABASE_URL": _database_url(),
            "CELERY_BROKER_URL": redis_url,
            "CELERY_VISIBILITY_TIMEOUT": str(VISIBILITY_TIMEOUT),
            "TEST_FILE_STORAGE": "filesystem",
            "MEDIA_ROOT": str(shared_media),
            "CONN_MAX_AGE": "0",
            "LOG_LEVEL": "WARNING",
            "SLOW_CHUNK_SECONDS": "3" if slow else "0",
        }
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "tests.trainings.slow_worker",
                "-P",
                "solo",
                "-Q",
                QUEUE,
                "--without-heartbeat",
                "--without-gossip",
                "--without-mingle",
                "--loglevel=WARNING",
            ],
            cwd=Path(settings.BASE_DIR),
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
        )
        started.append(process)
        return process

    try:
        yield start
    finally:
        for process in started:
            if process.poll() is None:
                process.terminate()
                try:
                    process.wait(timeout=20)
                except subprocess.TimeoutExpired:
                    process.kill()
                    process.wait()
        client.delete(QUEUE, "unacked", "unacked_index")
        app.conf.update(saved)
        app._pool = None
        app.amqp._producer_pool = None


def _wait(condition: Callable[[], bool], seconds: float, what: str) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for {what}")


def test_a_worker_killed_midway_leaves_nothing_and_the_file_is_applied_once_later(
    start_worker: Callable[..., subprocess.Popen[bytes]],
) -> None:
    DepartmentFactory(code="AAA")
    supplier = SupplierFactory(code="ACME")
    ProgrammeFactory(supplier=supplier, name="Objectief selecteren", version="1")
    rows = [
        [f"{700000 + n}", "Deel", f"Nemer{n}", f"deelnemer{n}@example.nl", "AAA",
         "03-03-2025", "Utrecht", "ja"]
        for n in range(ROWS)
    ]  # fmt: skip
    batch = import_batch_create(
        file=io.BytesIO(csv_file(rows)), file_name="groot.csv", supplier=supplier, user=None
    )
    attendance_import_preview(batch=batch)
    assert batch.counts["new"] == ROWS

    first = start_worker(slow=True)
    attendance_import_queue(batch=batch, hold_invalid=False)  # autocommit: sent at once

    def first_chunk_written() -> bool:
        assert first.poll() is None, first.stdout.read().decode() if first.stdout else ""
        return ImportBatch.objects.get(pk=batch.pk).rows_done >= CHUNK_SIZE

    _wait(first_chunk_written, 120, "the first chunk")
    os.kill(first.pid, signal.SIGKILL)
    first.wait(timeout=10)

    # The killed worker's transaction is rolled back: not one row of the file is there.
    batch.refresh_from_db()
    assert batch.status == ImportStatus.APPLYING
    _wait(lambda: not TrainingCompletion.objects.exists(), 10, "the rollback")
    assert not Person.objects.exists()

    # Its message is unacknowledged; once the visibility timeout passed, a new worker
    # gets it again.
    time.sleep(VISIBILITY_TIMEOUT + 1)
    second = start_worker(slow=False)

    def applied() -> bool:
        assert second.poll() is None, second.stdout.read().decode() if second.stdout else ""
        return ImportBatch.objects.get(pk=batch.pk).is_finished

    _wait(applied, 180, "the redelivered import")
    batch.refresh_from_db()
    assert batch.status == ImportStatus.APPLIED, batch.error
    assert batch.counts["new"] == ROWS
    assert TrainingCompletion.objects.count() == ROWS
    assert Person.objects.count() == ROWS
    assert TrainingCompletion.objects.filter(import_batch=batch).count() == ROWS
