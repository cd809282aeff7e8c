"""Celery tasks: thin wrappers that take ids and call the services."""

from __future__ import annotations

from celery import shared_task
from django.db import OperationalError

from training_monitor.celery import queue_time_limits
from worklists import services


@shared_task(
    acks_late=True,
    reject_on_worker_lost=True,
    autoretry_for=(OperationalError,),
    retry_backoff=True,
    max_retries=3,
    **queue_time_limits("reports"),
)
def prepare_list_download(job_id: int) -> None:
    """Prepare the file of ExportJob `job_id`; redelivery finds it done or redoes it."""
    services.export_run(job_id=job_id)


@shared_task(acks_late=True, **queue_time_limits("notifications"))
def forget_old_list_downloads() -> None:
    """Celery beat, hourly: delete prepared list downloads older than EXPORT_KEEP_HOURS."""
    services.export_forget_old()
