"""A worker killed halfway through a compile: the next worker goes on after the reports
the job already has, and the job ends with each report compiled once.

A real Celery worker (tests/slow_worker.py: it pauses before each report and logs each
report it compiled) compiles both reports of a quarter. The test kills its process group
with SIGKILL once the first report is stored and linked to the job (its checkpoint),
waits out the visibility timeout, and starts a normal worker, which gets the message
again (acks_late, reject_on_worker_lost) and compiles only the second report.
"""

from __future__ import annotations

import os
import signal
import subprocess
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import redis

from reports.models import JobStatus, ReportJob, ReportSnapshot, Trigger
from reports.services import job_request
from tests.workers import (
    app_sending_to,
    redis_url_or_skip,
    start_worker,
    stop_worker,
    wait_until,
    worker_output,
)

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]
QUEUE = "tm-reports-killed-integration"
VISIBILITY_TIMEOUT = 2


@pytest.fixture
def redis_url() -> str:
    return redis_url_or_skip()


@pytest.fixture
def step_log(tmp_path: Path) -> Path:
    return tmp_path / "steps.log"


@pytest.fixture
def workers(redis_url: str, step_log: Path) -> Iterator[Callable[..., subprocess.Popen[bytes]]]:
    client = redis.Redis.from_url(redis_url)
    client.delete(QUEUE, "unacked", "unacked_index")
    started: list[subprocess.Popen[bytes]] = []

    def start(*, slow: bool) -> subprocess.Popen[bytes]:
        process = start_worker(
            redis_url,
            QUEUE,
            module="tests.slow_worker",
            CELERY_VISIBILITY_TIMEOUT=str(VISIBILITY_TIMEOUT),
            SLOW_CHUNK_SECONDS="5" if slow else "0",
            STEP_LOG=str(step_log),
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


def test_a_worker_killed_midway_through_a_compile_leaves_the_rest_to_a_new_worker_once(
    world: Any, workers: Callable[..., subprocess.Popen[bytes]], step_log: Path
) -> None:
    first = workers(slow=True)
    job, _created = job_request(
        kind="all", quarter="2025Q1", requested_by=None, trigger=Trigger.PAGE
    )

    def first_report_linked() -> bool:
        assert first.poll() is None, worker_output(first)
        return ReportJob.objects.get(pk=job.pk).snapshots.exists()

    wait_until(first_report_linked, 120, "the first report")
    os.killpg(first.pid, signal.SIGKILL)  # while it pauses before the second report
    first.wait(timeout=10)
    job.refresh_from_db()
    assert job.status == JobStatus.RUNNING
    assert job.progress == 52  # one report of two
    assert step_log.read_text().split() == ["regiegroep"]

    time.sleep(VISIBILITY_TIMEOUT + 1)
    second = workers(slow=False)

    def finished() -> bool:
        assert second.poll() is None, worker_output(second)
        return ReportJob.objects.get(pk=job.pk).is_finished

    wait_until(finished, 180, "the redelivered compile")
    job.refresh_from_db()
    assert job.status == JobStatus.DONE, job.message
    assert (job.progress, job.attempts) == (100, 2)
    # The second worker compiled only the report the job did not have yet.
    assert step_log.read_text().split() == ["regiegroep", "icop"]
    assert ReportSnapshot.objects.filter(quarter="2025Q1").count() == 2
    assert sorted(job.snapshots.values_list("kind", flat=True)) == ["icop", "regiegroep"]
    icop = ReportSnapshot.objects.get(quarter="2025Q1", kind="icop")
    assert {f.format for f in icop.files.all()} == {"xlsx", "csv", "pdf"}
