"""Sending Celery tasks so that a user waits seconds, not minutes, when Redis is down."""

from __future__ import annotations

import logging
from typing import Any

from celery import Task

logger = logging.getLogger(__name__)


def task_send(task: Task[Any, Any], *args: Any) -> bool:
    """Queue `task(*args)`; False (logged) when the broker cannot be reached.

    retry=False makes a dead broker fail within its connection timeout instead of after
    kombu's retries. Callers keep their request in the database and offer a retry.
    """
    try:
        task.apply_async(args, retry=False)
    except Exception as error:  # Any broker failure: kombu, socket, redis.
        logger.warning("could not queue %s%r: %s", task.name, args, error)
        return False
    return True
