"""Celery tasks: thin wrappers that take ids and call the services."""

from __future__ import annotations

from celery import shared_task
from django.conf import settings
from django.db import OperationalError

from worklists import services


@shared_task(
    acks_late=True,
    reject_on_worker_lost=True,
    autoretry_for=(OperationalError,),
    retry_backoff=True,
    max_retries=3,
    time_limit=settings.EXPORT_TASK_TIME_LIMIT,
    soft_time_limit=settings.EXPORT_TASK_TIME_LIMIT - 60,
)
def prepare_list_download(job_id: int) -> None:
    """Prepare the file of ExportJob `job_id`; redelivery finds it done or redoes it."""
    services.export_run(job_id=job_id)


@shared_task(acks_late=True, time_limit=5 * 60, soft_time_limit=4 * 60)
def forget_old_list_downloads() -> None:
    """Celery beat, hourly: delete prepared list downloads older than EXPORT_KEEP_HOURS."""
    services.export_forget_old()
