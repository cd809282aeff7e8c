"""The preview runs in a real Celery worker: the upload request only stores and queues.

An administrator uploads a 100,000-row CSV at /imports/; the request makes as many
queries as for a ten-row file (nothing in it grows with the file), and a worker process
reads and matches every row and leaves the batch previewed with its counts.
"""

from __future__ import annotations

import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import redis
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext

from imports.models import ImportBatch, ImportStatus
from tests.factories import DepartmentFactory, ProgrammeFactory, SupplierFactory, administrator
from tests.imports.conftest import csv_file
from tests.workers import app_sending_to, redis_url_or_skip, start_worker, stop_worker, wait_until

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]
QUEUE = "tm-imports-preview-integration"
LARGE = 100_000


@pytest.fixture
def worker(settings: Any, tmp_path: Path) -> Iterator[subprocess.Popen[bytes]]:
    """One worker on the test's own queue, reading uploads from disk as this process."""
    redis_url = redis_url_or_skip()
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    }
    settings.MEDIA_ROOT = tmp_path
    client = redis.Redis.from_url(redis_url)
    client.delete(QUEUE, "unacked", "unacked_index")
    process = start_worker(
        redis_url, QUEUE, TEST_FILE_STORAGE="filesystem", MEDIA_ROOT=str(tmp_path)
    )
    with app_sending_to(redis_url, QUEUE):
        try:
            yield process
        finally:
            stop_worker(process)
            client.delete(QUEUE, "unacked", "unacked_index")


def _rows(count: int) -> bytes:
    return csv_file(
        [
            [f"{500000 + n}", "Deel", f"Nemer{n}", f"deelnemer{n}@example.nl", "AAA",
             "03-03-2025", "Utrecht", "ja"]
            for n in range(count)
        ]
    )  # fmt: skip


def test_a_worker_previews_a_100000_row_upload_and_the_upload_request_stays_cheap(
    client: Any, worker: subprocess.Popen[bytes]
) -> None:
    DepartmentFactory(code="AAA")
    supplier = SupplierFactory(code="ACME")
    ProgrammeFactory(supplier=supplier, name="Objectief selecteren", version="1")
    client.force_login(administrator())
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    client.get("/imports/")  # the session's first save (its clocks) is no upload's cost

    def upload(name: str, rows: int) -> int:
        content = SimpleUploadedFile(name, _rows(rows))
        with CaptureQueriesContext(connection) as queries:
            response = client.post("/imports/", {"supplier": supplier.pk, "file": content})
        assert response.status_code == 302, response.content.decode()
        return len(queries)

    small_queries = upload("klein.csv", 10)
    large_queries = upload("groot.csv", LARGE)
    assert large_queries == small_queries

    large = ImportBatch.objects.get(file_name="groot.csv")
    assert large.status == ImportStatus.PREVIEWING  # nothing was read in the request

    def previewed() -> bool:
        assert worker.poll() is None, worker.stdout.read().decode() if worker.stdout else ""
        return not ImportBatch.objects.filter(status=ImportStatus.PREVIEWING).exists()

    wait_until(previewed, 600, "the previews", every=0.2)
    large.refresh_from_db()
    small = ImportBatch.objects.get(file_name="klein.csv")
    assert small.status == large.status == ImportStatus.PREVIEWED, large.error
    assert small.counts["new"] == 10
    assert large.counts["total"] == large.counts["new"] == LARGE
    assert large.preview_started_at is not None
    assert large.rows_done == 0  # from now on the apply's checkpoint
    page = client.get(f"/imports/{large.pk}/").content.decode()
    assert "Apply this file" in page
    assert "hx-trigger" not in page  # previewed: no more polling
