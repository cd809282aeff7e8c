from __future__ import annotations

import datetime
from typing import TYPE_CHECKING, Self

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Count, DateField, ExpressionWrapper, F, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce, Now, TruncDate
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from departments.access import (
    DepartmentScopedQuerySet,
    Role,
    sees_all_departments,
    staff_department_ids,
    user_roles,
)
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


class TrainingSessionQuerySet(models.QuerySet["TrainingSession"]):
    """Sessions as O&P staff may choose them.

    A session with a department is that ministry's own; without one it belongs to the
    Rijk-wide offer, which everyone sees.
    """

    def visible_to(self, user: User | AnonymousUser) -> Self:
        """The programme bureau and administrators see every session; O&P staff the
        Rijk-wide offer plus their own ministries' own sessions; anyone else none."""
        if sees_all_departments(user):
            return self
        if Role.OP_STAFF not in user_roles(user):
            return self.none()
        return self.filter(
            Q(department__isnull=True) | Q(department__in=staff_department_ids(user))
        )

    def open_to(self, *department_ids: int) -> Self:
        """The Rijk-wide offer plus the own sessions of these departments."""
        return self.filter(Q(department__isnull=True) | Q(department__in=department_ids))

    def upcoming(self, today: datetime.date | None = None) -> Self:
        """Sessions one can still register for: from today on, not cancelled, not a
        training entered by hand."""
        return self.filter(
            cancelled=False,
            entered_by_hand=False,
            date__gte=today or timezone.localdate(),
        )

    def with_places_left(self) -> Self:
        """Annotate `places_taken` and `places_left` (None: no capacity known), in the
        same query (a correlated count of the places registered or attended)."""
        taken = (
            TrainingCompletion.objects.filter(session=OuterRef("pk"), status__in=TAKEN_STATUSES)
            .order_by()
            .values("session")
            .annotate(n=Count("pk"))
            .values("n")[:1]
        )
        return self.annotate(
            places_taken=Coalesce(Subquery(taken, output_field=models.IntegerField()), 0)
        ).annotate(
            places_left=ExpressionWrapper(
                F("capacity") - F("places_taken"), output_field=models.IntegerField()
            )
        )

    def soonest_first(self) -> Self:
        return self.order_by("date", F("starts_at").asc(nulls_first=True), "pk")


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
    # A ministry's own session (its own people only); empty: the Rijk-wide offer.
    department = models.ForeignKey(
        Department,
        on_delete=models.PROTECT,
        related_name="own_sessions",
        verbose_name=_("department"),
        null=True,
        blank=True,
        help_text=_("Only for a session a ministry organises for its own people."),
    )
    date = models.DateField(_("date"))
    starts_at = models.TimeField(_("start time"), null=True, blank=True)
    ends_at = models.TimeField(_("end time"), null=True, blank=True)
    place = models.CharField(_("place"), max_length=200, blank=True)
    is_online = models.BooleanField(_("online"), default=False)
    online_link = models.URLField(
        _("online link"), max_length=500, blank=True, default="", db_default=""
    )
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

    # Who created or changed a session (a page, the schedule import, an API client); the
    # attendance import's bulk-made sessions have no history rows, their import says.
    history = HistoricalRecords()
    objects = TrainingSessionQuerySet.as_manager()

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
            models.CheckConstraint(
                condition=Q(starts_at__isnull=True)
                | Q(ends_at__isnull=True)
                | Q(ends_at__gt=F("starts_at")),
                name="session_ends_after_start",
            ),
        ]

    def __str__(self) -> str:
        where = _("online") if self.is_online else self.place
        return f"{self.date:%d-%m-%Y} {self.supplier} ({where})"

    @property
    def where(self) -> str:
        return str(_("online")) if self.is_online else self.place

    def taken_count(self) -> int:
        """Places registered or attended now (1 query); pages read `with_places_left()`."""
        return self.completions.filter(status__in=TAKEN_STATUSES).count()


class CompletionStatus(models.TextChoices):
    REGISTERED = "registered", _("Registered")
    ATTENDED = "attended", _("Attended")
    NO_SHOW = "no_show", _("No-show")
    CANCELLED = "cancelled", _("Cancelled")


class CompletionSource(models.TextChoices):
    IMPORT = "import", _("Supplier file")
    HAND = "hand", _("Entered by hand")
    # Registered for an upcoming session in the app (committee page or a member's link).
    APP = "app", _("Registered in the app")


# A place in a session is taken by a registration, or by attending it.
TAKEN_STATUSES = (CompletionStatus.REGISTERED, CompletionStatus.ATTENDED)


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

    def late_cancellations(self, days: int) -> Self:
        """Places cancelled `days` days or less before their session's date, or after it
        (the day of the change in the local time zone), in sessions that took place. A session the
        supplier cancelled cancels its places: that is no one's late cancellation."""
        first_late_day = ExpressionWrapper(
            F("session__date") - datetime.timedelta(days=days), output_field=DateField()
        )
        return (
            self.counted()
            .filter(status=CompletionStatus.CANCELLED, session__cancelled=False)
            .alias(cancelled_on=TruncDate("status_changed_at"))
            .filter(cancelled_on__gte=first_late_day)
        )

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
    # When the status last changed: a cancellation is late when it comes within
    # LATE_CANCELLATION_DAYS of the session. `updated_at` moves with every edit (a hand
    # entry's confirmation too), so it cannot tell. Set by every path that writes a status
    # (the import's writing module, hand entry, the admin); the database default serves
    # inserts that do not name it.
    status_changed_at = models.DateTimeField(
        _("status changed at"), default=timezone.now, db_default=Now()
    )
    # Who made the last status change in the app (a registration or cancellation); empty
    # for imports, and for a member registering through their own link.
    status_changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("status changed by"),
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


class WaitlistEntryQuerySet(DepartmentScopedQuerySet):
    department_lookup = "person__department"


class WaitlistEntry(models.Model):
    """A person waiting for a place in a full session; the first moves up when a place
    comes free (trainings.services.registration_cancel)."""

    session = models.ForeignKey(
        TrainingSession,
        on_delete=models.CASCADE,
        related_name="waitlist",
        verbose_name=_("session"),
    )
    person = models.ForeignKey(
        Person, on_delete=models.CASCADE, related_name="waitlist_entries", verbose_name=_("person")
    )
    created_at = models.DateTimeField(_("on the waiting list since"), default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("put on it by"),
    )

    objects = WaitlistEntryQuerySet.as_manager()

    class Meta:
        ordering = ["session", "created_at", "pk"]
        verbose_name = _("waiting list entry")
        verbose_name_plural = _("waiting list entries")
        constraints = [
            models.UniqueConstraint(
                fields=["session", "person"], name="waitlist_unique_person_per_session"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person} – {self.session}"


# --- Supplier attendance imports -----------------------------------------------------
