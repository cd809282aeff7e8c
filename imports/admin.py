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
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from departments.admin_scoping import ScopedFieldsAdmin, ScopedInline, ScopedModelForm
from imports.models import ImportBatch, ImportProfile, ImportRow
from imports.reading.fields import FIELD_LABELS, Field
from imports.services import (
    ImportNotAllowed,
    attendance_import_preview_queue,
    import_batch_create,
    import_batch_discard,
    import_file_delete,
)
from training_monitor.admin_display import pairs_table, rows_table

# An import's counts, in the order and with the words of the import page.
COUNT_LABELS = {
    "total": _("Rows"),
    "new": _("New"),
    "updated": _("Updated"),
    "unchanged": _("Unchanged"),
    "review": _("Held for review"),
    "rejected": _("Error in the row"),
    "skipped": _("Skipped (no participant)"),
}
MATCHED_BY = {
    "employee_number": _("by employee number"),
    "email": _("by email address"),
    "name": _("by name"),
}


def counts_table(counts: dict[str, Any]) -> Any:
    known = [(label, counts[key]) for key, label in COUNT_LABELS.items() if key in counts]
    other = [(key, value) for key, value in counts.items() if key not in COUNT_LABELS]
    return pairs_table(caption=_("Rows by outcome"), pairs=[*known, *other])


def problems_table(problems: list[dict[str, Any]]) -> Any:
    return rows_table(
        caption=_("Problems"),
        headers=[_("Row"), _("Column"), _("Problem")],
        rows=[(p.get("row"), p.get("column"), p.get("message")) for p in problems],
    )


def _skipped_rows(skipped: dict[str, Any]) -> str:
    first, last = skipped.get("row"), skipped.get("last_row")
    return f"{first}–{last}" if last not in (None, first) else str(first)


def values_table(values: dict[str, Any]) -> Any:
    """A held row's parsed values (by field) or an applied row's match."""
    match = values.get("match")
    if isinstance(match, dict):
        return pairs_table(caption=_("values"), pairs=_match_pairs(match))
    labels = {str(field): capfirst(label) for field, label in FIELD_LABELS.items()}
    return pairs_table(
        caption=_("values"), pairs=[(labels.get(key, key), value) for key, value in values.items()]
    )


def _match_pairs(match: dict[str, Any]) -> list[tuple[Any, Any]]:
    person = match.get("person_name") or ""
    if match.get("person") == "new":
        person = f"{_('new')}: {person}"
    elif match.get("person") in MATCHED_BY:
        person = f"{person} ({MATCHED_BY[match['person']]})"
    session = match.get("session_date") or ""
    if match.get("session") == "new":
        session = f"{_('new')}: {session}"
    return [(_("Person"), person), (_("Session"), session)]


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
    fields = ["row_number", "outcome", "problems_shown", "person", "resolution", "resolved_by"]
    readonly_fields = [
        "row_number",
        "outcome",
        "problems_shown",
        "person",
        "resolution",
        "resolved_by",
    ]
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

    @admin.display(description=_("problems"))
    def problems_shown(self, obj: ImportRow) -> Any:
        return problems_table(obj.problems)


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
        "counts_shown",
        "problems_shown",
        "skipped_rows_shown",
        "rows_done",
        "error",
    ]
    inlines = [ImportRowInline]
    actions = ["discard"]

    def get_fields(self, request: HttpRequest, obj: ImportBatch | None = None) -> Any:
        return self.add_fields if obj is None else self.readonly_fields

    # The JSON fields as small tables, with the import page's words.
    @admin.display(description=_("counts"))
    def counts_shown(self, obj: ImportBatch) -> Any:
        return counts_table(obj.counts)

    @admin.display(description=_("problems"))
    def problems_shown(self, obj: ImportBatch) -> Any:
        return problems_table(obj.problems)

    @admin.display(description=_("skipped rows"))
    def skipped_rows_shown(self, obj: ImportBatch) -> Any:
        return rows_table(
            caption=_("Rows skipped: no participants"),
            headers=[_("Row"), _("Why"), _("Content")],
            rows=[(_skipped_rows(r), r.get("message"), r.get("text")) for r in obj.skipped_rows],
        )

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
        "raw_shown",
        "data_shown",
        "problems_shown",
        "completion",
        "resolved_by",
        "resolved_at",
    ]

    def get_readonly_fields(self, request: HttpRequest, obj: ImportRow | None = None) -> Any:
        return [] if obj is None else self.change_readonly_fields

    def get_fields(self, request: HttpRequest, obj: ImportRow | None = None) -> Any:
        # On a stored row the JSON fields are shown as tables (the *_shown fields).
        json_fields = () if obj is None else ("raw", "data", "problems")
        return [name for name in super().get_fields(request, obj) if name not in json_fields]

    @admin.display(description=_("cells"))
    def raw_shown(self, obj: ImportRow) -> Any:
        return pairs_table(caption=_("cells"), pairs=obj.raw.items())

    @admin.display(description=_("values"))
    def data_shown(self, obj: ImportRow) -> Any:
        return values_table(obj.data)

    @admin.display(description=_("problems"))
    def problems_shown(self, obj: ImportRow) -> Any:
        return problems_table(obj.problems)
