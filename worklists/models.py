"""A list download prepared in the background, kept for the user who asked for it."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ListKind(models.TextChoices):
    ACTIONS = "actions", _("Action list")
    COMMITTEES = "committees", _("Committee list")


class ListFormat(models.TextChoices):
    CSV = "csv", "CSV"
    XLSX = "xlsx", "XLSX"


class ExportStatus(models.TextChoices):
    NOT_QUEUED = "not_queued", _("Not queued: the task queue could not be reached")
    QUEUED = "queued", _("Waiting for a worker")
    RUNNING = "running", _("Running")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")


class ExportJobQuerySet(models.QuerySet["ExportJob"]):
    def of(self, user: Any) -> ExportJobQuerySet:
        """A download belongs to whoever asked for it; nobody else may see or fetch it."""
        if not user.is_authenticated:
            return self.none()
        return self.filter(requested_by=user.pk)


class ExportJob(models.Model):
    """One large list download. The file is kept in the row (no file on disk to clean up)."""

    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("requested by"),
    )
    kind = models.CharField(_("list"), max_length=12, choices=ListKind.choices)
    fmt = models.CharField(_("format"), max_length=4, choices=ListFormat.choices)
    # The list's filters as the page had them (query string as a dict of lists).
    params = models.JSONField(_("filters"), default=dict, blank=True)
    status = models.CharField(
        _("status"), max_length=12, choices=ExportStatus.choices, default=ExportStatus.QUEUED
    )
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    row_count = models.PositiveIntegerField(_("rows"), default=0)
    message = models.TextField(_("message"), blank=True)
    content = models.BinaryField(_("file"), null=True, blank=True, editable=False)
    filename = models.CharField(_("file name"), max_length=100, blank=True)
    # The headers are written in the language of the page the user asked from.
    language = models.CharField(_("language"), max_length=10, default="nl")
    created_at = models.DateTimeField(_("requested at"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    objects = ExportJobQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("list download")
        verbose_name_plural = _("list downloads")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.fmt} ({self.get_status_display()})"

    @property
    def is_finished(self) -> bool:
        return self.status in (ExportStatus.DONE, ExportStatus.FAILED, ExportStatus.NOT_QUEUED)
