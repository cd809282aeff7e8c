from __future__ import annotations

from typing import TYPE_CHECKING, Self

from django.conf import settings
from django.db import models
from django.db.models import Exists, OuterRef
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from committees import compliance
from departments.access import DepartmentScopedQuerySet
from departments.models import Department, Person

if TYPE_CHECKING:
    import datetime

    from django.contrib.auth.models import AnonymousUser, User


class CommitteeStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    CONFIRMED = "confirmed", _("Confirmed")
    HELD = "held", _("Held")
    CANCELLED = "cancelled", _("Cancelled")


class MembershipRole(models.TextChoices):
    CHAIR = "chair", _("Chair")
    MEMBER = "member", _("Member")
    HR_ADVISER = "hr_adviser", _("HR adviser")
    EXTERNAL = "external", _("External member")


class SelectionCommitteeQuerySet(DepartmentScopedQuerySet):
    def with_compliance(self) -> Self:
        """Annotate `required_count`, `trained_count`, `is_incomplete` and `is_compliant`."""
        return compliance.annotate_committees(self)

    def compliant(self) -> Self:
        return self.with_compliance().filter(is_compliant=True)

    def not_compliant(self) -> Self:
        return self.with_compliance().filter(is_compliant=False)

    def incomplete(self) -> Self:
        """Committees without a member who must be trained (see compliance)."""
        return self.with_compliance().filter(is_incomplete=True)

    def active(self) -> Self:
        return self.exclude(status=CommitteeStatus.CANCELLED)

    def with_editable(self, user: User | AnonymousUser) -> Self:
        """Annotate `editable`: whether `user` may change the committee (`editable_by`), so
        that a page of one committee learns it in the query that reads the committee."""
        editable = self.model._default_manager.editable_by(user)
        return self.annotate(editable=Exists(editable.filter(pk=OuterRef("pk"))))

    def interviewing_between(self, start: datetime.date, end: datetime.date) -> Self:
        return self.filter(interview_date__gte=start, interview_date__lte=end)


class SelectionCommittee(models.Model):
    """A sollicitatiecommissie for one vacancy."""

    department = models.ForeignKey(
        Department,
        on_delete=models.PROTECT,
        related_name="committees",
        verbose_name=_("department"),
    )
    vacancy_reference = models.CharField(_("vacancy reference"), max_length=50)
    vacancy_title = models.CharField(_("vacancy title"), max_length=200)
    interview_date = models.DateField(
        _("interview date"), help_text=_("The first day of the selection interviews.")
    )
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=CommitteeStatus.choices,
        default=CommitteeStatus.PLANNED,
    )
    notes = models.TextField(_("notes"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    history = HistoricalRecords()
    objects = SelectionCommitteeQuerySet.as_manager()

    class Meta:
        ordering = ["-interview_date", "vacancy_reference"]
        verbose_name = _("selection committee")
        verbose_name_plural = _("selection committees")
        indexes = [
            models.Index(fields=["department", "interview_date"]),
            models.Index(fields=["interview_date"]),
        ]

    def __str__(self) -> str:
        return f"{self.vacancy_reference} – {self.vacancy_title}"


class CommitteeMembershipQuerySet(DepartmentScopedQuerySet):
    department_lookup = "committee__department"

    def with_training_status(self) -> Self:
        """Annotate `requires_training` and `is_trained` (see compliance)."""
        return compliance.annotate_memberships(self)


class CommitteeMembership(models.Model):
    committee = models.ForeignKey(
        SelectionCommittee,
        on_delete=models.CASCADE,
        related_name="memberships",
        verbose_name=_("committee"),
    )
    person = models.ForeignKey(
        Person,
        on_delete=models.PROTECT,
        related_name="memberships",
        verbose_name=_("person"),
    )
    role = models.CharField(
        _("role"), max_length=12, choices=MembershipRole.choices, default=MembershipRole.MEMBER
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    history = HistoricalRecords()
    objects = CommitteeMembershipQuerySet.as_manager()

    class Meta:
        ordering = ["committee", "role", "person"]
        verbose_name = _("committee membership")
        verbose_name_plural = _("committee memberships")
        constraints = [
            models.UniqueConstraint(
                fields=["committee", "person"],
                name="membership_unique_person_per_committee",
                violation_error_message=_("This person is already on this committee."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person} ({self.get_role_display()})"


class CommitteeJustificationQuerySet(DepartmentScopedQuerySet):
    department_lookup = "committee__department"


class CommitteeJustification(models.Model):
    """The written reason for confirming a committee with untrained members.

    Kept as separate rows, never edited: each confirmation in `justify` mode adds one,
    so the page and the reports show who gave which reason when.
    """

    committee = models.ForeignKey(
        SelectionCommittee,
        on_delete=models.CASCADE,
        related_name="justifications",
        verbose_name=_("committee"),
    )
    status = models.CharField(_("status confirmed"), max_length=10, choices=CommitteeStatus.choices)
    text = models.TextField(_("justification"))
    untrained_members = models.TextField(
        _("untrained members at the time"),
        blank=True,
        help_text=_("The names of the members who were not trained, one per line."),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("given by"),
    )
    created_at = models.DateTimeField(_("given at"), auto_now_add=True)

    objects = CommitteeJustificationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("justification")
        verbose_name_plural = _("justifications")

    def __str__(self) -> str:
        return f"{self.committee}: {self.text[:50]}"
