"""Reports: the intervention log, self-reported figures, frozen snapshots and jobs."""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING, Any, Self

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from departments.access import DepartmentScopedQuerySet, sees_all_departments, staff_department_ids
from departments.models import Department
from reports.quarters import Quarter, quarter_label

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser, User

quarter_validator = RegexValidator(r"^\d{4}Q[1-4]$", _("Enter a quarter like 2025Q4."))


class ReportKind(models.TextChoices):
    REGIEGROEP = "regiegroep", _("Regiegroep summary")
    ICOP = "icop", _("ICOP summary")


class Trigger(models.TextChoices):
    PAGE = "page", _("Requested on the reports page")
    SCHEDULE = "schedule", _("Celery beat schedule")
    COMMAND = "command", _("Management command")


class InterventionKind(models.TextChoices):
    COMMUNICATION = "communication", _("Communication")
    DIRECTOR_TALK = "director_talk", _("Talk with the O&P director")
    OTHER = "other", _("Other")


class InterventionQuerySet(models.QuerySet["Intervention"]):
    def visible_to(self, user: User | AnonymousUser) -> Self:
        if sees_all_departments(user):
            return self
        if not user.is_authenticated:
            return self.none()
        # An intervention without departments concerned every department.
        return self.filter(
            Q(departments__isnull=True) | Q(departments__in=staff_department_ids(user))
        ).distinct()

    def between(self, start: Any, end: Any) -> Self:
        return self.filter(date__gte=start, date__lte=end)


class Intervention(models.Model):
    """Something done to raise participation; drawn on the trend charts."""

    date = models.DateField(_("date"))
    departments = models.ManyToManyField(
        Department, related_name="interventions", verbose_name=_("departments"), blank=True
    )
    kind = models.CharField(
        _("kind"), max_length=20, choices=InterventionKind.choices, default=InterventionKind.OTHER
    )
    description = models.TextField(_("description"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("entered by"),
    )
    created_at = models.DateTimeField(_("entered at"), auto_now_add=True)

    objects = InterventionQuerySet.as_manager()

    class Meta:
        ordering = ["-date", "-pk"]
        verbose_name = _("intervention")
        verbose_name_plural = _("interventions")

    def __str__(self) -> str:
        return f"{self.date:%d-%m-%Y} {self.get_kind_display()}"


class SelfReportedFiguresQuerySet(DepartmentScopedQuerySet):
    pass


class SelfReportedFigures(models.Model):
    """A quarter's totals as reported by a department outside the central tender."""

    department = models.ForeignKey(
        Department,
        on_delete=models.PROTECT,
        related_name="self_reported_figures",
        verbose_name=_("department"),
    )
    quarter = models.CharField(_("quarter"), max_length=6, validators=[quarter_validator])
    committees = models.PositiveIntegerField(_("selection committees"))
    compliant_committees = models.PositiveIntegerField(_("fully compliant committees"))
    memberships = models.PositiveIntegerField(_("committee memberships that require training"))
    trained_memberships = models.PositiveIntegerField(_("trained committee memberships"))
    people_trained = models.PositiveIntegerField(_("people trained in the quarter"))
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("entered by"),
    )
    entered_at = models.DateTimeField(_("entered at"), auto_now=True)

    objects = SelfReportedFiguresQuerySet.as_manager()

    class Meta:
        ordering = ["-quarter", "department"]
        verbose_name = _("self-reported figures")
        verbose_name_plural = _("self-reported figures")
        constraints = [
            models.UniqueConstraint(
                fields=["department", "quarter"], name="self_reported_once_per_quarter"
            ),
            models.CheckConstraint(
                condition=Q(compliant_committees__lte=models.F("committees")),
                name="self_reported_compliant_within_committees",
            ),
            models.CheckConstraint(
                condition=Q(trained_memberships__lte=models.F("memberships")),
                name="self_reported_trained_within_memberships",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.department.code} {quarter_label(self.quarter)}"

    def clean(self) -> None:
        errors: dict[str, Any] = {}
        if (
            self.compliant_committees is not None
            and self.committees is not None
            and self.compliant_committees > self.committees
        ):
            errors["compliant_committees"] = _("Cannot be more than the number of committees.")
        if (
            self.trained_memberships is not None
            and self.memberships is not None
            and self.trained_memberships > self.memberships
        ):
            errors["trained_memberships"] = _("Cannot be more than the number of memberships.")
        if errors:
            raise ValidationError(errors)


class ImmutableError(RuntimeError):
    pass


class ReportSnapshotQuerySet(models.QuerySet["ReportSnapshot"]):
    def latest_versions(self) -> Self:
        """Only the newest version of every kind and quarter."""
        newer = ReportSnapshot.objects.filter(
            kind=models.OuterRef("kind"),
            quarter=models.OuterRef("quarter"),
            version__gt=models.OuterRef("version"),
        )
        return self.filter(~models.Exists(newer))


class ReportSnapshot(models.Model):
    """A compiled report, frozen: the figures as data, their hash and the files.

    Never updated: a change in the data gives a new version that points to this one.
    `save()` refuses a change; on PostgreSQL a trigger (migration 0004) also refuses
    QuerySet.update() and .delete() of the figures, the hash and the files, except in a
    transaction that the retention service unlocked (reports/frozen.py).
    """

    kind = models.CharField(_("report"), max_length=12, choices=ReportKind.choices)
    quarter = models.CharField(_("quarter"), max_length=6, validators=[quarter_validator])
    version = models.PositiveIntegerField(_("version"))
    content_hash = models.CharField(_("content hash"), max_length=64)
    data = models.JSONField(_("figures"))
    created_at = models.DateTimeField(_("compiled at"))
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("requested by"),
    )
    trigger = models.CharField(_("trigger"), max_length=10, choices=Trigger.choices)
    previous = models.OneToOneField(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="next_version",
        verbose_name=_("previous version"),
    )

    objects = ReportSnapshotQuerySet.as_manager()

    class Meta:
        ordering = ["-quarter", "kind", "-version"]
        verbose_name = _("report snapshot")
        verbose_name_plural = _("report snapshots")
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "quarter", "version"], name="snapshot_unique_version"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {quarter_label(self.quarter)} v{self.version}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise ImmutableError("a report snapshot never changes; compile a new version")
        super().save(*args, **kwargs)


class FileFormat(models.TextChoices):
    XLSX = "xlsx", "XLSX"
    CSV = "csv", _("CSV (ZIP)")
    PDF = "pdf", "PDF"


CONTENT_TYPES: dict[str, str] = {
    FileFormat.XLSX: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    FileFormat.CSV: "application/zip",
    FileFormat.PDF: "application/pdf",
}
EXTENSIONS: dict[str, str] = {FileFormat.XLSX: "xlsx", FileFormat.CSV: "zip", FileFormat.PDF: "pdf"}


class ReportFileQuerySet(models.QuerySet["ReportFile"]):
    def newest(self, *, fmt: str, language: str) -> ReportFile | None:
        """The file of a format and language made by the newest renderer there is."""
        return self.filter(format=fmt, language=language).order_by("-renderer_version").first()


class ReportFile(models.Model):
    """One generated file of a snapshot, kept with it so a download never recompiles.

    A file records the hash of the figures it shows, its language and the version of the
    renderer that made it: a new language or a better layout adds files to the same
    snapshot instead of a new version of the figures. On PostgreSQL a trigger refuses a
    file whose hash is not its snapshot's (migration 0004).
    """

    snapshot = models.ForeignKey(
        ReportSnapshot, on_delete=models.CASCADE, related_name="files", verbose_name=_("snapshot")
    )
    format = models.CharField(_("format"), max_length=4, choices=FileFormat.choices)
    content_hash = models.CharField(_("hash of the figures"), max_length=64)
    language = models.CharField(_("language"), max_length=8)
    renderer_version = models.PositiveSmallIntegerField(_("renderer version"))
    content = models.BinaryField(_("content"))
    size = models.PositiveIntegerField(_("size in bytes"))

    objects = ReportFileQuerySet.as_manager()

    class Meta:
        ordering = ["snapshot", "format", "language", "-renderer_version"]
        verbose_name = _("report file")
        verbose_name_plural = _("report files")
        constraints = [
            models.UniqueConstraint(
                fields=["snapshot", "format", "language", "renderer_version"],
                name="report_file_per_format_language_renderer",
            ),
        ]

    def __str__(self) -> str:
        return self.filename

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise ImmutableError("a report file never changes")
        super().save(*args, **kwargs)

    @property
    def filename(self) -> str:
        return filename_for(self.snapshot.kind, self.snapshot.quarter, self.format)

    @property
    def content_type(self) -> str:
        return CONTENT_TYPES[self.format]


def filename_for(kind: str, quarter: str, fmt: str, *, version: int | None = None) -> str:
    suffix = f"_v{version}" if version else ""
    return f"{kind}_{quarter}{suffix}.{EXTENSIONS[fmt]}"


class JobStatus(models.TextChoices):
    NOT_QUEUED = "not_queued", _("Not queued: the task queue could not be reached")
    QUEUED = "queued", _("Waiting for a worker")
    RUNNING = "running", _("Running")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")


class JobKind(models.TextChoices):
    ALL = "all", _("Both summaries")
    REGIEGROEP = "regiegroep", _("Regiegroep summary")
    ICOP = "icop", _("ICOP summary")


class ReportJobQuerySet(models.QuerySet["ReportJob"]):
    def active(self) -> Self:
        """Queued or running: at most one per quarter and kind (a database constraint)."""
        return self.filter(status__in=ACTIVE_JOB_STATUSES)

    def stopped(self, *, now: datetime.datetime | None = None) -> Self:
        """Still "running" after the reports queue's time limit (plus a margin): the
        worker that ran it was killed or lost, so nothing is compiling it any more."""
        return self.filter(status=JobStatus.RUNNING, started_at__lt=_stopped_before(now))

    def retryable(self, *, now: datetime.datetime | None = None) -> Self:
        """Jobs a retry may queue again: not queued, failed, or stopped."""
        return self.filter(
            Q(status__in=[JobStatus.NOT_QUEUED, JobStatus.FAILED])
            | Q(status=JobStatus.RUNNING, started_at__lt=_stopped_before(now))
        )


def _stopped_before(now: datetime.datetime | None = None) -> datetime.datetime:
    """A compile started before this has outlived its time limit (see ReportJob.is_stopped)."""
    limit = settings.REPORT_TASK_TIME_LIMIT + settings.JOB_STOPPED_MARGIN
    return (now or timezone.now()) - datetime.timedelta(seconds=limit)


ACTIVE_JOB_STATUSES = [JobStatus.QUEUED, JobStatus.RUNNING]


class ReportJob(models.Model):
    """A request to compile a quarter; its state lives here, not in a result backend."""

    kind = models.CharField(_("report"), max_length=12, choices=JobKind.choices)
    quarter = models.CharField(_("quarter"), max_length=6, validators=[quarter_validator])
    status = models.CharField(
        _("status"), max_length=12, choices=JobStatus.choices, default=JobStatus.QUEUED
    )
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    message = models.TextField(_("message"), blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("requested by"),
    )
    trigger = models.CharField(_("trigger"), max_length=10, choices=Trigger.choices)
    snapshots = models.ManyToManyField(
        ReportSnapshot, blank=True, related_name="jobs", verbose_name=_("snapshots")
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    created_at = models.DateTimeField(_("requested at"), auto_now_add=True)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    objects = ReportJobQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("report job")
        verbose_name_plural = _("report jobs")
        constraints = [
            # A repeat request joins the active job (reports.services.job_request);
            # this keeps it so when requests arrive at the same moment.
            models.UniqueConstraint(
                fields=["quarter", "kind"],
                condition=Q(status__in=ACTIVE_JOB_STATUSES),
                name="report_job_one_active_per_quarter_and_kind",
            ),
        ]

    def __str__(self) -> str:
        return (
            f"{quarter_label(self.quarter)} {self.get_kind_display()} ({self.get_status_display()})"
        )

    @property
    def kinds(self) -> list[str]:
        return [ReportKind.REGIEGROEP, ReportKind.ICOP] if self.kind == JobKind.ALL else [self.kind]

    @property
    def is_finished(self) -> bool:
        return self.status in (JobStatus.DONE, JobStatus.FAILED, JobStatus.NOT_QUEUED)

    @property
    def is_stopped(self) -> bool:
        """Derived, not stored: running, but started longer ago than a compile may take."""
        return (
            self.status == JobStatus.RUNNING
            and self.started_at is not None
            and self.started_at < _stopped_before()
        )

    @property
    def may_retry(self) -> bool:
        return self.status in (JobStatus.NOT_QUEUED, JobStatus.FAILED) or self.is_stopped

    @property
    def status_label(self) -> str:
        """The status as the job page shows it: "stopped" is a running job past its limit."""
        return str(_("Stopped")) if self.is_stopped else self.get_status_display()


def _quarters_between(first: Any, last: Any) -> Q:
    """Rows with `year` and `number` from quarter `first` to `last`, inclusive."""
    after = Q(year__gt=first.year) | Q(year=first.year, number__gte=first.number)
    before = Q(year__lt=last.year) | Q(year=last.year, number__lte=last.number)
    return after & before


class StoredFiguresQuerySet(models.QuerySet["StoredFigures"]):
    def between(self, first: Any, last: Any) -> Self:
        """The rows of the quarters `first` to `last` (reports.quarters.Quarter), inclusive."""
        return self.filter(_quarters_between(first, last))


class StoredFigures(models.Model):
    """One department's counts for one quarter, as the dashboards read them.

    Computing them means the compliance rule over every membership of the quarter;
    the pages would do that for every past quarter on every view. The services that
    change the data keep these rows up to date in their own transaction
    (reports.stored); a page only reads them. A missing row means all zeros.
    """

    department = models.ForeignKey(
        Department, on_delete=models.CASCADE, related_name="+", verbose_name=_("department")
    )
    year = models.PositiveSmallIntegerField(_("year"))
    number = models.PositiveSmallIntegerField(_("quarter"))
    # Committees by interview date, cancelled ones excluded (reports.figures).
    committees = models.PositiveIntegerField(default=0)
    compliant = models.PositiveIntegerField(default=0)
    incomplete = models.PositiveIntegerField(default=0)
    justified = models.PositiveIntegerField(default=0)
    memberships = models.PositiveIntegerField(default=0)
    trained = models.PositiveIntegerField(default=0)
    # People of the department by session date.
    people_trained = models.PositiveIntegerField(default=0)
    people_by_hand = models.PositiveIntegerField(default=0)
    no_shows = models.PositiveIntegerField(default=0)
    # Counted completions of the department's people in any state, by session date: a
    # department with any up to a quarter's end registers its trainings in the app
    # (reports.figures.with_training_data), read without scanning every completion.
    completions = models.PositiveIntegerField(default=0)
    # What-if-strict: confirmed or held committees, and those strict would have blocked
    # or justify would have asked a reason for.
    confirmed = models.PositiveIntegerField(default=0)
    would_block = models.PositiveIntegerField(default=0)
    would_ask = models.PositiveIntegerField(default=0)

    objects = StoredFiguresQuerySet.as_manager()

    COUNTS = (
        "committees",
        "compliant",
        "incomplete",
        "justified",
        "memberships",
        "trained",
        "people_trained",
        "people_by_hand",
        "no_shows",
        "completions",
        "confirmed",
        "would_block",
        "would_ask",
    )

    class Meta:
        verbose_name = _("stored quarterly figures")
        verbose_name_plural = _("stored quarterly figures")
        constraints = [
            models.UniqueConstraint(
                fields=["department", "year", "number"], name="stored_figures_once_per_quarter"
            )
        ]
        indexes = [models.Index(fields=["year", "number"], name="stored_figures_quarter")]

    def __str__(self) -> str:
        return f"{self.department_id} {Quarter(self.year, self.number).label()}"

    def counts(self) -> dict[str, int]:
        return {name: getattr(self, name) for name in self.COUNTS}


# The decimals of a stored sum of scores: sums of squares about a session's mean divide
# by its responses, so they are rounded somewhere; this far, it never shows.
SUM_DECIMALS = 12


class StoredSupplierFiguresQuerySet(models.QuerySet["StoredSupplierFigures"]):
    def between(self, first: Any, last: Any) -> Self:
        """The rows of the quarters `first` to `last` (reports.quarters.Quarter), inclusive."""
        return self.filter(_quarters_between(first, last))


class StoredSupplierFigures(models.Model):
    """One quarter's figures of the sessions one supplier held with one programme version,
    as the supplier comparison reads them (reports.supplier_figures).

    Sums, never means or rates: quarters and versions add up to any period and grouping,
    and the comparison's means and 95% intervals follow from the sums (the scores' sums
    and sums of squares; see reports.supplier_comparison.Scores). The services that write
    sessions, places and evaluations keep these rows up to date in their own transaction
    (trainings.touched); a page only reads them. A missing row means no sessions.
    """

    year = models.PositiveSmallIntegerField(_("year"))
    number = models.PositiveSmallIntegerField(_("quarter"))
    # The session's supplier and programme (a programme's own supplier may differ).
    supplier = models.ForeignKey(
        "trainings.Supplier", on_delete=models.CASCADE, related_name="+", verbose_name=_("supplier")
    )
    programme = models.ForeignKey(
        "trainings.TrainingProgramme",
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("programme"),
    )
    sessions = models.PositiveIntegerField(default=0)
    capacity = models.PositiveIntegerField(default=0)
    attended = models.PositiveIntegerField(default=0)
    no_shows = models.PositiveIntegerField(default=0)
    late_cancellations = models.PositiveIntegerField(default=0)
    # The LATE_CANCELLATION_DAYS the late cancellations were counted with.
    late_days = models.PositiveSmallIntegerField(default=0)
    # Evaluations, put on 1-10: all responses and their sum; of the participants' own
    # scores their count, sum, sum of squares, and the squares about each session's own
    # mean with their degrees of freedom; of the sessions' aggregates (only a mean known
    # per session) the sum of n * mean^2 and of n - 1.
    responses = models.PositiveIntegerField(default=0)
    total = models.DecimalField(max_digits=32, decimal_places=SUM_DECIMALS, default=0)
    individual = models.PositiveIntegerField(default=0)
    individual_total = models.DecimalField(max_digits=32, decimal_places=SUM_DECIMALS, default=0)
    individual_squares = models.DecimalField(max_digits=32, decimal_places=SUM_DECIMALS, default=0)
    within_squares = models.DecimalField(max_digits=32, decimal_places=SUM_DECIMALS, default=0)
    within_df = models.PositiveIntegerField(default=0)
    aggregate_squares = models.DecimalField(max_digits=32, decimal_places=SUM_DECIMALS, default=0)
    aggregate_df = models.PositiveIntegerField(default=0)

    objects = StoredSupplierFiguresQuerySet.as_manager()

    SUMS = (
        "sessions",
        "capacity",
        "attended",
        "no_shows",
        "late_cancellations",
        "late_days",
        "responses",
        "total",
        "individual",
        "individual_total",
        "individual_squares",
        "within_squares",
        "within_df",
        "aggregate_squares",
        "aggregate_df",
    )

    class Meta:
        verbose_name = _("stored supplier figures")
        verbose_name_plural = _("stored supplier figures")
        constraints = [
            models.UniqueConstraint(
                fields=["year", "number", "supplier", "programme"],
                name="stored_supplier_figures_once",
            )
        ]

    def __str__(self) -> str:
        return f"{self.supplier_id} {self.programme_id} {Quarter(self.year, self.number).label()}"

    def sums(self) -> dict[str, Any]:
        return {name: getattr(self, name) for name in self.SUMS}
