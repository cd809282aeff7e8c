from __future__ import annotations

from django.contrib import admin

from departments.admin_scoping import ScopedAdmin, ScopedHistoryAdmin
from trainings.models import (
    Evaluation,
    Supplier,
    Tender,
    TrainingCompletion,
    TrainingProgramme,
    TrainingSession,
)


@admin.register(Supplier)
class SupplierAdmin(admin.ModelAdmin[Supplier]):
    list_display = ["code", "name", "contact_email"]
    search_fields = ["code", "name"]


@admin.register(Tender)
class TenderAdmin(admin.ModelAdmin[Tender]):
    list_display = ["name", "lot", "starts_on", "ends_on"]
    list_filter = ["suppliers"]
    search_fields = ["name", "lot"]
    filter_horizontal = ["suppliers", "departments"]


@admin.register(TrainingProgramme)
class TrainingProgrammeAdmin(admin.ModelAdmin[TrainingProgramme]):
    list_display = ["name", "version", "supplier"]
    list_filter = ["supplier"]
    list_select_related = ["supplier"]
    search_fields = ["name", "version"]


@admin.register(TrainingSession)
class TrainingSessionAdmin(admin.ModelAdmin[TrainingSession]):
    list_display = ["date", "supplier", "programme", "place", "is_online", "capacity", "cancelled"]
    list_filter = ["supplier", "is_online", "cancelled", "tender"]
    list_select_related = ["supplier", "programme"]
    search_fields = ["place", "external_id", "programme__name"]
    date_hierarchy = "date"


@admin.register(TrainingCompletion)
class TrainingCompletionAdmin(ScopedHistoryAdmin):
    list_display = ["person", "session", "status"]
    list_filter = ["status", "session__supplier", "person__department"]
    list_select_related = ["person", "session", "session__supplier"]
    search_fields = ["person__last_name", "person__employee_number", "person__email"]
    autocomplete_fields = ["person"]
    raw_id_fields = ["session"]


@admin.register(Evaluation)
class EvaluationAdmin(ScopedAdmin):
    list_display = ["session", "person", "score", "scale", "response_count"]
    list_filter = ["scale", "session__supplier"]
    list_select_related = ["session", "session__supplier", "person"]
    search_fields = ["person__last_name", "session__place"]
    raw_id_fields = ["session"]
    autocomplete_fields = ["person"]
