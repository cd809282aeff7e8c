"""List downloads: rendered at once when small, by a background job when large."""

from __future__ import annotations

import datetime
import logging
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.http import QueryDict
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from training_monitor.queueing import task_send
from worklists.files import ProgressCallback, write_csv, write_xlsx
from worklists.lists import WorkList, work_list
from worklists.models import ExportJob, ExportStatus, ListFormat

if TYPE_CHECKING:
    from django.contrib.auth.models import User

logger = logging.getLogger(__name__)

CONTENT_TYPES = {
    ListFormat.CSV: "text/csv; charset=utf-8",
    ListFormat.XLSX: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def export_background_rows() -> int:
    """Lists longer than this are prepared by a worker, not in the web request."""
    return int(settings.EXPORT_BACKGROUND_ROWS)


def params_to_dict(params: QueryDict) -> dict[str, list[str]]:
    # The page number is not a filter: the download is always the whole list.
    return {key: params.getlist(key) for key in sorted(params) if key != "page"}


def params_from_dict(data: dict[str, list[str]]) -> QueryDict:
    params = QueryDict(mutable=True)
    for key, values in data.items():
        params.setlist(key, [str(value) for value in values])
    return params


def export_filename(work: WorkList, fmt: str, today: datetime.date) -> str:
    return f"{work.name}-{today.isoformat()}.{fmt}"


def export_render(
    *, work: WorkList, fmt: str, on_progress: ProgressCallback | None = None
) -> bytes:
    """The list as file bytes; the rows are read in one query, in chunks."""
    rows = work.rows.iterator(chunk_size=2000)
    if fmt == ListFormat.CSV:
        return write_csv(work.columns, rows, on_progress=on_progress)
    return write_xlsx(work.columns, rows, sheet_name=work.name, on_progress=on_progress)


def export_request(
    *, user: User, kind: str, fmt: str, params: QueryDict, row_count: int
) -> ExportJob:
    """Store a download request and enqueue it once the transaction commits.

    The same request while one is still waiting or running joins that job, so
    pressing the button ten times prepares the file once.
    """
    stored = params_to_dict(params)
    running = (
        ExportJob.objects.of(user)
        .filter(kind=kind, fmt=fmt, params=stored)
        .filter(status__in=[ExportStatus.QUEUED, ExportStatus.RUNNING])
        .first()
    )
    if running is not None:
        return running
    export_forget_old(user=user)
    job = ExportJob.objects.create(
        requested_by=user,
        kind=kind,
        fmt=fmt,
        params=stored,
        row_count=row_count,
        language=translation.get_language() or settings.LANGUAGE_CODE,
    )
    transaction.on_commit(lambda: export_enqueue(job=job))
    return job


def export_enqueue(*, job: ExportJob) -> bool:
    """Send the job to the task queue; when that fails, say so and keep the request."""
    from worklists.tasks import prepare_list_download

    if prepare_list_download.app.conf.task_always_eager:
        # No broker (the demo): the task runs here and records its own failure.
        try:
            prepare_list_download.apply_async((job.pk,))
        except Exception:
            logger.exception("list download %s failed", job.pk)
        return True
    if not task_send(prepare_list_download, job.pk):
        ExportJob.objects.filter(pk=job.pk).update(
            status=ExportStatus.NOT_QUEUED,
            message=_(
                "The task queue cannot be reached right now, so the download has not "
                "been prepared. Try again in a moment."
            ),
        )
        return False
    return True


def _set(job: ExportJob, **fields: Any) -> None:
    for name, value in fields.items():
        setattr(job, name, value)
    ExportJob.objects.filter(pk=job.pk).update(**fields)


def export_run(*, job_id: int) -> ExportJob | None:
    """Prepare the file of a job, scoped to the user who asked; safe to run again."""
    job = ExportJob.objects.filter(pk=job_id).first()
    if job is None:
        logger.warning("list download %s no longer exists", job_id)
        return None
    if job.status == ExportStatus.DONE:
        return job
    _set(job, status=ExportStatus.RUNNING, progress=1, message="")
    # The user as they are now: rights taken away since the request are respected.
    user = get_user_model().objects.get(pk=job.requested_by_id)
    total = max(job.row_count, 1)

    def progress(done: int) -> None:
        _set(job, progress=min(99, max(1, 100 * done // total)))

    try:
        with translation.override(job.language):
            today = timezone.localdate()
            work = work_list(
                kind=job.kind, user=user, params=params_from_dict(job.params), today=today
            )
            content = export_render(work=work, fmt=job.fmt, on_progress=progress)
            filename = export_filename(work, job.fmt, today)
    except Exception as error:
        _set(
            job,
            status=ExportStatus.FAILED,
            finished_at=timezone.now(),
            message=_("Preparing the download failed. Try again or ask the administrator."),
        )
        logger.exception("list download %s failed: %s", job.pk, error)
        raise
    _set(
        job,
        status=ExportStatus.DONE,
        progress=100,
        content=content,
        filename=filename,
        finished_at=timezone.now(),
    )
    return job


def export_forget_old(*, user: User | None = None) -> int:
    """Delete downloads (of `user`, or everyone's) older than EXPORT_KEEP_HOURS: files of
    personal data are not kept longer than needed to fetch them."""
    cutoff = timezone.now() - datetime.timedelta(hours=int(settings.EXPORT_KEEP_HOURS))
    jobs = ExportJob.objects.all() if user is None else ExportJob.objects.of(user)
    deleted, _by_model = jobs.filter(created_at__lt=cutoff).delete()
    return deleted
