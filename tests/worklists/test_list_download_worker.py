"""End to end: a real Celery worker process and the real Redis prepare a long list."""

from __future__ import annotations

import io
import subprocess
import time
from collections.abc import Iterator

import openpyxl
import pytest
from django.http import QueryDict

from tests.factories import CommitteeFactory
from tests.workers import app_sending_to, redis_url_or_skip, start_worker, stop_worker
from worklists.models import ExportStatus
from worklists.services import export_request
from worklists.tasks import prepare_list_download

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]
QUEUE = "tm-worklists-integration"


@pytest.fixture
def worker() -> Iterator[subprocess.Popen[bytes]]:
    redis_url = redis_url_or_skip()
    with app_sending_to(redis_url, QUEUE):
        process = start_worker(redis_url, QUEUE)
        try:
            with prepare_list_download.app.connection_for_write() as conn:
                conn.default_channel.queue_purge(QUEUE)
            yield process
        finally:
            stop_worker(process)


def test_a_real_worker_prepares_the_file_for_the_requester(
    op_user, department, other_department, worker: subprocess.Popen[bytes]
) -> None:
    for n in range(30):
        CommitteeFactory(department=department, vacancy_reference=f"EIGEN-{n:02d}")
    CommitteeFactory(department=other_department, vacancy_reference="VREEMD-1")
    job = export_request(
        user=op_user, kind="committees", fmt="xlsx", params=QueryDict(""), row_count=30
    )
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        job.refresh_from_db()
        if job.is_finished:
            break
        assert worker.poll() is None, worker.stdout.read().decode() if worker.stdout else ""
        time.sleep(0.5)
    assert job.status == ExportStatus.DONE, job.message
    assert job.progress == 100
    assert job.filename.endswith(".xlsx")
    content = bytes(job.content or b"")
    assert content.startswith(b"PK")  # an XLSX is a ZIP file

    sheet = openpyxl.load_workbook(io.BytesIO(content)).worksheets[0]
    references = [row[0] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert len(references) == 30
    assert "VREEMD-1" not in references
