"""Celery tasks for attendance imports: thin wrappers that load the batch and call the service."""

from __future__ import annotations

import logging
from typing import Any

from celery import Task, shared_task
from celery.exceptions import SoftTimeLimitExceeded
from django.db import OperationalError
from django.utils import timezone
from django.utils.translation import gettext as _

from imports.models import ImportBatch, ImportStatus
from imports.services import (
    ImportNotAllowed,
    attendance_import_apply,
    attendance_import_fail,
    attendance_import_preview,
)
from training_monitor.celery import job_requeue, job_task_options, worker_is_stopping

logger = logging.getLogger(__name__)


@shared_task(bind=True, **job_task_options("imports"))
def apply_attendance_import(self: Task[Any, Any], batch_id: int) -> None:
    """Apply a queued batch, continuing after its last committed chunk. A redelivered
    message for an applied batch does nothing; on a warm shutdown of the worker the apply
    stops at the next chunk and the message is sent again (job_requeue)."""
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
    rows_before = batch.rows_done
    try:
        batch = attendance_import_apply(
            batch=batch, hold_invalid=batch.hold_invalid, should_stop=worker_is_stopping
        )
    except ImportNotAllowed as refused:
        attendance_import_fail(batch=batch, error=str(refused.message))
    except OperationalError:
        raise  # the database went away: retried (job_task_options), from the checkpoint
    except SoftTimeLimitExceeded:
        batch.refresh_from_db()
        if batch.rows_done > rows_before:  # it got somewhere: the rest in a new run
            raise job_requeue(self) from None
        attendance_import_fail(batch=batch, error="The import took too long and was stopped.")
    except Exception as error:
        logger.exception("Attendance import %s failed", batch_id)
        attendance_import_fail(batch=batch, error=repr(error))
    else:
        if batch.status == ImportStatus.QUEUED:  # stopped at a checkpoint: shutting down
            raise job_requeue(self)


@shared_task(bind=True, **job_task_options("imports"))
def preview_attendance_import(self: Task[Any, Any], batch_id: int) -> None:
    """Preview (dry-run) an uploaded batch: read and match every row, write only the batch.
    A redelivered message for a batch previewed since does nothing; a preview stopped by a
    warm shutdown is sent again (job_requeue) and starts over."""
    batch = ImportBatch.objects.select_related("supplier", "profile").filter(pk=batch_id).first()
    if batch is None or batch.status != ImportStatus.PREVIEWING:
        return
    # Still "being previewed" long after this, the batch is shown as stopped (is_stopped).
    started = timezone.now()
    ImportBatch.objects.filter(pk=batch.pk).update(preview_started_at=started)
    batch.preview_started_at = started
    try:
        batch = attendance_import_preview(batch=batch, should_stop=worker_is_stopping)
    except ImportNotAllowed as refused:
        attendance_import_fail(batch=batch, error=str(refused.message))
    except OperationalError:
        raise  # the database went away: retried (job_task_options), from the start
    except SoftTimeLimitExceeded:
        attendance_import_fail(
            batch=batch, error=str(_("The preview took too long and was stopped."))
        )
    except Exception as error:
        logger.exception("Preview of attendance import %s failed", batch_id)
        attendance_import_fail(batch=batch, error=repr(error))
    else:
        if batch.status == ImportStatus.PREVIEWING:  # stopped at a chunk: shutting down
            # Waiting for a worker again, which is no reason to show it as stopped.
            ImportBatch.objects.filter(pk=batch.pk).update(preview_started_at=None)
            raise job_requeue(self)
