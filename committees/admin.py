from __future__ import annotations

from django.contrib import admin

from committees.models import CommitteeMembership, SelectionCommittee
from departments.admin_scoping import ScopedHistoryAdmin


class MembershipInline(admin.TabularInline[CommitteeMembership, SelectionCommittee]):
    model = CommitteeMembership
    extra = 1
    autocomplete_fields = ["person"]

    def get_queryset(self, request):  # type: ignore[no-untyped-def]
        return super().get_queryset(request).select_related("person")


@admin.register(SelectionCommittee)
class SelectionCommitteeAdmin(ScopedHistoryAdmin):
    list_display = ["vacancy_reference", "vacancy_title", "department", "interview_date", "status"]
    list_filter = ["status", "department", "interview_date"]
    list_select_related = ["department"]
    search_fields = ["vacancy_reference", "vacancy_title", "memberships__person__last_name"]
    date_hierarchy = "interview_date"
    readonly_fields = ["created_at", "updated_at"]
    inlines = [MembershipInline]


@admin.register(CommitteeMembership)
class CommitteeMembershipAdmin(ScopedHistoryAdmin):
    list_display = ["person", "role", "committee"]
    list_filter = ["role", "committee__department"]
    list_select_related = ["person", "committee", "committee__department"]
    search_fields = ["person__last_name", "person__employee_number", "committee__vacancy_reference"]
    autocomplete_fields = ["person", "committee"]
