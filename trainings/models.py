from __future__ import annotations

import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Self

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q, Value
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from departments.access import DepartmentScopedQuerySet, sees_all_departments
from departments.models import Department, Person

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser, User


class Supplier(models.Model):
    """An external training supplier contracted through the central tender."""

    code = models.CharField(_("code"), max_length=20, unique=True)
    name = models.CharField(_("name"), max_length=200)
    contact_email = models.EmailField(_("contact email"), blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("supplier")
        verbose_name_plural = _("suppliers")

    def __str__(self) -> str:
        return self.name


class Tender(models.Model):
    """A contract period of the central training offer (one lot of it)."""

    name = models.CharField(_("name"), max_length=200)
    lot = models.CharField(_("lot"), max_length=50, blank=True)
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"), null=True, blank=True)
    suppliers = models.ManyToManyField(
        Supplier, related_name="tenders", verbose_name=_("suppliers"), blank=True
    )
    departments = models.ManyToManyField(
        Department,
        related_name="tenders",
        verbose_name=_("participating departments"),
        blank=True,
    )

    class Meta:
        ordering = ["-starts_on", "lot"]
        verbose_name = _("tender")
        verbose_name_plural = _("tenders")
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(ends_on__gte=models.F("starts_on")),
                name="tender_ends_after_start",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} {self.lot}".strip()


class TrainingProgramme(models.Model):
    """The content of the workshop as a supplier delivers it, by version."""

    supplier = models.ForeignKey(
        Supplier,
        on_delete=models.PROTECT,
        related_name="programmes",
        verbose_name=_("supplier"),
        null=True,
        blank=True,
    )
    name = models.CharField(_("name"), max_length=200)
    version = models.CharField(_("version"), max_length=30, blank=True)
    modules = models.TextField(
        _("modules"), blank=True, help_text=_("The parts of the workshop, one per line.")
    )

    class Meta:
        ordering = ["name", "version"]
        verbose_name = _("training programme")
        verbose_name_plural = _("training programmes")
        constraints = [
            models.UniqueConstraint(
                fields=["supplier", "name", "version"], name="programme_unique_version"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} {self.version}".strip()


class TrainingSession(models.Model):
    supplier = models.ForeignKey(
        Supplier, on_delete=models.PROTECT, related_name="sessions", verbose_name=_("supplier")
    )
    programme = models.ForeignKey(
        TrainingProgramme,
        on_delete=models.PROTECT,
        related_name="sessions",
        verbose_name=_("programme"),
    )
    tender = models.ForeignKey(
        Tender,
        on_delete=models.PROTECT,
        related_name="sessions",
        verbose_name=_("tender"),
        null=True,
        blank=True,
    )
    date = models.DateField(_("date"))
    place = models.CharField(_("place"), max_length=200, blank=True)
    is_online = models.BooleanField(_("online"), default=False)
    capacity = models.PositiveIntegerField(_("capacity"), null=True, blank=True)
    external_id = models.CharField(
        _("supplier's session id"), max_length=100, blank=True, db_index=True
    )
    cancelled = models.BooleanField(
        _("cancelled"), default=False, help_text=_("A cancelled session trains nobody.")
    )
    # A training recorded by hand that no supplier file describes: it belongs to the one
    # completion entered with it, so it is never offered as a session to choose.
    # (A database default too: the attendance import writes rows with COPY.)
    entered_by_hand = models.BooleanField(_("entered by hand"), default=False, db_default=False)

    class Meta:
        ordering = ["-date", "supplier"]
        verbose_name = _("training session")
        verbose_name_plural = _("training sessions")
        indexes = [models.Index(fields=["date"])]
        constraints = [
            models.UniqueConstraint(
                fields=["supplier", "external_id"],
                condition=~Q(external_id=""),
                name="session_unique_external_id",
            ),
        ]

    def __str__(self) -> str:
        where = _("online") if self.is_online else self.place
        return f"{self.date:%d-%m-%Y} {self.supplier} ({where})"


class CompletionStatus(models.TextChoices):
    REGISTERED = "registered", _("Registered")
    ATTENDED = "attended", _("Attended")
    NO_SHOW = "no_show", _("No-show")
    CANCELLED = "cancelled", _("Cancelled")


class CompletionSource(models.TextChoices):
    IMPORT = "import", _("Supplier file")
    HAND = "hand", _("Entered by hand")


# A hand entry that nobody has confirmed yet: it counts nowhere (compliance, reports).
AWAITING_CONFIRMATION = Q(source=CompletionSource.HAND, confirmed_at__isnull=True)


class TrainingCompletionQuerySet(DepartmentScopedQuerySet):
    department_lookup = "person__department"

    def attended(self) -> Self:
        """Attended places that count (a hand entry only once it is confirmed)."""
        return self.counted().filter(status=CompletionStatus.ATTENDED, session__cancelled=False)

    def counted(self) -> Self:
        """Completions that count: everything but hand entries awaiting confirmation."""
        return self.exclude(AWAITING_CONFIRMATION)

    def awaiting_confirmation(self) -> Self:
        return self.filter(AWAITING_CONFIRMATION)

    def confirmable_by(self, user: User | AnonymousUser) -> Self:
        """Hand entries `user` may confirm: of the departments they see, not their own."""
        if not user.is_authenticated:
            return self.none()
        return self.awaiting_confirmation().visible_to(user).exclude(entered_by=user.pk)


class TrainingCompletion(models.Model):
    """A person's place in a session: registered, attended, no-show or cancelled."""

    person = models.ForeignKey(
        Person, on_delete=models.PROTECT, related_name="completions", verbose_name=_("person")
    )
    session = models.ForeignKey(
        TrainingSession,
        on_delete=models.PROTECT,
        related_name="completions",
        verbose_name=_("session"),
    )
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=CompletionStatus.choices,
        default=CompletionStatus.REGISTERED,
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    import_batch = models.ForeignKey(
        "ImportBatch",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="completions",
        verbose_name=_("import"),
        help_text=_("The attendance import that last changed this completion."),
    )
    # Hand entries (O&P staff with a certificate in hand) count only once a second
    # person has confirmed them; see trainings/hand_entry.py. The database defaults
    # serve the attendance import, which writes rows with COPY.
    source = models.CharField(
        _("source"),
        max_length=10,
        choices=CompletionSource.choices,
        default=CompletionSource.IMPORT,
        db_default=CompletionSource.IMPORT,
    )
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("entered by"),
    )
    entered_at = models.DateTimeField(_("entered at"), null=True, blank=True)
    evidence_note = models.TextField(
        _("evidence"),
        blank=True,
        default="",
        db_default="",
        help_text=_("What proves the attendance and where it is kept."),
    )
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("confirmed by"),
    )
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)

    history = HistoricalRecords()
    objects = TrainingCompletionQuerySet.as_manager()

    class Meta:
        ordering = ["-session__date"]
        verbose_name = _("training completion")
        verbose_name_plural = _("training completions")
        constraints = [
            models.UniqueConstraint(
                fields=["person", "session"], name="completion_unique_person_session"
            ),
            # The second pair of eyes must be a second person.
            models.CheckConstraint(
                condition=Q(confirmed_by__isnull=True)
                | Q(entered_by__isnull=True)
                | ~Q(confirmed_by=models.F("entered_by")),
                name="completion_confirmer_not_enterer",
            ),
            models.CheckConstraint(
                condition=~Q(source="hand") | (Q(entered_at__isnull=False) & ~Q(evidence_note="")),
                name="completion_hand_entry_has_evidence",
            ),
        ]
        indexes = [
            models.Index(fields=["person", "status"]),
            models.Index(
                fields=["source"],
                condition=Q(source="hand", confirmed_at__isnull=True),
                name="completion_awaiting_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person} – {self.session} ({self.get_status_display()})"

    @property
    def is_hand_entry(self) -> bool:
        return self.source == CompletionSource.HAND

    @property
    def awaiting_confirmation(self) -> bool:
        return self.is_hand_entry and self.confirmed_at is None


class EvaluationQuerySet(models.QuerySet["Evaluation"]):
    def visible_to(self, user: User | AnonymousUser) -> Self:
        """Session aggregates are not personal; participants' scores follow their person."""
        if sees_all_departments(user):
            return self
        people = Person.objects.visible_to(user).values("pk")
        return self.filter(Q(person__isnull=True) | Q(person__in=people))


class Evaluation(models.Model):
    """A participant's evaluation of a session, or the session's aggregate score.

    Aggregates (no person) carry the number of responses they summarise.
    """

    session = models.ForeignKey(
        TrainingSession,
        on_delete=models.CASCADE,
        related_name="evaluations",
        verbose_name=_("session"),
    )
    person = models.ForeignKey(
        Person,
        on_delete=models.SET_NULL,
        related_name="evaluations",
        verbose_name=_("participant"),
        null=True,
        blank=True,
    )
    score = models.DecimalField(
        _("score"),
        max_digits=4,
        decimal_places=2,
        validators=[MinValueValidator(1)],
    )
    scale = models.PositiveSmallIntegerField(
        _("scale"),
        default=10,
        choices=[(5, "1–5"), (10, "1–10")],
        validators=[MinValueValidator(5), MaxValueValidator(10)],
    )
    response_count = models.PositiveIntegerField(
        _("number of responses"),
        default=1,
        validators=[MinValueValidator(1)],
    )
    answers = models.JSONField(_("answers"), default=dict, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = EvaluationQuerySet.as_manager()

    class Meta:
        ordering = ["session", "pk"]
        verbose_name = _("evaluation")
        verbose_name_plural = _("evaluations")
        constraints = [
            models.CheckConstraint(
                condition=Q(score__lte=models.F("scale")), name="score_in_scale"
            ),
            models.CheckConstraint(
                condition=Q(person__isnull=True) | Q(response_count=1),
                name="evaluation_participant_single_response",
            ),
            models.UniqueConstraint(
                fields=["session", "person"],
                condition=Q(person__isnull=False),
                name="evaluation_one_per_participant",
            ),
            models.UniqueConstraint(
                fields=["session"],
                condition=Q(person__isnull=True),
                name="evaluation_one_aggregate_per_session",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.session}: {self.score}/{self.scale}"

    @property
    def is_aggregate(self) -> bool:
        return self.person_id is None


# --- Supplier attendance imports -----------------------------------------------------


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
    # (trainings.imports.fields.header_signature). The next file from this supplier with
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
    rows_done = models.PositiveIntegerField(_("rows processed"), default=0)
    error = models.TextField(_("error"), blank=True)

    objects = ImportBatchQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
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
    REJECTED = "rejected", _("Rejected")


class RowResolution(models.TextChoices):
    MATCHED = "matched", _("Matched to a person")
    CORRECTED = "corrected", _("Corrected")
    DISCARDED = "discarded", _("Discarded")


class ImportRowQuerySet(models.QuerySet["ImportRow"]):
    def pending_review(self) -> Self:
        """Rows held back from an applied file that nobody has dealt with yet."""
        return self.filter(
            outcome__in=[RowOutcome.REVIEW, RowOutcome.REJECTED],
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
    completion = models.ForeignKey(
        "TrainingCompletion",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
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
        verbose_name = _("imported row")
        verbose_name_plural = _("imported rows")
        constraints = [
            models.UniqueConstraint(fields=["batch", "row_number"], name="import_row_unique"),
        ]
        indexes = [models.Index(fields=["outcome", "resolution"])]

    def __str__(self) -> str:
        return f"{self.batch} #{self.row_number}"
