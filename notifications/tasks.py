"""Celery tasks: thin wrappers that call the services."""

from __future__ import annotations

from celery import shared_task

from notifications import services
from training_monitor.celery import queue_time_limits

# Per task run; a fuller outbox sends the task again for the rest.
BATCH = 500


@shared_task(acks_late=True, reject_on_worker_lost=True, **queue_time_limits("notifications"))
def send_pending_notifications() -> int:
    """Send the outbox's due messages; queued after a decision commits, and by beat every
    few minutes (failed sends whose back-off has passed). Safe to run twice at once: each
    row is sent under its own lock."""
    result = services.notifications_send_pending(limit=BATCH)
    if result.done >= BATCH:
        services.notifications_enqueue_sending()
    return result.sent
