from __future__ import annotations

from django.contrib import admin

from departments.admin_scoping import (
    ScopedAdmin,
    ScopedFieldsAdmin,
    ScopedHistoryAdmin,
    ScopedInline,
)
from departments.models import Department, DepartmentAlias, Person


class DepartmentAliasInline(ScopedInline, admin.TabularInline[DepartmentAlias, Department]):
    model = DepartmentAlias
    extra = 1


@admin.register(Department)
class DepartmentAdmin(ScopedAdmin):
    list_display = ["code", "name_nl", "name_en", "in_tender", "enforcement_mode"]
    list_filter = ["in_tender", "enforcement_mode"]
    search_fields = ["code", "name_nl", "name_en", "aliases__name"]
    filter_horizontal = ["staff"]
    inlines = [DepartmentAliasInline]


@admin.register(DepartmentAlias)
class DepartmentAliasAdmin(ScopedFieldsAdmin):
    list_display = ["name", "department"]
    list_filter = ["department"]
    list_select_related = ["department"]
    search_fields = ["name", "department__code"]


@admin.register(Person)
class PersonAdmin(ScopedHistoryAdmin):
    list_display = ["last_name", "first_name", "employee_number", "email", "department"]
    list_filter = ["department"]
    list_select_related = ["department"]
    search_fields = ["last_name", "first_name", "employee_number", "email"]
    readonly_fields = ["created_at", "updated_at"]
