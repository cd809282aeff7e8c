"""Admin base classes that apply the same department scoping as the pages."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db import models
from django.http import HttpRequest
from simple_history.admin import SimpleHistoryAdmin

from departments.access import is_administrator
from departments.models import Department, Person


class ScopedAdminMixin:
    """Narrow the changelist and every lookup to what the user may see and change."""

    def get_queryset(self, request: HttpRequest) -> models.QuerySet[Any]:
        qs = super().get_queryset(request)  # type: ignore[misc]
        return qs.visible_to(request.user)

    def _may_edit(self, request: HttpRequest, obj: models.Model | None) -> bool:
        if obj is None or is_administrator(request.user):
            return True
        manager = type(obj)._default_manager
        return manager.all().editable_by(request.user).filter(pk=obj.pk).exists()  # type: ignore[attr-defined]

    def _may_view(self, request: HttpRequest, obj: models.Model | None) -> bool:
        if obj is None:
            return True
        manager = type(obj)._default_manager
        return manager.all().visible_to(request.user).filter(pk=obj.pk).exists()  # type: ignore[attr-defined]

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # Also guards views that look objects up outside get_queryset, such as the
        # history page, which falls back to historical rows of any department.
        allowed: bool = super().has_view_permission(request, obj)  # type: ignore[misc]
        return allowed and self._may_view(request, obj)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        allowed: bool = super().has_change_permission(request, obj)  # type: ignore[misc]
        return allowed and self._may_edit(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        allowed: bool = super().has_delete_permission(request, obj)  # type: ignore[misc]
        return allowed and self._may_edit(request, obj)

    def formfield_for_foreignkey(
        self, db_field: models.ForeignKey[Any, Any], request: HttpRequest, **kwargs: Any
    ) -> Any:
        # Only offer departments and people the user may use: an O&P user cannot
        # create a committee for another department through the admin.
        if db_field.related_model is Department and not is_administrator(request.user):
            kwargs["queryset"] = Department.objects.all().editable_by(request.user)
        elif db_field.related_model is Person:
            kwargs["queryset"] = Person.objects.visible_to(request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)  # type: ignore[misc]


class ScopedHistoryAdmin(ScopedAdminMixin, SimpleHistoryAdmin):
    pass


class ScopedAdmin(ScopedAdminMixin, admin.ModelAdmin):  # type: ignore[type-arg]
    pass
