"""Committees and memberships in the admin, written through committees.services.

Every membership write (inline or on its own page) and every status or interview-date
change goes through the same services as the pages, so the enforcement rule and the
history cannot differ between them. A refusal becomes a form error (or, for a status
the committee's new members turn out not to allow, an error message); never a 500.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django import forms
from django.contrib import admin, messages
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.http import HttpRequest
from django.utils.text import format_lazy
from django.utils.translation import gettext, gettext_lazy, ngettext

from committees.enforcement import EnforcementError
from committees.forms import JUSTIFICATION_NO_NAMES, CommitteeEnforcementForm
from committees.models import CommitteeJustification, CommitteeMembership, SelectionCommittee
from committees.services import (
    EDITABLE_FIELDS,
    committee_add_member,
    committee_create,
    committee_remove_member,
    committee_update,
    member_registration_cancel,
    membership_change_role,
    membership_leaving_refusal,
    session_cancel,
)
from departments.admin_scoping import ScopedHistoryAdmin, ScopedInline, ScopedModelForm
from departments.touched import FiguresTouchingAdmin, Touch, figures_touched
from trainings.admin import TrainingCompletionAdmin, TrainingSessionAdmin
from trainings.models import TrainingCompletion, TrainingSession

if TYPE_CHECKING:
    from django.contrib.auth.models import User

# Changes the rule looks at: the admin applies them after the members are written.
ENFORCED_FIELDS = ("status", "interview_date")


class _DryRun(Exception):
    """Rolls back a membership write that was only made to hear what the rule says."""


def membership_write_refusal(
    *,
    committee: SelectionCommittee,
    person: Any,
    role: str,
    membership: CommitteeMembership | None,
    justification: str,
    user: User | AnonymousUser,
) -> ValidationError | None:
    """What the services would answer to this membership write, without making it.

    The service is called inside a savepoint that is always rolled back, so the form
    can show a refusal as a field error before anything is saved.
    """
    try:
        with transaction.atomic():
            if membership is None:
                stored = SelectionCommittee.objects.select_related("department").get(
                    pk=committee.pk
                )
                committee_add_member(
                    committee=stored,
                    person=person,
                    role=role,
                    user=user,
                    justification=justification,
                )
            else:
                membership_change_role(
                    membership=_stored_membership(membership.pk),
                    role=role,
                    user=user,
                    justification=justification,
                )
            raise _DryRun
    except _DryRun:
        return None
    except ValidationError as error:
        return error


def _stored_membership(pk: int) -> CommitteeMembership:
    # The form has already put the posted values on its instance: the services must
    # compare them with what is stored.
    return CommitteeMembership.objects.select_related("committee__department", "person").get(pk=pk)


class MembershipAdminForm(ScopedModelForm):
    """A membership row; the enforcement rule is asked before the row is saved."""

    justification = forms.CharField(
        label=gettext_lazy("Justification"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=format_lazy(
            "{} {}",
            gettext_lazy(
                "Only needed when the committee is confirmed and its department asks for a "
                "reason to add an untrained member."
            ),
            JUSTIFICATION_NO_NAMES,
        ),
    )

    class Meta:
        model = CommitteeMembership
        fields = ["committee", "person", "role"]

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if self.errors or data.get("DELETE"):
            return data
        stored = self.instance.pk is not None
        if stored and "person" in self.changed_data:
            self.add_error(
                "person",
                gettext_lazy(
                    "To put another person on the committee, remove this member and add "
                    "the new one."
                ),
            )
            return data
        committee = data.get("committee") or self.instance.committee
        if (
            committee is None
            or committee.pk is None
            or (stored and "role" not in self.changed_data)
        ):
            # Nothing for the rule to check: the role stays, or the committee is new
            # (it is created as planned, and its status is checked after its members).
            return data
        self._ask_the_rule(committee, data)
        return data

    def _ask_the_rule(self, committee: SelectionCommittee, data: dict[str, Any]) -> None:
        error = membership_write_refusal(
            committee=committee,
            person=data.get("person") or self.instance.person,
            role=data["role"],
            membership=self.instance if self.instance.pk else None,
            justification=data.get("justification", ""),
            user=self.scope_user or AnonymousUser(),
        )
        if error is None:
            return
        if getattr(error, "code", None) == "justification_required":
            field = "justification"
        else:
            field = "person" if self.instance.pk is None else "role"
        self.add_error(field if field in self.fields else None, error)


def membership_formset_save(
    *, formset: Any, committee: SelectionCommittee, user: User | AnonymousUser
) -> list[str]:
    """Write a membership formset through the services; returns refusals (races only).

    Sets new_objects, changed_objects and deleted_objects as formset.save() does, for
    the admin's change message.
    """
    formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []
    refusals: list[str] = []
    for form in formset.forms:
        try:
            _save_membership_form(formset, form, committee, user)
        except ValidationError as error:
            refusals.extend(error.messages)
    return refusals


def _save_membership_form(
    formset: Any, form: Any, committee: SelectionCommittee, user: User | AnonymousUser
) -> None:
    instance = form.instance
    if instance.pk is not None and formset._should_delete_form(form):
        committee_remove_member(membership=_stored_membership(instance.pk), user=user)
        formset.deleted_objects.append(instance)
        return
    if not form.has_changed() or formset._should_delete_form(form):
        return
    justification = form.cleaned_data.get("justification", "")
    if instance.pk is None:
        membership = committee_add_member(
            committee=committee,
            person=form.cleaned_data["person"],
            role=form.cleaned_data["role"],
            user=user,
            justification=justification,
        )
        form.instance = membership
        formset.new_objects.append(membership)
    elif "role" in form.changed_data:
        membership = membership_change_role(
            membership=_stored_membership(instance.pk),
            role=form.cleaned_data["role"],
            user=user,
            justification=justification,
        )
        formset.changed_objects.append((membership, ["role"]))


class MembershipInline(ScopedInline, admin.TabularInline[CommitteeMembership, SelectionCommittee]):
    model = CommitteeMembership
    form = MembershipAdminForm
    fields = ["person", "role", "justification"]
    extra = 1
    autocomplete_fields = ["person"]

    def get_queryset(self, request: HttpRequest) -> models.QuerySet[CommitteeMembership]:
        return super().get_queryset(request).select_related("person")


class JustificationInline(
    ScopedInline, admin.TabularInline[CommitteeJustification, SelectionCommittee]
):
    model = CommitteeJustification
    extra = 0
    can_delete = False
    fields = ["created_at", "created_by", "status", "text", "untrained_members"]
    readonly_fields = ["created_at", "created_by", "status", "text", "untrained_members"]

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class CommitteeAdminForm(ScopedModelForm, CommitteeEnforcementForm):
    """The admin applies the same enforcement rule as the pages (committees.enforcement)."""

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        self.run_enforcement(data)
        return data


@admin.register(SelectionCommittee)
class SelectionCommitteeAdmin(FiguresTouchingAdmin, ScopedHistoryAdmin):
    form = CommitteeAdminForm
    list_display = ["vacancy_reference", "vacancy_title", "department", "interview_date", "status"]
    list_filter = ["status", "department", "interview_date"]
    list_select_related = ["department"]
    search_fields = ["vacancy_reference", "vacancy_title", "memberships__person__last_name"]
    date_hierarchy = "interview_date"
    readonly_fields = ["created_at", "updated_at"]
    inlines = [MembershipInline, JustificationInline]

    def touches(self, obj: SelectionCommittee) -> Touch:
        # Saving goes through the services (which tell the figures); deleting does not.
        return Touch(obj.interview_date, obj.interview_date, [obj.department_id])

    def save_model(
        self, request: HttpRequest, obj: SelectionCommittee, form: Any, change: bool
    ) -> None:
        """Save all but the status and interview date, which wait for the members.

        A new committee starts as planned; save_related adds its members and then asks
        for the requested status, as the pages do.
        """
        if change:
            committee = self._save_plain_fields(request, obj, form)
        else:
            committee = committee_create(
                department=obj.department,
                vacancy_reference=obj.vacancy_reference,
                vacancy_title=obj.vacancy_title,
                interview_date=obj.interview_date,
                notes=obj.notes,
                user=request.user,
            )
        form.pending_changes = {
            name: getattr(obj, name)
            for name in ENFORCED_FIELDS
            if getattr(obj, name) != getattr(committee, name)
        }
        # The admin goes on with `obj` (inlines, the change message, the redirect).
        obj.pk = committee.pk
        obj._state.adding = False

    def _save_plain_fields(
        self, request: HttpRequest, obj: SelectionCommittee, form: Any
    ) -> SelectionCommittee:
        committee = SelectionCommittee.objects.select_related("department").get(pk=obj.pk)
        if "department" in form.changed_data:
            # Moving a committee is an administrator's correction, outside the rule.
            moved_from = committee.department_id
            committee.department = obj.department
            committee._history_user = request.user
            committee.save(update_fields=["department", "updated_at"])
            figures_touched(
                since=committee.interview_date,
                until=committee.interview_date,
                departments=[moved_from, committee.department_id],
            )
        changes = {
            name: getattr(obj, name)
            for name in EDITABLE_FIELDS
            if name in form.changed_data and name not in ENFORCED_FIELDS
        }
        return committee_update(committee=committee, user=request.user, **changes)

    def save_formset(self, request: HttpRequest, form: Any, formset: Any, change: bool) -> None:
        if formset.model is not CommitteeMembership:
            formset.save()
            return
        committee = SelectionCommittee.objects.select_related("department").get(pk=form.instance.pk)
        for refusal in membership_formset_save(
            formset=formset, committee=committee, user=request.user
        ):
            self.message_user(request, refusal, messages.ERROR)

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        super().save_related(request, form, formsets, change)
        pending: dict[str, Any] = getattr(form, "pending_changes", {})
        if not pending:
            return
        committee = SelectionCommittee.objects.select_related("department").get(pk=form.instance.pk)
        try:
            committee_update(
                committee=committee,
                user=request.user,
                justification=form.cleaned_data.get("justification", ""),
                **pending,
            )
        except EnforcementError as error:
            # Members added in the same save were not there when the form was checked.
            for name in ENFORCED_FIELDS:
                setattr(form.instance, name, getattr(committee, name))
            self.message_user(request, self._refusal_message(change, error), messages.ERROR)

    @staticmethod
    def _refusal_message(change: bool, error: EnforcementError) -> str:
        reason = " ".join(error.messages)
        if not change:
            return gettext("The status was set back to planned. %(reason)s") % {"reason": reason}
        return gettext("The status and interview date were not changed. %(reason)s") % {
            "reason": reason
        }


@admin.register(CommitteeMembership)
class CommitteeMembershipAdmin(ScopedHistoryAdmin):
    form = MembershipAdminForm
    list_display = ["person", "role", "committee"]
    list_filter = ["role", "committee__department"]
    list_select_related = ["person", "committee", "committee__department"]
    search_fields = ["person__last_name", "person__employee_number", "committee__vacancy_reference"]
    autocomplete_fields = ["person", "committee"]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        # A membership stays on its committee (and with its person): only the role
        # changes. Moving it would skip the rule and could cross departments.
        return ["committee", "person"] if obj is not None else []

    def save_model(
        self, request: HttpRequest, obj: CommitteeMembership, form: Any, change: bool
    ) -> None:
        justification = form.cleaned_data.get("justification", "")
        if change:
            membership_change_role(
                membership=_stored_membership(obj.pk),
                role=obj.role,
                user=request.user,
                justification=justification,
            )
            return
        membership = committee_add_member(
            committee=SelectionCommittee.objects.select_related("department").get(
                pk=obj.committee_id
            ),
            person=obj.person,
            role=obj.role,
            user=request.user,
            justification=justification,
        )
        obj.pk = membership.pk
        obj.created_at = membership.created_at
        obj._state.adding = False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # A confirmed committee's last member who must be trained stays (services).
        if isinstance(obj, CommitteeMembership) and membership_leaving_refusal(membership=obj):
            return False
        return super().has_delete_permission(request, obj)

    def delete_model(self, request: HttpRequest, obj: CommitteeMembership) -> None:
        committee_remove_member(membership=obj, user=request.user)

    def delete_queryset(
        self, request: HttpRequest, queryset: models.QuerySet[CommitteeMembership]
    ) -> None:
        for membership in queryset.select_related("committee"):
            try:
                committee_remove_member(membership=membership, user=request.user)
            except ValidationError as error:
                self.message_user(request, " ".join(error.messages), messages.ERROR)


class CommitteeAwareCompletionAdmin(TrainingCompletionAdmin):
    """trainings' completion admin, cancelling a registration through
    committees.services.member_registration_cancel: as on the committee page, the O&P
    staff of a confirmed committee that relied on it are told at once. (trainings may not
    import committees, so the admin is registered again here, one layer up.)"""

    cancel_registration = staticmethod(member_registration_cancel)


admin.site.unregister(TrainingCompletion)
admin.site.register(TrainingCompletion, CommitteeAwareCompletionAdmin)


class SessionCancellingAdmin(TrainingSessionAdmin):
    """The session admin, with *cancelled* going through `committees.services.session_cancel`:
    its registrations are cancelled, its waiting list cleared, and a warning names how
    many confirmed committees relied on it. (Here, not in trainings: only committees
    know which committees rely on a registration.)"""

    def save_model(
        self, request: HttpRequest, obj: TrainingSession, form: Any, change: bool
    ) -> None:
        cancelling = change and obj.cancelled and "cancelled" in form.changed_data
        with transaction.atomic():
            super().save_model(request, obj, form, change)
            if not cancelling:
                return
            relying = session_cancel(session=obj, user=request.user)
        messages.warning(request, _cancelled_message(relying))


def _cancelled_message(relying: int) -> str:
    text = gettext("The session is cancelled: its registrations and waiting list too.")
    if relying:
        text += " " + ngettext(
            "%(count)d confirmed committee relied on it: it no longer meets the rule until "
            "its members are registered again.",
            "%(count)d confirmed committees relied on it: they no longer meet the rule until "
            "their members are registered again.",
            relying,
        ) % {"count": relying}
    return text


admin.site.unregister(TrainingSession)
admin.site.register(TrainingSession, SessionCancellingAdmin)
