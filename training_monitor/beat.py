"""Celery beat with a heartbeat: a file touched on every tick, for beat's healthcheck.

Beat has no port to ask. Its loop ticks at least once a minute (`--max-interval 60` in
scripts/run.sh); each tick touches BEAT_HEARTBEAT_FILE, so an old file means the loop is
stuck or dead (`python -m training_monitor.probe beat` checks its age). It shows that
beat runs, not that the broker took the tasks: that is what the worker's and web's
checks are for.

The heartbeat is a mixin so that another scheduler (a schedule kept in the database) can
carry it too: `class X(HeartbeatMixin, OtherScheduler)`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from celery.beat import PersistentScheduler
from django.conf import settings


class HeartbeatMixin:
    def tick(self, *args: Any, **kwargs: Any) -> Any:
        interval = super().tick(*args, **kwargs)  # type: ignore[misc]
        Path(settings.BEAT_HEARTBEAT_FILE).touch()
        return interval


class HeartbeatScheduler(HeartbeatMixin, PersistentScheduler):
    """Celery's default scheduler (schedule in a local file), with the heartbeat."""
