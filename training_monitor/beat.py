"""Celery beat: its schedule in the database (django-celery-beat), with a heartbeat.

The schedule is django-celery-beat's tables, filled by `migrate` with the defaults of
training_monitor/schedule.py and changed by administrators in the admin. When each entry
last ran is kept there too, so a recreated beat container misses nothing: a slot that
passed while beat was down is due at once when it starts (the quarterly compile of a
missed quarter runs then, and only once: reports.tasks.compile_ended_quarter).

Beat has no port to ask. Its loop ticks at least once a minute (`--max-interval 60` in
scripts/run.sh); each tick touches BEAT_HEARTBEAT_FILE, so an old file means the loop is
stuck or dead (`python -m training_monitor.probe beat` checks its age). It shows that
beat runs, not that the broker took the tasks: that is what the worker's and web's
checks are for.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db.models import QuerySet
from django_celery_beat.models import PeriodicTask
from django_celery_beat.schedulers import DatabaseScheduler

logger = logging.getLogger(__name__)


class HeartbeatMixin:
    def tick(self, *args: Any, **kwargs: Any) -> Any:
        interval = super().tick(*args, **kwargs)  # type: ignore[misc]
        Path(settings.BEAT_HEARTBEAT_FILE).touch()
        return interval


class HeartbeatDatabaseScheduler(HeartbeatMixin, DatabaseScheduler):
    """django-celery-beat's scheduler, with the heartbeat and two changes."""

    def setup_schedule(self) -> None:
        # The library writes CELERY_BEAT_SCHEDULE (and Celery's result clean-up, for a
        # result backend this project does not have) into the database on every start,
        # over whatever an administrator changed. The schedule is the database's alone.
        # Beat runs without its banner (--quiet, so every log line has a time): say here
        # where the schedule comes from.
        logger.info(
            "Schedule read from the database (django-celery-beat): %d enabled entries",
            PeriodicTask.objects.enabled().count(),
        )

    def enabled_models_qs(self) -> QuerySet[PeriodicTask]:
        # The library leaves out crontab entries whose hour is more than two hours from
        # now (a speed-up for thousands of entries) and takes them in again only when that
        # hour comes near. A compile slot of 06:00 missed while beat was down would then
        # wait for the next morning instead of running when beat starts. With a handful
        # of entries, every enabled one is read.
        enabled: QuerySet[PeriodicTask] = PeriodicTask.objects.enabled()
        return enabled
