"""End to end: a real Celery worker process and the real Redis compile a quarter."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.db import connection

from reports.models import JobStatus, ReportJob, ReportSnapshot, Trigger
from reports.services import job_request
from reports.tasks import compile_report_job

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]
QUEUE = "tm-reports-integration"


def _database_url() -> str:
    db = connection.settings_dict
    user = db.get("USER") or "postgres"
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    host = db.get("HOST") or "127.0.0.1"
    port = db.get("PORT") or 5432
    return f"postgres://{user}{password}@{host}:{port}/{db['NAME']}"


@pytest.fixture
def redis_url() -> str:
    url = os.environ.get("TEST_REDIS_URL")
    if not url:
        pytest.skip("TEST_REDIS_URL is not set")
    if connection.vendor != "postgresql":
        pytest.skip("the worker needs a database it can share: PostgreSQL")
    return url


@pytest.fixture
def worker(redis_url: str) -> Iterator[subprocess.Popen[bytes]]:
    app = compile_report_job.app
    saved = {
        key: app.conf[key] for key in ("broker_url", "task_always_eager", "task_default_queue")
    }
    app.conf.update(broker_url=redis_url, task_always_eager=False, task_default_queue=QUEUE)
    app._pool = None
    app.amqp._producer_pool = None
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "training_monitor.settings_test",
        "DATABASE_URL": _database_url(),
        "CELERY_BROKER_URL": redis_url,
        "CONN_MAX_AGE": "0",
        "LOG_LEVEL": "WARNING",
    }
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "training_monitor",
            "worker",
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
    try:
        with app.connection_for_write() as conn:
            conn.default_channel.queue_purge(QUEUE)
        yield process
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        app.conf.update(saved)
        app._pool = None
        app.amqp._producer_pool = None


def test_a_real_worker_compiles_a_quarter_end_to_end(
    world: Any, worker: subprocess.Popen[bytes]
) -> None:
    job = job_request(kind="all", quarter="2025Q1", requested_by=None, trigger=Trigger.PAGE)
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
