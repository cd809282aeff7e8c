"""Celery tasks for attendance imports: thin wrappers that load the batch and call the service."""

from __future__ import annotations

import logging

from celery import shared_task
from celery.exceptions import SoftTimeLimitExceeded
from django.utils import timezone

from training_monitor.celery import queue_time_limits
from trainings.models import ImportBatch, ImportStatus
from trainings.services import (
    ImportNotAllowed,
    attendance_import_apply,
    attendance_import_fail,
)

logger = logging.getLogger(__name__)


@shared_task(acks_late=True, **queue_time_limits("imports"))
def apply_attendance_import(batch_id: int) -> None:
    """Apply a queued batch. A redelivered message for an applied batch does nothing:
    the file is applied in one transaction, so it is either all there or not at all."""
    batch = ImportBatch.objects.select_related("supplier", "profile", "uploaded_by").get(
        pk=batch_id
    )
    if batch.status not in (ImportStatus.QUEUED, ImportStatus.APPLYING):
        return
    # Still "applying" long after this, the batch is shown as stopped (is_stopped).
    started = timezone.now()
    ImportBatch.objects.filter(pk=batch.pk).update(
        status=ImportStatus.APPLYING, apply_started_at=started
    )
    batch.status = ImportStatus.APPLYING
    batch.apply_started_at = started
    try:
        attendance_import_apply(batch=batch, hold_invalid=batch.hold_invalid)
    except ImportNotAllowed as refused:
        attendance_import_fail(batch=batch, error=str(refused.message))
    except SoftTimeLimitExceeded:
        attendance_import_fail(batch=batch, error="The import took too long and was stopped.")
    except Exception as error:
        logger.exception("Attendance import %s failed", batch_id)
        attendance_import_fail(batch=batch, error=repr(error))
