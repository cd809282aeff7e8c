"""Celery tasks: thin wrappers that take ids and call the services."""

from __future__ import annotations

import logging
from typing import Any

from celery import Task, shared_task

from reports import services
from reports.models import JobStatus
from reports.selectors import QuarterNotReportable
from training_monitor.celery import (
    job_requeue,
    job_task_options,
    queue_time_limits,
    worker_is_stopping,
)

logger = logging.getLogger(__name__)


@shared_task(bind=True, **job_task_options("reports"))
def compile_report_job(self: Task[Any, Any], job_id: int) -> None:
    """Compile the reports of ReportJob `job_id`; a redelivery finds it done or goes on
    after the reports it has. On a warm shutdown of the worker it stops before the next
    report and the message is sent again (job_requeue)."""
    job = services.job_run(job_id=job_id, should_stop=worker_is_stopping)
    if job is not None and job.status == JobStatus.QUEUED:
        raise job_requeue(self)


@shared_task(acks_late=True, **queue_time_limits("reports"))
def compile_ended_quarter() -> None:
    """Celery beat: compile both reports of the quarter that just ended, once.

    Beat sends this again after a restart when it could not save that it had (killed
    right after sending), and on a new installation when the compile day of this quarter
    has passed: a quarter whose scheduled compile is done is left as it is.
    """
    try:
        job = services.job_for_ended_quarter()
    except QuarterNotReportable as error:
        # A fresh installation without data: nothing to freeze, and nothing to retry.
        logger.warning("no scheduled report compiled: %s", error)
        return
    if job.status == JobStatus.DONE:
        logger.info("the scheduled compile of %s was done already (job %s)", job.quarter, job.pk)
        return
    services.job_run(job_id=job.pk)
