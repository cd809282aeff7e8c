from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.http import HttpRequest
from django.utils.translation import gettext

from committees.enforcement import (
    CONFIRMING_STATUSES,
    committee_check_enforcement,
)
from committees.forms import CommitteeEnforcementForm
from committees.models import (
    CommitteeJustification,
    CommitteeMembership,
    CommitteeStatus,
    SelectionCommittee,
)
from committees.services import committee_record_justification
from departments.admin_scoping import ScopedHistoryAdmin


class MembershipInline(admin.TabularInline[CommitteeMembership, SelectionCommittee]):
    model = CommitteeMembership
    extra = 1
    autocomplete_fields = ["person"]

    def get_queryset(self, request):  # type: ignore[no-untyped-def]
        return super().get_queryset(request).select_related("person")


class JustificationInline(admin.TabularInline[CommitteeJustification, SelectionCommittee]):
    model = CommitteeJustification
    extra = 0
    can_delete = False
    fields = ["created_at", "created_by", "status", "text", "untrained_members"]
    readonly_fields = ["created_at", "created_by", "status", "text", "untrained_members"]

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class CommitteeAdminForm(CommitteeEnforcementForm):
    """The admin applies the same enforcement rule as the pages (committees.enforcement)."""

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        self.enforcement_check = self.run_enforcement(data)
        return data


@admin.register(SelectionCommittee)
class SelectionCommitteeAdmin(ScopedHistoryAdmin):
    form = CommitteeAdminForm
    list_display = ["vacancy_reference", "vacancy_title", "department", "interview_date", "status"]
    list_filter = ["status", "department", "interview_date"]
    list_select_related = ["department"]
    search_fields = ["vacancy_reference", "vacancy_title", "memberships__person__last_name"]
    date_hierarchy = "interview_date"
    readonly_fields = ["created_at", "updated_at"]
    inlines = [MembershipInline, JustificationInline]

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        super().save_model(request, obj, form, change)
        check = getattr(form, "enforcement_check", None)
        if check is not None:
            committee_record_justification(
                committee=obj,
                check=check,
                justification=form.cleaned_data.get("justification", ""),
                user=request.user,
            )

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        super().save_related(request, form, formsets, change)
        committee = form.instance
        touched = (
            not change
            or {"status", "interview_date"} & set(form.changed_data)
            or any(getattr(formset, "new_objects", None) for formset in formsets)
        )
        # An old confirmed committee whose notes are edited is left alone, as on the pages.
        if committee.status not in CONFIRMING_STATUSES or not touched:
            return
        # Members added in the same save (inlines) were not in the database when the
        # form was checked: check again, and step back to planned if the rule refuses.
        check = committee_check_enforcement(committee=committee, status=committee.status)
        already_justified = getattr(form, "enforcement_check", None) is not None
        if check.blocked or (check.needs_justification and not already_justified):
            justification = form.cleaned_data.get("justification", "")
            if not check.blocked and justification.strip():
                committee_record_justification(
                    committee=committee, check=check, justification=justification, user=request.user
                )
                return
            committee.status = CommitteeStatus.PLANNED
            committee.save(update_fields=["status", "updated_at"])
            message = check.blocked_message() if check.blocked else check.justification_message()
            self.message_user(
                request,
                gettext("The status was set back to planned. %(reason)s") % {"reason": message},
                messages.ERROR,
            )


@admin.register(CommitteeMembership)
class CommitteeMembershipAdmin(ScopedHistoryAdmin):
    list_display = ["person", "role", "committee"]
    list_filter = ["role", "committee__department"]
    list_select_related = ["person", "committee", "committee__department"]
    search_fields = ["person__last_name", "person__employee_number", "committee__vacancy_reference"]
    autocomplete_fields = ["person", "committee"]
