"""Celery tasks: thin wrappers that take ids and call the services."""

from __future__ import annotations

import logging

from celery import shared_task

from reports import services
from reports.models import JobStatus
from reports.selectors import QuarterNotReportable
from training_monitor.celery import job_task_options, queue_time_limits

logger = logging.getLogger(__name__)


@shared_task(**job_task_options("reports"))
def compile_report_job(job_id: int) -> None:
    """Compile the reports of ReportJob `job_id`; redelivery finds it done or redoes it."""
    services.job_run(job_id=job_id)


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
