"""A worker killed or shut down halfway through an import: the file is applied once.

A real Celery worker (made slow, so it can be caught midway: tests/slow_worker.py)
applies a file of three chunks. Each chunk commits with its checkpoint (rows_done).

- SIGKILL of the worker's process group once a chunk is committed: what was committed
  stays, the unacknowledged message comes back after the visibility timeout (acks_late,
  reject_on_worker_lost), and a new worker applies the rest.
- SIGTERM (a warm shutdown, as on a deploy): the worker stops at the next chunk, sends the
  job again and exits with the file unfinished; a second worker applies the rest.

Either way every row is applied exactly once: no duplicate people, completions or rows.
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
from imports.models import ImportBatch, ImportRow, ImportStatus
from imports.services import (
    CHUNK_SIZE,
    attendance_import_preview,
    attendance_import_queue,
    import_batch_create,
)
from tests.factories import DepartmentFactory, ProgrammeFactory, SupplierFactory
from tests.imports.conftest import csv_file
from tests.workers import (
    app_sending_to,
    redis_url_or_skip,
    start_worker,
    stop_worker,
    wait_until,
    worker_output,
)
from trainings.models import TrainingCompletion

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]
QUEUE = "tm-imports-integration"
ROWS = 3 * CHUNK_SIZE
VISIBILITY_TIMEOUT = 2
# The worker's 120 s stop_grace_period in docker-compose.yml: a shut-down worker is gone
# well before it (a chunk takes seconds), so compose never has to SIGKILL it.
GRACE_PERIOD = 120


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

    def start(*, slow: bool, pool: str = "solo") -> subprocess.Popen[bytes]:
        process = start_worker(
            redis_url,
            QUEUE,
            module="tests.slow_worker",
            options=("-P", pool, "-c", "1"),
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


def _queued_file() -> ImportBatch:
    """A previewed file of ROWS new people, queued for the worker."""
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
    attendance_import_queue(batch=batch, hold_invalid=False)  # autocommit: sent at once
    return batch


def _wait_for_a_chunk(batch: ImportBatch, worker: subprocess.Popen[bytes]) -> None:
    def chunk_committed() -> bool:
        assert worker.poll() is None, worker_output(worker)
        return ImportBatch.objects.get(pk=batch.pk).rows_done >= CHUNK_SIZE

    wait_until(chunk_committed, 120, "the first chunk")


def _assert_committed_matches_checkpoint(batch: ImportBatch) -> int:
    """What is in the database is exactly the committed chunks: rows_done of each."""
    batch.refresh_from_db()
    done = batch.rows_done
    assert 0 < done < ROWS
    assert done % CHUNK_SIZE == 0
    assert Person.objects.count() == done
    assert TrainingCompletion.objects.count() == done
    assert ImportRow.objects.filter(batch=batch).count() == done
    return done


def _assert_applied_once(batch: ImportBatch, worker: subprocess.Popen[bytes]) -> None:
    def applied() -> bool:
        assert worker.poll() is None, worker_output(worker)
        return ImportBatch.objects.get(pk=batch.pk).is_finished

    wait_until(applied, 180, "the rest of the import")
    batch.refresh_from_db()
    assert batch.status == ImportStatus.APPLIED, batch.error
    assert batch.counts == {
        "new": ROWS, "updated": 0, "unchanged": 0, "review": 0, "rejected": 0, "total": ROWS
    }  # fmt: skip
    assert batch.rows_done == ROWS
    assert Person.objects.count() == ROWS
    assert TrainingCompletion.objects.filter(import_rows__batch=batch).distinct().count() == ROWS
    assert TrainingCompletion.objects.count() == ROWS
    rows = ImportRow.objects.filter(batch=batch)
    assert rows.count() == rows.values("row_number").distinct().count() == ROWS


def test_a_worker_killed_midway_keeps_its_chunks_and_a_new_worker_applies_the_rest_once(
    workers: Callable[..., subprocess.Popen[bytes]],
) -> None:
    first = workers(slow=True)
    batch = _queued_file()
    _wait_for_a_chunk(batch, first)
    os.killpg(first.pid, signal.SIGKILL)
    first.wait(timeout=10)

    # The chunk being written when it died is rolled back; the committed ones stay.
    _assert_committed_matches_checkpoint(batch)
    assert batch.status == ImportStatus.APPLYING

    # Its message is unacknowledged; once the visibility timeout passed, a new worker
    # gets it again and goes on after the checkpoint.
    time.sleep(VISIBILITY_TIMEOUT + 1)
    _assert_applied_once(batch, workers(slow=False))


def test_a_worker_shut_down_midway_stops_at_a_chunk_and_a_second_worker_applies_the_rest(
    workers: Callable[..., subprocess.Popen[bytes]],
) -> None:
    # The pool production runs (scripts/run.sh worker): the task runs in a child process,
    # the SIGTERM reaches the main process only, as `docker compose stop` sends it.
    first = workers(slow=True, pool="prefork")
    batch = _queued_file()
    _wait_for_a_chunk(batch, first)
    os.kill(first.pid, signal.SIGTERM)
    first.wait(timeout=GRACE_PERIOD)

    # It stopped before the file was done, waiting for a worker with its checkpoint.
    _assert_committed_matches_checkpoint(batch)
    assert batch.status == ImportStatus.QUEUED
    _assert_applied_once(batch, workers(slow=False))
