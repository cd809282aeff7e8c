from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.db import models
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from departments.access import is_administrator, is_programme_bureau
from departments.admin_scoping import ScopedFieldsAdmin, ScopedInline
from reports.forms import QuarterField
from reports.models import (
    Intervention,
    ReportFile,
    ReportJob,
    ReportSnapshot,
    SelfReportedFigures,
    Trigger,
)
from reports.quarters import quarter_label
from reports.services import job_request, report_compile


def _reports_staff(request: HttpRequest) -> bool:
    return is_administrator(request.user) or is_programme_bureau(request.user)


class QuarterListFilter(admin.SimpleListFilter):
    """The quarters present in the list, as people read them; the query keeps the code."""

    title = _("quarter")
    parameter_name = "quarter"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        codes = (
            model_admin.get_queryset(request)
            .order_by("-quarter")
            .values_list("quarter", flat=True)
            .distinct()
        )
        return [(code, quarter_label(code)) for code in codes]

    def queryset(self, request: HttpRequest, queryset: Any) -> Any:
        return queryset.filter(quarter=self.value()) if self.value() else queryset


class ReportsAdminMixin:
    """Access by role (administrators and the programme bureau), like the reports pages.

    The bureau keeps the intervention log and the self-reported figures; snapshots and
    jobs are read-only for everyone.
    """

    editable = True

    def formfield_for_dbfield(
        self, db_field: models.Field[Any, Any], request: HttpRequest, **kwargs: Any
    ) -> forms.Field | None:
        # Quarters get the same check as on the reports pages: ended, and with data.
        if db_field.name == "quarter":
            return QuarterField(label=db_field.verbose_name)
        return super().formfield_for_dbfield(db_field, request, **kwargs)  # type: ignore[misc]

    @admin.display(description=_("quarter"), ordering="quarter")
    def quarter_shown(self, obj: Any) -> str:
        """The quarter as people read it ("3e kwartaal 2026"); stored as 2026Q3."""
        return quarter_label(obj.quarter)

    def get_exclude(self, request: HttpRequest, obj: Any = None) -> Any:
        # A stored snapshot or job shows `quarter_shown` instead (read-only); the add
        # form asks for the quarter itself.
        excluded = list(super().get_exclude(request, obj) or [])  # type: ignore[misc]
        if obj is not None and not self.editable:
            excluded.append("quarter")
        return excluded

    def has_module_permission(self, request: HttpRequest) -> bool:
        return _reports_staff(request)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return _reports_staff(request)

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return self.editable and _reports_staff(request)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self.editable and _reports_staff(request)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self.editable and _reports_staff(request)


@admin.register(Intervention)
class InterventionAdmin(ReportsAdminMixin, ScopedFieldsAdmin):
    list_display = ["date", "kind", "description"]
    list_filter = ["kind", "departments"]
    search_fields = ["description"]
    filter_horizontal = ["departments"]
    date_hierarchy = "date"

    def get_queryset(self, request: HttpRequest) -> Any:
        return Intervention.objects.visible_to(request.user)

    def save_model(self, request: HttpRequest, obj: Intervention, form: Any, change: bool) -> None:
        if not change:
            obj.created_by = request.user  # type: ignore[assignment]
        super().save_model(request, obj, form, change)


@admin.register(SelfReportedFigures)
class SelfReportedFiguresAdmin(ReportsAdminMixin, ScopedFieldsAdmin):
    list_display = [
        "department",
        "quarter_shown",
        "committees",
        "compliant_committees",
        "memberships",
        "trained_memberships",
        "people_trained",
        "entered_at",
    ]
    list_filter = [QuarterListFilter, "department"]
    search_fields = ["department__code", "department__name_nl", "quarter"]
    list_select_related = ["department"]
    readonly_fields = ["entered_by", "entered_at"]

    def get_queryset(self, request: HttpRequest) -> Any:
        return SelfReportedFigures.objects.visible_to(request.user).select_related("department")

    def save_model(
        self, request: HttpRequest, obj: SelfReportedFigures, form: Any, change: bool
    ) -> None:
        obj.entered_by = request.user  # type: ignore[assignment]
        super().save_model(request, obj, form, change)


class ReportFileInline(ScopedInline, admin.TabularInline[ReportFile, ReportSnapshot]):
    model = ReportFile
    fields = ["format", "language", "renderer_version", "size"]
    readonly_fields = ["format", "language", "renderer_version", "size"]
    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(ReportSnapshot)
class ReportSnapshotAdmin(ReportsAdminMixin, ScopedFieldsAdmin):
    """Snapshots are frozen; "add" compiles a quarter (or returns the unchanged one)."""

    editable = False

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return _reports_staff(request)

    def get_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        return ["kind", "quarter"] if obj is None else super().get_fields(request, obj)

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        return [] if obj is None else super().get_readonly_fields(request, obj)

    def get_inlines(self, request: HttpRequest, obj: Any) -> Any:
        return [] if obj is None else super().get_inlines(request, obj)

    def save_model(
        self, request: HttpRequest, obj: ReportSnapshot, form: Any, change: bool
    ) -> None:
        snapshot, _created = report_compile(
            kind=obj.kind, quarter=obj.quarter, requested_by=request.user, trigger=Trigger.PAGE
        )
        # The admin goes on with `obj`: make it the stored snapshot instead of saving it.
        obj.__dict__.update({k: v for k, v in snapshot.__dict__.items() if k != "_state"})
        obj._state.adding = False

    list_display = ["quarter_shown", "kind", "version", "created_at", "trigger", "requested_by"]
    list_filter = ["kind", QuarterListFilter, "trigger"]
    search_fields = ["quarter", "content_hash"]
    list_select_related = ["requested_by"]
    exclude = ["data"]
    readonly_fields = [
        "kind",
        "quarter_shown",
        "version",
        "content_hash",
        "created_at",
        "requested_by",
        "trigger",
        "previous",
    ]
    inlines = [ReportFileInline]


@admin.register(ReportJob)
class ReportJobAdmin(ReportsAdminMixin, ScopedFieldsAdmin):
    """Jobs are read-only; "add" asks for a compile, queued after the commit."""

    editable = False

    list_display = ["created_at", "quarter_shown", "kind", "shown_status", "progress", "trigger"]
    list_filter = ["status", "kind", "trigger"]
    search_fields = ["quarter", "message"]
    list_select_related = ["requested_by"]
    readonly_fields = [
        "kind",
        "quarter_shown",
        "status",
        "progress",
        "message",
        "requested_by",
        "trigger",
        "snapshots",
        "attempts",
        "created_at",
        "started_at",
        "finished_at",
    ]

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return _reports_staff(request)

    @admin.display(description=_("status"), ordering="status")
    def shown_status(self, obj: ReportJob) -> str:
        # "Stopped" is not stored: a running job past its time limit (ReportJob.is_stopped).
        return obj.status_label

    def get_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        return ["kind", "quarter"] if obj is None else super().get_fields(request, obj)

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        return [] if obj is None else super().get_readonly_fields(request, obj)

    def save_model(self, request: HttpRequest, obj: ReportJob, form: Any, change: bool) -> None:
        # The same service as the reports page: a repeat request joins the active job.
        job, _created = job_request(
            kind=obj.kind, quarter=obj.quarter, requested_by=request.user, trigger=Trigger.PAGE
        )
        obj.__dict__.update({k: v for k, v in job.__dict__.items() if k != "_state"})
        obj._state.adding = False
