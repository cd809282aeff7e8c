"""The attendance import's records: supplier profiles, uploaded files and their rows.

The tables keep the names they had when the import lived in trainings/ (db_table), so
moving the models here lost no data (migrations 0001: state only).
"""

from __future__ import annotations

import datetime
from pathlib import Path
from typing import Self

from django.conf import settings
from django.db import models
from django.db.models import Q, Value
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from departments.models import Department, Person
from trainings.models import Supplier, TrainingCompletion


class ImportProfile(models.Model):
    """A supplier's own column headers, mapped once to the import's fields."""

    supplier = models.ForeignKey(
        Supplier,
        on_delete=models.CASCADE,
        related_name="import_profiles",
        verbose_name=_("supplier"),
    )
    name = models.CharField(_("name"), max_length=100)
    # {"their header": "field name"}; "" ignores the column.
    mapping = models.JSONField(_("column mapping"), default=dict, blank=True)
    # Made in the column-mapping step: the headers of the files it was made for
    # (imports.reading.fields.header_signature). The next file from this supplier with
    # the same headers is read with this profile without asking.
    signature = models.CharField(
        _("header signature"), max_length=64, blank=True, default="", db_default=""
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["supplier", "name"]
        db_table = "trainings_importprofile"
        verbose_name = _("import profile")
        verbose_name_plural = _("import profiles")
        constraints = [
            models.UniqueConstraint(fields=["supplier", "name"], name="import_profile_unique_name"),
        ]

    def __str__(self) -> str:
        return f"{self.supplier}: {self.name}"


class ImportStatus(models.TextChoices):
    UPLOADED = "uploaded", _("Uploaded")
    PREVIEWING = "previewing", _("Being previewed")
    PREVIEWED = "previewed", _("Previewed")
    QUEUED = "queued", _("Waiting to be applied")
    APPLYING = "applying", _("Being applied")
    APPLIED = "applied", _("Applied")
    REJECTED = "rejected", _("Rejected")
    FAILED = "failed", _("Failed")


class ImportSource(models.TextChoices):
    FILE = "file", _("File")
    # Records sent to the REST API (POST /api/v1/attendance), kept as a JSON file.
    API = "api", _("API")


def _import_upload_path(instance: ImportBatch, filename: str) -> str:
    return f"imports/{instance.sha256[:2]}/{instance.sha256}{Path(filename).suffix.lower()}"


class ImportBatchQuerySet(models.QuerySet["ImportBatch"]):
    def stopped(self, *, now: datetime.datetime | None = None) -> Self:
        """Being previewed or applied for longer than the imports queue allows
        (ImportBatch.is_stopped)."""
        before = import_stopped_before(now)
        return self.filter(
            Q(status=ImportStatus.APPLYING, apply_started_at__lt=before)
            | Q(status=ImportStatus.PREVIEWING, preview_started_at__lt=before)
        )


class ImportBatch(models.Model):
    """One uploaded attendance file and everything that happened to it."""

    supplier = models.ForeignKey(
        Supplier, on_delete=models.PROTECT, related_name="imports", verbose_name=_("supplier")
    )
    profile = models.ForeignKey(
        ImportProfile,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="imports",
        verbose_name=_("import profile"),
    )
    file = models.FileField(_("file"), upload_to=_import_upload_path, max_length=200)
    file_name = models.CharField(_("file name"), max_length=255)
    file_size = models.PositiveBigIntegerField(_("file size"), default=0)
    sha256 = models.CharField(_("SHA-256"), max_length=64, db_index=True)
    sheet = models.CharField(_("sheet"), max_length=100, blank=True)
    # A file of one ministry without a ministry column: its rows without a ministry
    # belong to this one. No index: nothing looks batches up by it, and adding one would
    # lock the table.
    department = models.ForeignKey(
        Department,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        db_index=False,
        related_name="+",
        verbose_name=_("ministry for the whole file"),
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("uploaded by"),
    )
    created_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)
    applied_at = models.DateTimeField(_("applied at"), null=True, blank=True)
    # When a worker last began applying the file: "stopped" is derived from it.
    apply_started_at = models.DateTimeField(_("applying started at"), null=True, blank=True)
    # The same for the preview (a dry run in the worker); None while it waits for one.
    preview_started_at = models.DateTimeField(_("preview started at"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=ImportStatus.choices, default=ImportStatus.UPLOADED
    )
    # How the rows came: an uploaded file, or records sent to the API (stored as a JSON
    # file, so they are kept and deleted by the same rules).
    source = models.CharField(
        _("source"),
        max_length=10,
        choices=ImportSource.choices,
        default=ImportSource.FILE,
        db_default=ImportSource.FILE,
    )
    hold_invalid = models.BooleanField(
        _("hold invalid rows for review"),
        default=False,
        help_text=_("Apply the valid rows and keep the others in the review queue."),
    )
    duplicate_of = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("same file as"),
    )
    score_scale = models.PositiveSmallIntegerField(_("score scale"), null=True, blank=True)
    # {"total", "new", "updated", "unchanged", "review", "rejected"}
    counts = models.JSONField(_("counts"), default=dict, blank=True)
    # [Problem.as_dict(), ...]: file problems (row None) and row problems.
    problems = models.JSONField(_("problems"), default=list, blank=True)
    # [SkippedRow.as_dict(), ...]: rows that are no participants (totals, notes, repeated
    # headers, empty rows), each with its reason; counts["skipped"] counts their rows.
    skipped_rows = models.JSONField(
        _("skipped rows"), default=list, db_default=Value([], models.JSONField()), blank=True
    )
    # What the preview found about the columns, for the column-mapping step: {"headers",
    # "samples" (by column), "guesses" (ColumnGuess.as_dict()), "columns" (field ->
    # column), "ties" (field -> columns), "signature", "needs_mapping"}.
    column_guesses = models.JSONField(
        _("column guesses"), default=dict, db_default=Value({}, models.JSONField()), blank=True
    )
    # What the preview found for its first rows (PREVIEW_ROWS): [{"row", "outcome",
    # "match"}], match as ImportRow.data["match"], None for a row held back. The page
    # shows it before anything is applied; it goes once the file is applied or refused.
    preview_rows = models.JSONField(
        _("rows of the preview"), default=list, db_default=Value([], models.JSONField()), blank=True
    )
    rows_done = models.PositiveIntegerField(_("rows processed"), default=0)
    error = models.TextField(_("error"), blank=True)

    objects = ImportBatchQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        db_table = "trainings_importbatch"
        verbose_name = _("attendance import")
        verbose_name_plural = _("attendance imports")
        indexes = [models.Index(fields=["supplier", "sha256"])]

    def __str__(self) -> str:
        return f"{self.file_name} ({self.supplier})"

    @property
    def total_rows(self) -> int:
        return int(self.counts.get("total", 0))

    @property
    def progress_percent(self) -> int:
        if self.status == ImportStatus.APPLIED:
            return 100
        total = self.total_rows
        return min(100, round(100 * self.rows_done / total)) if total else 0

    @property
    def is_finished(self) -> bool:
        return self.status in {ImportStatus.APPLIED, ImportStatus.REJECTED, ImportStatus.FAILED}

    @property
    def is_stopped(self) -> bool:
        """Derived, not stored: "being applied" (or previewed), but begun longer ago than
        the imports queue's time limit (plus a margin) allows, so its worker was killed or
        lost. The chunks committed before that stay (rows_done); a retry goes on after
        them. A stopped preview wrote nothing but the batch: a retry starts it again."""
        started = {
            ImportStatus.APPLYING: self.apply_started_at,
            ImportStatus.PREVIEWING: self.preview_started_at,
        }.get(ImportStatus(self.status))
        return started is not None and started < import_stopped_before()

    @property
    def needs_mapping(self) -> bool:
        """Previewed, but a required column was not found or two columns fit one field:
        the page asks which column is which (the column-mapping step)."""
        return (
            self.status == ImportStatus.PREVIEWED
            and bool(self.file)
            and bool(self.column_guesses.get("needs_mapping"))
        )

    @property
    def is_previewing(self) -> bool:
        return self.status == ImportStatus.PREVIEWING and not self.is_stopped

    @property
    def is_working(self) -> bool:
        """Waiting for a worker or being worked on (previewed or applied), not stopped: the
        page follows it until the worker is done."""
        busy = (ImportStatus.PREVIEWING, ImportStatus.QUEUED, ImportStatus.APPLYING)
        return self.status in busy and not self.is_stopped

    @property
    def is_under_way(self) -> bool:
        """Being applied, or waiting to go on after its checkpoint (a worker shut down):
        the page shows how many rows are done."""
        return (
            not self.is_finished
            and not self.is_stopped
            and self.status != ImportStatus.PREVIEWING
            and (self.status == ImportStatus.APPLYING or self.rows_done > 0)
        )

    @property
    def status_label(self) -> str:
        return str(_("Stopped")) if self.is_stopped else self.get_status_display()


def import_stopped_before(now: datetime.datetime | None = None) -> datetime.datetime:
    """An apply begun before this has outlived the imports queue's time limit."""
    limit = settings.CELERY_QUEUE_TIME_LIMITS["imports"] + settings.JOB_STOPPED_MARGIN
    return (now or timezone.now()) - datetime.timedelta(seconds=limit)


class RowOutcome(models.TextChoices):
    NEW = "new", _("New")
    UPDATED = "updated", _("Updated")
    UNCHANGED = "unchanged", _("Unchanged")
    REVIEW = "review", _("Held for review")
    # Not "rejected": with "hold the others for review" such a row waits to be corrected.
    REJECTED = "rejected", _("Error in the row")


# Rows held back from a file: they wait in the review queue.
HELD_OUTCOMES = (RowOutcome.REVIEW, RowOutcome.REJECTED)


class RowResolution(models.TextChoices):
    MATCHED = "matched", _("Matched to a person")
    CORRECTED = "corrected", _("Corrected")
    DISCARDED = "discarded", _("Discarded")


class ImportRowQuerySet(models.QuerySet["ImportRow"]):
    def pending_review(self) -> Self:
        """Rows held back from an applied file that nobody has dealt with yet."""
        return self.filter(
            outcome__in=HELD_OUTCOMES,
            resolution="",
            batch__status=ImportStatus.APPLIED,
        )


class ImportRow(models.Model):
    """One data row of an applied file and what became of it."""

    batch = models.ForeignKey(
        ImportBatch, on_delete=models.CASCADE, related_name="rows", verbose_name=_("import")
    )
    row_number = models.PositiveIntegerField(_("row"))
    outcome = models.CharField(_("outcome"), max_length=10, choices=RowOutcome.choices)
    # The cells as the supplier wrote them (only kept for rows held back).
    raw = models.JSONField(_("cells"), default=dict, blank=True)
    # The parsed values, JSON-safe, so a held row can be corrected and applied later.
    data = models.JSONField(_("values"), default=dict, blank=True)
    problems = models.JSONField(_("problems"), default=list, blank=True)
    person = models.ForeignKey(
        Person,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("person"),
    )
    # The completion the row created or changed: how an import is linked to what it
    # wrote (trainings knows nothing of imports).
    completion = models.ForeignKey(
        TrainingCompletion,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="import_rows",
        verbose_name=_("completion"),
    )
    resolution = models.CharField(
        _("resolution"), max_length=10, choices=RowResolution.choices, blank=True
    )
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("resolved by"),
    )
    resolved_at = models.DateTimeField(_("resolved at"), null=True, blank=True)

    objects = ImportRowQuerySet.as_manager()

    class Meta:
        ordering = ["batch", "row_number"]
        db_table = "trainings_importrow"
        verbose_name = _("imported row")
        verbose_name_plural = _("imported rows")
        constraints = [
            models.UniqueConstraint(fields=["batch", "row_number"], name="import_row_unique"),
        ]
        indexes = [models.Index(fields=["outcome", "resolution"])]

    def __str__(self) -> str:
        return f"{self.batch} #{self.row_number}"
