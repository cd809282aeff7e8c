"""The Celery application; configuration comes from Django settings prefixed CELERY_."""

from __future__ import annotations

import os
from typing import Any, TypedDict

from celery import Celery, signals

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "training_monitor.settings")

app = Celery("training_monitor")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@signals.setup_logging.connect
def use_the_project_logging(**kwargs: Any) -> None:
    """The worker and beat log as Django does (settings.LOGGING: LOG_FORMAT, LOG_LEVEL,
    times in UTC with an offset) instead of Celery's own format in local time.

    Celery configures logging itself only when nobody answers this signal.
    """
    from django.conf import settings

    from training_monitor.logging import configure

    configure(settings.LOGGING)


class TimeLimits(TypedDict):
    time_limit: int
    soft_time_limit: int


def queue_time_limits(queue: str) -> TimeLimits:
    """The hard and soft time limit of a queue (settings.CELERY_QUEUE_TIME_LIMITS), for a
    task decorator: a task obeys the limit of the queue it is routed to."""
    from django.conf import settings

    hard = settings.CELERY_QUEUE_TIME_LIMITS[queue]
    return {"time_limit": hard, "soft_time_limit": hard - settings.CELERY_SOFT_TIME_LIMIT_MARGIN}


def job_task_options(queue: str) -> dict[str, Any]:
    """Decorator options of a task that runs one job by id, exactly once in effect.

    Acknowledged after the run and handed back when the worker dies, so a killed job is
    delivered again; a database that drops the connection is retried with backoff. The
    services make a redelivered job find its work done or redo it.
    """
    from django.db import OperationalError

    return {
        "acks_late": True,
        "reject_on_worker_lost": True,
        "autoretry_for": (OperationalError,),
        "retry_backoff": True,
        "max_retries": 3,
        **queue_time_limits(queue),
    }
