"""End to end: a real Celery worker process and the real Redis compile a quarter."""

from __future__ import annotations

import subprocess
import time
from collections.abc import Iterator
from typing import Any

import pytest

from reports.models import JobStatus, ReportJob, ReportSnapshot, Trigger
from reports.services import job_request
from reports.tasks import compile_report_job
from tests.workers import app_sending_to, redis_url_or_skip, start_worker, stop_worker

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]
QUEUE = "tm-reports-integration"


@pytest.fixture
def redis_url() -> str:
    return redis_url_or_skip()


@pytest.fixture
def worker(redis_url: str) -> Iterator[subprocess.Popen[bytes]]:
    with app_sending_to(redis_url, QUEUE):
        process = start_worker(redis_url, QUEUE)
        try:
            with compile_report_job.app.connection_for_write() as conn:
                conn.default_channel.queue_purge(QUEUE)
            yield process
        finally:
            stop_worker(process)


def test_a_real_worker_compiles_a_quarter_end_to_end(
    world: Any, worker: subprocess.Popen[bytes]
) -> None:
    job, _created = job_request(
        kind="all", quarter="2025Q1", requested_by=None, trigger=Trigger.PAGE
    )
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        job.refresh_from_db()
        if job.is_finished:
            break
        assert worker.poll() is None, worker.stdout.read().decode() if worker.stdout else ""
        time.sleep(0.5)
    assert job.status == JobStatus.DONE, job.message
    assert job.progress == 100
    assert ReportSnapshot.objects.filter(quarter="2025Q1").count() == 2
    assert ReportJob.objects.get(pk=job.pk).snapshots.count() == 2
    icop = ReportSnapshot.objects.get(quarter="2025Q1", kind="icop")
    assert {f.format for f in icop.files.all()} == {"xlsx", "csv", "pdf"}
