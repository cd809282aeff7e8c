"""Compiling, freezing and exporting reports; shared by views, tasks and commands."""

from __future__ import annotations

import datetime
import hashlib
import io
import json
import logging
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any, Final

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from reports.figures import build_report
from reports.models import (
    FileFormat,
    JobKind,
    JobStatus,
    ReportFile,
    ReportJob,
    ReportSnapshot,
    Trigger,
)
from reports.notices import quarterly_notice_queue
from reports.presentation.csv_export import export_csv_zip
from reports.presentation.pdf import render_pdf
from reports.presentation.tables import Report, Row, Table
from reports.presentation.xlsx import write_xlsx
from reports.quarters import Quarter
from reports.selectors import reportable_quarter
from training_monitor.queueing import task_send

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser, User

logger = logging.getLogger(__name__)

# Reports are frozen in Dutch, whatever language the requester uses: the snapshot of a
# quarter must read (and hash) the same whoever asks for it.
REPORT_LANGUAGE = "nl"
# Raise a format's number when its renderer changes how a file looks (PDF 2: A4 landscape
# with a summary page; PDF 3 and XLSX 2: the interventions section says "none" when there
# were none; PDF 4: tagged for screen readers, archivable (PDF/A-2a), quarters read
# "3e kwartaal 2026"; XLSX 3 and CSV 2: the same words, and the code 2026Q3 in a column of
# its own). The next compile of a quarter then adds a file of the new version to its
# snapshot: same figures, same hash, same version, one more file.
RENDERER_VERSIONS: Final[Mapping[str, int]] = {
    FileFormat.XLSX.value: 3,
    FileFormat.CSV.value: 2,
    FileFormat.PDF.value: 4,
}


def content_hash(data: dict[str, Any]) -> str:
    """SHA-256 of the figures, leaving out when they were compiled.

    The figures only: never the files, so a new renderer or language keeps the hash."""
    figures = {key: value for key, value in data.items() if key != "generated_at"}
    encoded = json.dumps(figures, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(encoded.encode("utf-8")).hexdigest()


def report_files(report: Report) -> dict[str, bytes]:
    """The XLSX, CSV (ZIP) and PDF of a report, by format, as a snapshot stores them (the
    PDF archivable: PDF/A)."""
    with translation.override(REPORT_LANGUAGE):
        xlsx = io.BytesIO()
        write_xlsx(report, xlsx)
        return {
            FileFormat.XLSX.value: xlsx.getvalue(),
            FileFormat.CSV.value: export_csv_zip(report),
            FileFormat.PDF.value: render_pdf(report, archival=True),
        }


def report_file_render(*, report: Report, fmt: str, archival: bool = False) -> bytes:
    """One export of a report (used for filtered, per-department downloads, and with
    `archival` for a file a snapshot stores)."""
    with translation.override(REPORT_LANGUAGE):
        if fmt == FileFormat.XLSX:
            out = io.BytesIO()
            write_xlsx(report, out)
            return out.getvalue()
        if fmt == FileFormat.CSV:
            return export_csv_zip(report)
        if fmt == FileFormat.PDF:
            return render_pdf(report, archival=archival)
    raise ValueError(f"unknown format {fmt!r}")


def report_compile(
    *,
    kind: str,
    quarter: Quarter | str,
    requested_by: User | AnonymousUser | None,
    trigger: str,
) -> tuple[ReportSnapshot, bool]:
    """Compile one report for a quarter; returns (snapshot, created).

    The same figures as the latest snapshot of that kind and quarter give that snapshot
    back unchanged; different figures give a new version linked to the latest. Safe to
    run twice at once: the version number is unique, and the loser re-checks.
    A quarter outside the reportable range raises QuarterNotReportable.
    """
    quarter = reportable_quarter(quarter)
    now = timezone.now()
    with translation.override(REPORT_LANGUAGE):
        report = build_report(kind, quarter, generated_at=now)
    data = report.to_dict()
    digest = content_hash(data)
    files: dict[str, bytes] | None = None
    user = requested_by if requested_by is not None and requested_by.is_authenticated else None
    for _attempt in range(3):
        latest = (
            ReportSnapshot.objects.filter(kind=kind, quarter=str(quarter))
            .order_by("-version")
            .first()
        )
        if latest is not None and latest.content_hash == digest:
            snapshot_files_add(snapshot=latest)
            return latest, False
        if files is None:
            files = report_files(report)
        try:
            with transaction.atomic():
                snapshot = ReportSnapshot(
                    kind=kind,
                    quarter=str(quarter),
                    version=(latest.version + 1) if latest else 1,
                    content_hash=digest,
                    data=data,
                    created_at=now,
                    requested_by=user,
                    trigger=trigger,
                    previous=latest,
                )
                snapshot.save()
                ReportFile.objects.bulk_create(_file_rows(snapshot, files))
        except IntegrityError:
            # Someone else stored a version in the meantime: look again.
            continue
        logger.info("compiled %s %s version %s", kind, quarter, snapshot.version)
        return snapshot, True
    raise RuntimeError(f"could not store a snapshot of {kind} {quarter}")


def _file_rows(snapshot: ReportSnapshot, files: Mapping[str, bytes]) -> list[ReportFile]:
    return [
        ReportFile(
            snapshot=snapshot,
            format=fmt,
            content_hash=snapshot.content_hash,
            language=REPORT_LANGUAGE,
            renderer_version=RENDERER_VERSIONS[fmt],
            content=content,
            size=len(content),
        )
        for fmt, content in files.items()
    ]


def snapshot_files_add(*, snapshot: ReportSnapshot) -> int:
    """Render the files a snapshot lacks for today's renderers, from its frozen figures;
    the files it has stay as they are. Returns how many were added."""
    have = set(
        snapshot.files.filter(language=REPORT_LANGUAGE).values_list("format", "renderer_version")
    )
    missing = [fmt for fmt, version in RENDERER_VERSIONS.items() if (fmt, version) not in have]
    if not missing:
        return 0
    report = snapshot_report(snapshot)
    files = {fmt: report_file_render(report=report, fmt=fmt, archival=True) for fmt in missing}
    try:
        with transaction.atomic():
            ReportFile.objects.bulk_create(_file_rows(snapshot, files))
    except IntegrityError:
        # A compile at the same moment added them first: theirs are as good.
        return 0
    # The code, not str(snapshot): that reads the quarter in words, in the active language.
    logger.info(
        "added %s file(s) to %s %s version %s",
        len(files),
        snapshot.kind,
        snapshot.quarter,
        snapshot.version,
    )
    return len(files)


def snapshot_file(*, snapshot: ReportSnapshot, fmt: str) -> ReportFile:
    """The file to download: the newest renderer's, in the language reports are frozen in."""
    found = snapshot.files.newest(fmt=fmt, language=REPORT_LANGUAGE)
    if found is None:
        raise ReportFile.DoesNotExist(f"{snapshot} has no {fmt} file")
    return found


def snapshot_report(snapshot: ReportSnapshot) -> Report:
    return Report.from_dict(snapshot.data)


def report_for_departments(report: Report, codes: set[str]) -> Report:
    """Only the rows of the departments `codes`, whole: what O&P staff may see.

    Tables without a department code, total rows and charts (figures over every
    department) are left out. The rows are shown as they were before suppression
    (`Row.revealed`): O&P staff see the names of their own department's people on their
    pages, so hiding its small figures from them protects no one (README, "Privacy").
    """
    from dataclasses import replace

    tables: list[Table] = []
    for table in report.tables:
        if not any(column.key == "code" for column in table.columns):
            continue
        rows: tuple[Row, ...] = tuple(r.revealed() for r in table.rows if r.get("code") in codes)
        tables.append(replace(table, rows=rows, total_row=None))
    return replace(report, tables=tuple(tables), charts=(), interventions=())


# --- Jobs --------------------------------------------------------------------------------------


class QueueUnavailable(RuntimeError):
    pass


def job_request(
    *,
    kind: str,
    quarter: Quarter | str,
    requested_by: User | AnonymousUser | None,
    trigger: str,
) -> tuple[ReportJob, bool]:
    """Store a compile request and enqueue it once the transaction commits.

    Returns (job, created). While a job of the same quarter and kind is queued or
    running, a repeat request joins it instead of queueing another compile: a partial
    unique constraint on active jobs makes this hold for requests at the same moment.
    """
    checked = str(reportable_quarter(quarter))
    user = requested_by if requested_by is not None and requested_by.is_authenticated else None
    with transaction.atomic():
        active = _active_job(kind=kind, quarter=checked)
        if active is not None:
            return active, False
        try:
            with transaction.atomic():
                job = ReportJob.objects.create(
                    kind=JobKind(kind),
                    quarter=checked,
                    requested_by=user,
                    trigger=trigger,
                    status=JobStatus.QUEUED,
                )
        except IntegrityError:
            # Another request stored its job in the meantime (and committed): join it.
            joined = ReportJob.objects.active().filter(kind=kind, quarter=checked).first()
            if joined is None:
                raise
            return joined, False
    transaction.on_commit(lambda: job_enqueue(job=job))
    return job, True


def _active_job(*, kind: str, quarter: str) -> ReportJob | None:
    """The queued or running job of a quarter and kind; one stuck for longer than a
    worker may take is marked failed, so a lost task message cannot block compiling."""
    job = ReportJob.objects.active().filter(kind=kind, quarter=quarter).first()
    if job is None:
        return None
    stale_after = datetime.timedelta(seconds=2 * settings.REPORT_TASK_TIME_LIMIT)
    if job.created_at >= timezone.now() - stale_after:
        return job
    ReportJob.objects.filter(pk=job.pk).update(
        status=JobStatus.FAILED,
        finished_at=timezone.now(),
        message=_("The compile took too long and was stopped. Ask for it again."),
    )
    return None


def job_enqueue(*, job: ReportJob) -> bool:
    """Send the job to the task queue; when that fails, keep it as "not queued" to retry."""
    from reports.tasks import compile_report_job

    if compile_report_job.app.conf.task_always_eager:
        # No broker (the demo): the task runs here and records its own failure.
        try:
            compile_report_job.apply_async((job.pk,))
        except Exception:
            logger.exception("compiling job %s failed", job.pk)
        job.refresh_from_db()
        return job.status == JobStatus.DONE
    if not task_send(compile_report_job, job.pk):
        ReportJob.objects.filter(pk=job.pk).update(
            status=JobStatus.NOT_QUEUED,
            message=_(
                "The task queue cannot be reached right now, so the compile has not "
                "started. The request is kept: try again in a moment."
            ),
        )
        job.refresh_from_db()
        return False
    return True


def job_retry(*, job: ReportJob) -> bool:
    """Queue a job that could not be queued, failed or stopped (ReportJob.is_stopped) again.

    Returns False when it was not queued: the task queue is down, another job of the
    same quarter and kind is already active (see `job_active_twin`), or the job is no
    longer retryable (a redelivered task picked a stopped job up again meanwhile). A
    compile run twice stores its snapshot once (report_compile), so a late redelivery of
    the stopped job's own message changes nothing either.
    """
    try:
        with transaction.atomic():
            queued = (
                ReportJob.objects.retryable()
                .filter(pk=job.pk)
                .update(status=JobStatus.QUEUED, message="", progress=0)
            )
    except IntegrityError:
        return False
    if not queued:
        job.refresh_from_db()
        return False
    job.refresh_from_db()
    return job_enqueue(job=job)


def job_active_twin(*, job: ReportJob) -> ReportJob | None:
    """Another queued or running job of the same quarter and kind, to follow instead."""
    return (
        ReportJob.objects.active()
        .filter(kind=job.kind, quarter=job.quarter)
        .exclude(pk=job.pk)
        .first()
    )


def _set(job: ReportJob, **fields: Any) -> None:
    for name, value in fields.items():
        setattr(job, name, value)
    ReportJob.objects.filter(pk=job.pk).update(**fields)


def _job_progress(done: int, total: int) -> int:
    return 5 + int(95 * done / total)


def job_run(
    *,
    job_id: int,
    on_progress: Callable[[int], None] | None = None,
    should_stop: Callable[[], bool] | None = None,
) -> ReportJob | None:
    """Compile every report of a job, one step per report (its figures and its XLSX, CSV
    and PDF, stored together); safe to run again (a done job stays done).

    A step's snapshot is linked to the job as soon as it is stored: that link is the
    checkpoint, so a redelivered or continued job skips the reports it already has.
    `should_stop` is asked before each step; when it answers True the job goes back to
    "queued" with its progress, for the caller to send again.
    """
    job = ReportJob.objects.filter(pk=job_id).select_related("requested_by").first()
    if job is None:
        logger.warning("report job %s no longer exists", job_id)
        return None
    if job.status == JobStatus.DONE:
        return job
    kinds = job.kinds
    done = set(job.snapshots.filter(kind__in=kinds).values_list("kind", flat=True))
    _set(
        job,
        status=JobStatus.RUNNING,
        started_at=timezone.now(),
        attempts=job.attempts + 1,
        progress=_job_progress(len(done), len(kinds)),
        message="",
    )
    try:
        for kind in (kind for kind in kinds if kind not in done):
            if should_stop is not None and should_stop():
                _set(job, status=JobStatus.QUEUED)
                return job
            snapshot, _created = report_compile(
                kind=kind,
                quarter=job.quarter,
                requested_by=job.requested_by,
                trigger=job.trigger,
            )
            job.snapshots.add(snapshot)
            done.add(kind)
            _set(job, progress=_job_progress(len(done), len(kinds)))
            if on_progress:
                on_progress(job.progress)
    except Exception as error:
        _set(
            job,
            status=JobStatus.FAILED,
            finished_at=timezone.now(),
            message=_("Compiling failed: %(error)s") % {"error": error},
        )
        raise
    with transaction.atomic():
        _set(job, status=JobStatus.DONE, progress=100, finished_at=timezone.now())
        # With the job marked done: the bureau and the O&P directors hear of it once.
        quarterly_notice_queue(job=job, today=timezone.localdate())
    return job


def job_for_ended_quarter(*, today: Any = None) -> ReportJob:
    """The scheduled job of the quarter that just ended (one per quarter).

    Raises QuarterNotReportable when there is no data to report on yet.
    """
    today = today or timezone.localdate()
    quarter = str(reportable_quarter(Quarter.last_ended(today), today=today))
    try:
        with transaction.atomic():
            job, _created = ReportJob.objects.get_or_create(
                quarter=quarter,
                kind=JobKind.ALL,
                trigger=Trigger.SCHEDULE,
                defaults={"status": JobStatus.QUEUED},
            )
    except IntegrityError:
        # Someone asked for the same compile on the page just before: join that job
        # (running it here too is harmless, a job run is idempotent).
        job = ReportJob.objects.active().get(quarter=quarter, kind=JobKind.ALL)
    return job
