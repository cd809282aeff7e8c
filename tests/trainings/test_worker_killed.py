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
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import redis

from departments.models import Person
from tests.factories import DepartmentFactory, ProgrammeFactory, SupplierFactory
from tests.trainings.conftest import csv_file
from tests.workers import app_sending_to, redis_url_or_skip, start_worker, stop_worker
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
    return redis_url_or_skip()


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
def workers(redis_url: str, shared_media: Path) -> Iterator[Callable[..., subprocess.Popen[bytes]]]:
    # Messages left unacknowledged by workers of earlier runs must not come back here.
    client = redis.Redis.from_url(redis_url)
    client.delete(QUEUE, "unacked", "unacked_index")
    started: list[subprocess.Popen[bytes]] = []

    def start(*, slow: bool) -> subprocess.Popen[bytes]:
        process = start_worker(
            redis_url,
            QUEUE,
            module="tests.trainings.slow_worker",
            CELERY_VISIBILITY_TIMEOUT=str(VISIBILITY_TIMEOUT),
            TEST_FILE_STORAGE="filesystem",
            MEDIA_ROOT=str(shared_media),
            SLOW_CHUNK_SECONDS="3" if slow else "0",
        )
        started.append(process)
        return process

    with app_sending_to(redis_url, QUEUE):
        try:
            yield start
        finally:
            for process in started:
                stop_worker(process)
            client.delete(QUEUE, "unacked", "unacked_index")


def _wait(condition: Callable[[], bool], seconds: float, what: str) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for {what}")


def test_a_worker_killed_midway_leaves_nothing_and_the_file_is_applied_once_later(
    workers: Callable[..., subprocess.Popen[bytes]],
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

    first = workers(slow=True)
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
    second = workers(slow=False)

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
