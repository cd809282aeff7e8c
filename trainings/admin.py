from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from import_export.admin import ImportExportMixin
from import_export.forms import ImportForm

from departments.access import is_administrator
from departments.admin_scoping import (
    ScopedAdmin,
    ScopedFieldsAdmin,
    ScopedHistoryAdmin,
    ScopedInline,
    ScopedModelForm,
)
from training_monitor.admin_site import validate_upload_size
from trainings.imports.fields import Field
from trainings.models import (
    Evaluation,
    ImportBatch,
    ImportProfile,
    ImportRow,
    Supplier,
    Tender,
    TrainingCompletion,
    TrainingProgramme,
    TrainingSession,
)
from trainings.resources import TrainingCompletionResource
from trainings.services import (
    ImportNotAllowed,
    attendance_import_preview_queue,
    import_batch_create,
    import_batch_discard,
    import_file_delete,
)


@admin.register(Supplier)
class SupplierAdmin(ScopedFieldsAdmin):
    list_display = ["code", "name", "contact_email"]
    search_fields = ["code", "name"]


@admin.register(Tender)
class TenderAdmin(ScopedFieldsAdmin):
    list_display = ["name", "lot", "starts_on", "ends_on"]
    list_filter = ["suppliers"]
    search_fields = ["name", "lot"]
    filter_horizontal = ["suppliers", "departments"]


@admin.register(TrainingProgramme)
class TrainingProgrammeAdmin(ScopedFieldsAdmin):
    list_display = ["name", "version", "supplier"]
    list_filter = ["supplier"]
    list_select_related = ["supplier"]
    search_fields = ["name", "version"]


@admin.register(TrainingSession)
class TrainingSessionAdmin(ScopedFieldsAdmin):
    list_display = ["date", "supplier", "programme", "place", "is_online", "capacity", "cancelled"]
    list_filter = ["supplier", "is_online", "cancelled", "tender"]
    list_select_related = ["supplier", "programme"]
    search_fields = ["place", "external_id", "programme__name"]
    date_hierarchy = "date"


class SizeCheckedImportForm(ImportForm):
    """django-import-export's import form, refusing a file over the upload limit.

    The import page writes the upload to its temporary storage as soon as the form is
    valid, so the size must be checked here rather than when the file is read.
    """

    def clean_import_file(self) -> Any:
        upload = self.cleaned_data["import_file"]
        validate_upload_size(upload)
        return upload


@admin.register(TrainingCompletion)
class TrainingCompletionAdmin(ImportExportMixin, ScopedHistoryAdmin):
    """Completions with django-import-export's import (administrators) and export.

    The export holds only the rows the changelist shows the user: `get_queryset` is
    scoped, and the resource narrows the queryset again with the exporting user.
    """

    list_display = ["person", "session", "status", "source", "import_batch"]
    list_filter = ["status", "source", "session__supplier", "person__department"]
    # Hand entries are entered and confirmed on their pages, through trainings.hand_entry,
    # so that the four-eyes rule holds; the admin only shows who did what.
    readonly_fields = [
        "source",
        "entered_by",
        "entered_at",
        "evidence_note",
        "confirmed_by",
        "confirmed_at",
    ]
    list_select_related = ["person", "session", "session__supplier", "import_batch"]
    search_fields = ["person__last_name", "person__employee_number", "person__email"]
    autocomplete_fields = ["person"]
    raw_id_fields = ["session", "import_batch"]
    resource_classes = [TrainingCompletionResource]
    import_form_class = SizeCheckedImportForm

    def get_resource_kwargs(self, request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        return {**kwargs, "user": request.user}

    def get_export_queryset(self, request: HttpRequest) -> QuerySet[TrainingCompletion]:
        queryset: QuerySet[TrainingCompletion] = super().get_export_queryset(request)
        return queryset.visible_to(request.user)  # type: ignore[attr-defined]

    def has_import_permission(self, request: HttpRequest) -> bool:
        # Imports change every department's data: administrators only.
        return is_administrator(request.user) and self.has_add_permission(request)

    def has_export_permission(self, request: HttpRequest) -> bool:
        return self.has_view_permission(request)


@admin.register(Evaluation)
class EvaluationAdmin(ScopedAdmin):
    list_display = ["session", "person", "score", "scale", "response_count"]
    list_filter = ["scale", "session__supplier"]
    list_select_related = ["session", "session__supplier", "person"]
    search_fields = ["person__last_name", "session__place"]
    raw_id_fields = ["session"]
    autocomplete_fields = ["person"]


# --- attendance imports ----------------------------------------------------------------


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
