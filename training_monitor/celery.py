"""The Celery application; configuration comes from Django settings prefixed CELERY_."""

from __future__ import annotations

import multiprocessing
import os
from typing import Any, TypedDict

from celery import Celery, Task, signals
from celery.exceptions import Retry
from celery.signals import worker_shutting_down

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


# Set by the worker's main process when it begins a warm shutdown (SIGTERM, as on a
# deploy). Shared memory made before the pool forks its processes, so a task running in
# any of them sees it; with the solo pool the task runs in the main process itself.
_shutting_down = multiprocessing.RawValue("b", 0)


@worker_shutting_down.connect
def _note_shutdown(**kwargs: object) -> None:
    _shutting_down.value = 1


def worker_is_stopping() -> bool:
    """Whether this worker is shutting down: long jobs stop at their next checkpoint (the
    `should_stop` of the services) and are sent again with job_requeue."""
    return bool(_shutting_down.value)


def job_requeue(task: Task[Any, Any]) -> Retry:
    """The running job's message sent again at once, to the queue it came from, for
    `raise`: the next worker continues the job from its checkpoint. Never refused for
    having been retried before (a deploy is not the job's fault)."""
    return task.retry(countdown=0, max_retries=task.request.retries + 1)
