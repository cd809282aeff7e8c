"""Celery tasks: thin wrappers that take ids and call the services."""

from __future__ import annotations

from celery import shared_task

from training_monitor.celery import job_task_options, queue_time_limits
from worklists import services


@shared_task(**job_task_options("reports"))
def prepare_list_download(job_id: int) -> None:
    """Prepare the file of ExportJob `job_id`; redelivery finds it done or redoes it."""
    services.export_run(job_id=job_id)


@shared_task(acks_late=True, **queue_time_limits("notifications"))
def forget_old_list_downloads() -> None:
    """Celery beat, hourly: delete prepared list downloads older than EXPORT_KEEP_HOURS."""
    services.export_forget_old()


@shared_task(acks_late=True, **queue_time_limits("notifications"))
def send_daily_reminders() -> int:
    """Celery beat, daily: queue today's reminders, escalations and weekly overviews in the
    outbox; the outbox's own task sends them. Safe to run twice: keys are unique."""
    from worklists.reminders import reminders_run

    return len(reminders_run().new)
