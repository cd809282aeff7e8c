"""The attendance import in the admin: profiles, uploaded files and their rows.

Administrators only (departments.access); uploads go through the same services as the
/imports/ pages and the command.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from departments.admin_scoping import ScopedFieldsAdmin, ScopedInline, ScopedModelForm
from imports.models import ImportBatch, ImportProfile, ImportRow
from imports.reading.fields import Field
from imports.services import (
    ImportNotAllowed,
    attendance_import_preview_queue,
    import_batch_create,
    import_batch_discard,
    import_file_delete,
)


class ImportProfileAdminForm(ScopedModelForm):
    """The column mapping as the import reads it: {"their header": "field name"}."""

    class Meta:
        model = ImportProfile
        fields = "__all__"

    def clean_mapping(self) -> dict[str, str]:
        mapping = self.cleaned_data.get("mapping")
        if mapping in (None, ""):
            return {}
        known = {field.value for field in Field}
        if not isinstance(mapping, dict) or not all(
            isinstance(header, str) and isinstance(name, str) and (name == "" or name in known)
            for header, name in mapping.items()
        ):
            raise forms.ValidationError(
                _(
                    'Give the mapping as {"their header": "field name"}, with field names '
                    "from: %(fields)s. An empty field name ignores the column."
                ),
                params={"fields": ", ".join(sorted(known))},
            )
        return mapping


@admin.register(ImportProfile)
class ImportProfileAdmin(ScopedFieldsAdmin):
    form = ImportProfileAdminForm
    list_display = ["name", "supplier", "created_by", "created_at"]
    list_filter = ["supplier"]
    list_select_related = ["supplier", "created_by"]
    search_fields = ["name", "supplier__code", "supplier__name"]
    # The signature is set by the column-mapping step (and --map) from a file's headers;
    # edited by hand it would match no file.
    readonly_fields = ["signature", "created_by", "created_at"]

    def save_model(self, request: HttpRequest, obj: ImportProfile, form: Any, change: bool) -> None:
        if not change and request.user.is_authenticated:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)


class ImportRowInline(ScopedInline, admin.TabularInline[ImportRow, ImportBatch]):
    model = ImportRow
    fields = ["row_number", "outcome", "problems", "person", "resolution", "resolved_by"]
    readonly_fields = ["row_number", "outcome", "problems", "person", "resolution", "resolved_by"]
    can_delete = False
    extra = 0
    max_num = 0
    show_change_link = True

    def get_queryset(self, request: HttpRequest) -> QuerySet[ImportRow]:
        # Only the rows that need attention: a file may hold 100,000 applied rows.
        return (
            super()
            .get_queryset(request)
            .exclude(outcome__in=["new", "updated", "unchanged"])
            .select_related("person", "resolved_by")
        )


@admin.register(ImportBatch)
class ImportBatchAdmin(ScopedFieldsAdmin):
    """Imports: adding one uploads a file and previews it, as /imports/ does.

    The file's facts (name, size, SHA-256, who, when, counts, problems) are read-only;
    apply the file and work the review queue on /imports/.
    """

    list_display = ["file_name", "supplier", "status", "uploaded_by", "created_at", "applied_at"]
    list_filter = ["status", "supplier", "hold_invalid"]
    list_select_related = ["supplier", "uploaded_by"]
    search_fields = ["file_name", "sha256", "supplier__code", "supplier__name"]
    date_hierarchy = "created_at"
    add_fields = ["supplier", "profile", "department", "file", "sheet"]
    readonly_fields = [
        "supplier",
        "profile",
        "department",
        "file",
        "file_name",
        "file_size",
        "sha256",
        "sheet",
        "uploaded_by",
        "created_at",
        "applied_at",
        "status",
        "hold_invalid",
        "duplicate_of",
        "score_scale",
        "counts",
        "problems",
        "skipped_rows",
        "rows_done",
        "error",
    ]
    inlines = [ImportRowInline]
    actions = ["discard"]

    def get_fields(self, request: HttpRequest, obj: ImportBatch | None = None) -> Any:
        return self.add_fields if obj is None else self.readonly_fields

    def get_readonly_fields(self, request: HttpRequest, obj: ImportBatch | None = None) -> Any:
        return [] if obj is None else self.readonly_fields

    def get_inlines(self, request: HttpRequest, obj: ImportBatch | None) -> Any:
        return [] if obj is None else self.inlines

    def save_model(self, request: HttpRequest, obj: ImportBatch, form: Any, change: bool) -> None:
        if change:
            super().save_model(request, obj, form, change)
            return
        upload = form.cleaned_data["file"]
        batch = import_batch_create(
            file=upload,
            file_name=upload.name,
            supplier=obj.supplier,
            profile=obj.profile,
            sheet=obj.sheet,
            department=obj.department,
            user=request.user,
        )
        # Previewed in the worker, as from /imports/ (queued when the admin's transaction
        # commits): no request reads a whole file.
        attendance_import_preview_queue(batch=batch)
        obj.pk = batch.pk
        obj.refresh_from_db()

    # The same services as /imports/: the uploaded file goes with a discarded or deleted
    # batch (Django leaves files in storage when their record is deleted).
    @admin.action(description=_("Discard the selected files (not applied)"))
    def discard(self, request: HttpRequest, queryset: QuerySet[ImportBatch]) -> None:
        for batch in queryset:
            try:
                import_batch_discard(batch=batch, user=request.user)
            except ImportNotAllowed as refused:
                self.message_user(request, f"{batch}: {refused.message}", messages.WARNING)

    def delete_model(self, request: HttpRequest, obj: ImportBatch) -> None:
        import_file_delete(batch=obj)
        super().delete_model(request, obj)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[ImportBatch]) -> None:
        for batch in queryset:
            import_file_delete(batch=batch)
        super().delete_queryset(request, queryset)


@admin.register(ImportRow)
class ImportRowAdmin(ScopedFieldsAdmin):
    """Imported rows; correct, match or discard held rows in the review queue on /imports/."""

    list_display = ["batch", "row_number", "outcome", "person", "resolution", "resolved_at"]
    list_filter = ["outcome", "resolution", "batch__supplier"]
    list_select_related = ["batch", "batch__supplier", "person", "resolved_by"]
    search_fields = ["batch__file_name", "person__last_name", "person__employee_number"]
    raw_id_fields = ["batch", "person", "completion", "resolved_by"]
    change_readonly_fields = [
        "batch",
        "row_number",
        "outcome",
        "raw",
        "data",
        "problems",
        "completion",
        "resolved_by",
        "resolved_at",
    ]

    def get_readonly_fields(self, request: HttpRequest, obj: ImportRow | None = None) -> Any:
        return [] if obj is None else self.change_readonly_fields
