from __future__ import annotations

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from departments.admin_scoping import (
    ScopedAdmin,
    ScopedFieldsAdmin,
    ScopedHistoryAdmin,
    ScopedInline,
)
from departments.models import Department, DepartmentAlias, Person
from departments.touched import FiguresTouchingAdmin, Touch


class DepartmentAliasInline(ScopedInline, admin.TabularInline[DepartmentAlias, Department]):
    model = DepartmentAlias
    extra = 1


@admin.register(Department)
class DepartmentAdmin(ScopedAdmin):
    list_display = [
        "code",
        "name_nl",
        "name_en",
        "in_tender",
        "enforcement_mode",
        "reminders_enabled",
    ]
    list_filter = ["in_tender", "enforcement_mode", "reminders_enabled"]
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
class PersonAdmin(FiguresTouchingAdmin, ScopedHistoryAdmin):
    list_display = ["name", "employee_number", "email", "department"]
    list_filter = ["department"]
    list_select_related = ["department"]
    search_fields = ["last_name", "particle", "first_name", "employee_number", "email"]
    readonly_fields = ["created_at", "updated_at"]

    def touches(self, obj: Person) -> Touch:
        # A move to another department moves the person's trainings with them.
        return Touch(None, None, [obj.department_id], [obj.pk])

    @admin.display(description=_("name"), ordering="last_name")
    def name(self, obj: Person) -> str:
        # Shown "Anna de Vries", sorted on "Vries" as everywhere else.
        return obj.full_name
