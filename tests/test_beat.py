"""Celery beat with its schedule in the database (training_monitor/beat.py).

The catch-up test starts the real thing: `scripts/run.sh beat` (what the beat container
runs) and a real worker, on the test PostgreSQL and Redis.
"""

from __future__ import annotations

import datetime
import os
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import timezone
from django_celery_beat.models import PeriodicTask

from reports.models import JobStatus, ReportJob, Trigger
from reports.quarters import Quarter
from tests.factories import DepartmentFactory, TenderFactory
from tests.workers import database_url, redis_url_or_skip, start_worker, stop_worker
from training_monitor.beat import HeartbeatDatabaseScheduler
from training_monitor.celery import app
from training_monitor.schedule import DEFAULT_SCHEDULE, schedule_install_defaults

COMPILE = "compile-ended-quarter-reports"


@pytest.mark.django_db
def test_beat_reads_every_enabled_entry_whatever_the_hour() -> None:
    """django-celery-beat leaves out crontab entries more than two hours from now; ours
    does not, or a missed 06:00 compile would wait for the next morning."""
    PeriodicTask.objects.filter(name="apply-retention").update(enabled=False)
    scheduler = HeartbeatDatabaseScheduler(app=app, lazy=True)
    names = {task.name for task in scheduler.enabled_models_qs()}
    assert names == {entry.name for entry in DEFAULT_SCHEDULE} - {"apply-retention"}


def start_beat(tmp_path: Path, redis_url: str) -> subprocess.Popen[bytes]:
    """`scripts/run.sh beat`, with the test database and Redis."""
    return subprocess.Popen(
        ["scripts/run.sh", "beat"],
        cwd=Path(settings.BASE_DIR),
        env={
            **os.environ,
            "PATH": f"{Path(sys.executable).parent}:{os.environ['PATH']}",
            "DJANGO_SETTINGS_MODULE": "training_monitor.settings_test",
            "DATABASE_URL": database_url(),
            "CELERY_BROKER_URL": redis_url,
            "CONN_MAX_AGE": "0",
            "BEAT_HEARTBEAT_FILE": str(tmp_path / "heartbeat"),
        },
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )


def stop(process: subprocess.Popen[bytes]) -> str:
    """Stop beat as docker does (SIGTERM: beat saves its schedule) and return its log."""
    stop_worker(process)
    return process.stdout.read().decode(errors="replace") if process.stdout else ""


def wait_for(condition: Callable[[], bool], seconds: float, what: str) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.5)
    raise AssertionError(f"waited {seconds} s for {what}")


@pytest.fixture
def queue() -> Iterator[tuple[str, str]]:
    """A worker on a queue of this test's own; the compile entry is sent there."""
    redis_url = redis_url_or_skip()
    name = f"tm-beat-{uuid.uuid4().hex[:8]}"
    worker = start_worker(redis_url, name)
    try:
        yield redis_url, name
    finally:
        stop_worker(worker)


@pytest.mark.integration
@pytest.mark.django_db(transaction=True)
def test_a_recreated_beat_compiles_the_quarter_it_missed_on_start_and_only_once(
    queue: tuple[str, str], tmp_path: Path
) -> None:
    redis_url, queue_name = queue
    schedule_install_defaults()  # as migrate left it (an earlier test may have flushed)
    TenderFactory().departments.add(DepartmentFactory())  # data from 2021 on
    # Beat last ran the compile four months ago: its slot of this or the last quarter
    # passed while beat was down (a recreated container).
    last_run = timezone.now() - datetime.timedelta(days=120)
    PeriodicTask.objects.filter(name=COMPILE).update(
        last_run_at=last_run, queue=queue_name, total_run_count=3
    )
    # What an administrator changed in the admin: the other jobs switched off.
    PeriodicTask.objects.exclude(name=COMPILE).update(enabled=False)
    ended = str(Quarter.last_ended(timezone.localdate()))

    def compiled() -> bool:
        job = ReportJob.objects.filter(trigger=Trigger.SCHEDULE, quarter=ended).first()
        return job is not None and job.status == JobStatus.DONE

    beat = start_beat(tmp_path, redis_url)
    try:
        wait_for(compiled, 90, f"the scheduled compile of {ended}")
    finally:
        log = stop(beat)
    entry = PeriodicTask.objects.get(name=COMPILE)
    assert entry.total_run_count == 4, log
    assert entry.last_run_at is not None
    assert entry.last_run_at > last_run
    assert not PeriodicTask.objects.exclude(name=COMPILE).filter(enabled=True).exists()

    # Started again, beat finds the compile done for this quarter and sends nothing.
    heartbeat = tmp_path / "heartbeat"
    heartbeat.unlink()
    beat = start_beat(tmp_path, redis_url)
    try:
        wait_for(heartbeat.exists, 30, "beat's first tick")
    finally:
        log = stop(beat)
    assert PeriodicTask.objects.get(name=COMPILE).total_run_count == 4, log
    job = ReportJob.objects.get(trigger=Trigger.SCHEDULE)
    assert (job.quarter, job.status, job.attempts) == (ended, JobStatus.DONE, 1)
