"""Celery tasks of the privacy app: thin wrappers around the services."""

from __future__ import annotations

from typing import Any

from celery import shared_task
from django.conf import settings
from django.utils import timezone

from privacy.retention import people_apply_retention
from training_monitor.celery import queue_time_limits


@shared_task(acks_late=True, **queue_time_limits("imports"))
def apply_retention() -> dict[str, Any]:
    """Celery beat, monthly: the retention period. Takes no ids: it works out who is due
    itself, and running it twice changes nothing the second time."""
    result = people_apply_retention(years=settings.RETENTION_YEARS, today=timezone.localdate())
    return result.as_dict()
