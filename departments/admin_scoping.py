"""Admin base classes that apply the same department scoping as the pages.

The admin site admits administrators only (training_monitor.admin_site), who may use
every department. The scoping here is the second line: should the site ever let
somebody else in, every list, lookup and form still keeps to what that user may see
and change, and a forged POST cannot write into another department.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django import forms
from django.contrib import admin
from django.contrib.auth.models import AnonymousUser
from django.db import models
from django.forms.models import BaseInlineFormSet
from django.http import HttpRequest
from simple_history.admin import SimpleHistoryAdmin

from departments.access import is_administrator
from training_monitor.admin_history import ReadableHistoryHelper
from training_monitor.admin_site import make_formfield_safe, validate_upload_size

if TYPE_CHECKING:
    from django.contrib.auth.models import User


def scope_for(model: type[models.Model], user: User | AnonymousUser) -> models.QuerySet[Any] | None:
    """The rows of `model` that `user` may pick in a form, or None for unscoped models.

    A form writes, so a model that knows `editable_by` uses it; one that only knows
    `visible_to` (evaluations, interventions) uses that. Models without a department
    (suppliers, sessions, users) are not narrowed.
    """
    queryset: Any = model._default_manager.all()
    if hasattr(queryset, "editable_by"):
        return queryset.editable_by(user)
    if hasattr(queryset, "visible_to"):
        return queryset.visible_to(user)
    return None


class ScopedModelForm(forms.ModelForm[Any]):
    """Refuses, on save, a related object outside what `scope_user` may use.

    The admin narrows each choice list already; this checks the posted values again,
    so a list narrowed wrongly (or a widget that shows no list, such as a raw id)
    cannot let another department's object through. `scope_user` is set per request
    by ScopedFieldsMixin; a form without one refuses every scoped value.
    """

    scope_user: User | AnonymousUser | None = None

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        user = self.scope_user if self.scope_user is not None else AnonymousUser()
        for name, field in self.fields.items():
            if name in data and not _in_scope(field, data[name], user):
                self.add_error(
                    name,
                    forms.ValidationError(
                        forms.ModelChoiceField.default_error_messages["invalid_choice"],
                        code="invalid_choice",
                    ),
                )
        return data


def _in_scope(field: forms.Field, value: Any, user: User | AnonymousUser) -> bool:
    model = getattr(getattr(field, "queryset", None), "model", None)
    if model is None or value is None:
        return True
    scoped = scope_for(model, user)
    if scoped is None:
        return True
    many = isinstance(field, forms.ModelMultipleChoiceField)
    pks = {obj.pk for obj in value} if many else {value.pk}
    return not pks or scoped.filter(pk__in=pks).count() == len(pks)


class ScopedFieldsMixin:
    """Every ForeignKey and ManyToMany choice narrowed to what the user may use.

    Also size-checks every uploaded file before the admin stores it. For a ModelAdmin
    or an inline; its form must be a ScopedModelForm (the default here).
    """

    form: type[forms.ModelForm[Any]] = ScopedModelForm

    def get_field_queryset(
        self, db: str | None, db_field: models.Field[Any, Any], request: HttpRequest
    ) -> models.QuerySet[Any] | None:
        # Used by the admin for every ForeignKey and ManyToMany form field.
        ordered = super().get_field_queryset(db, db_field, request)  # type: ignore[misc]
        related = db_field.related_model
        scoped = scope_for(related, request.user) if isinstance(related, type) else None
        if scoped is None:
            return ordered
        if ordered is not None and ordered.query.order_by:
            scoped = scoped.order_by(*ordered.query.order_by)
        return scoped

    def formfield_for_dbfield(
        self, db_field: models.Field[Any, Any], request: HttpRequest, **kwargs: Any
    ) -> forms.Field | None:
        formfield: forms.Field | None = super().formfield_for_dbfield(  # type: ignore[misc]
            db_field, request, **kwargs
        )
        if isinstance(db_field, models.FileField) and formfield is not None:
            formfield.validators = [*formfield.validators, validate_upload_size]
        make_formfield_safe(formfield)
        return formfield

    def get_form(
        self, request: HttpRequest, obj: Any = None, change: bool = False, **kwargs: Any
    ) -> Any:
        form = super().get_form(request, obj, change=change, **kwargs)  # type: ignore[misc]
        return _with_scope_user(form, request)

    def get_formset(self, request: HttpRequest, obj: Any = None, **kwargs: Any) -> Any:
        formset = super().get_formset(request, obj, **kwargs)  # type: ignore[misc]
        formset.form = _with_scope_user(formset.form, request)
        return formset


def _with_scope_user(form: Any, request: HttpRequest) -> Any:
    if not issubclass(form, ScopedModelForm):
        raise TypeError(f"{form.__name__} must be a ScopedModelForm")
    # The admin builds a new form class for each request, so this user stays its own.
    form.scope_user = request.user
    return form


class ScopedAdminMixin(ScopedFieldsMixin):
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


class LabelledInlineFormSet(BaseInlineFormSet):  # type: ignore[type-arg]
    """A tabular inline's row has no <label>s: each field is named by its column
    (aria-label) and described by the column's help text, which the project's
    admin/edit_inline/tabular.html renders with this id."""

    def add_fields(self, form: Any, index: int | None) -> None:
        super().add_fields(form, index)
        for name, field in form.fields.items():
            # The widget itself, also inside the admin's wrapper (related-object links).
            attrs = getattr(field.widget, "widget", field.widget).attrs
            attrs.setdefault("aria-label", str(field.label or name))
            if field.help_text:
                attrs.setdefault("aria-describedby", f"{self.prefix}-{name}-help")


class ScopedInline(ScopedFieldsMixin):
    """For inlines: narrowed choices, and rows only under a parent the user may change."""

    formset: type[BaseInlineFormSet] = LabelledInlineFormSet  # type: ignore[type-arg]

    def _parent_editable(self, request: HttpRequest, obj: models.Model | None) -> bool:
        if obj is None or is_administrator(request.user):
            return True
        scoped = scope_for(type(obj), request.user)
        return scoped is None or scoped.filter(pk=obj.pk).exists()

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        allowed: bool = super().has_add_permission(request, obj)  # type: ignore[misc]
        return allowed and self._parent_editable(request, obj)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        allowed: bool = super().has_change_permission(request, obj)  # type: ignore[misc]
        return allowed and self._parent_editable(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        allowed: bool = super().has_delete_permission(request, obj)  # type: ignore[misc]
        return allowed and self._parent_editable(request, obj)


class ScopedHistoryAdmin(ScopedAdminMixin, SimpleHistoryAdmin):
    def revert_disabled(self, request: HttpRequest, obj: Any = None) -> bool:
        # Reverting saves an old version directly: it would skip the services (and the
        # enforcement rule) that every change goes through.
        return True

    def get_historical_record_context_helper(
        self, request: HttpRequest, historical_record: Any
    ) -> ReadableHistoryHelper:
        # "Gepland → Bevestigd", not the stored "planned → confirmed".
        return ReadableHistoryHelper(self.model, historical_record)


class ScopedAdmin(ScopedAdminMixin, admin.ModelAdmin):  # type: ignore[type-arg]
    pass


class ScopedFieldsAdmin(ScopedFieldsMixin, admin.ModelAdmin):  # type: ignore[type-arg]
    """For models without a department of their own (suppliers, sessions, imports)."""
