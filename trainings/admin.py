from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.db import models
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from import_export.admin import ImportExportMixin
from import_export.forms import ImportForm

from departments.access import is_administrator
from departments.admin_scoping import (
    ScopedAdmin,
    ScopedFieldsAdmin,
    ScopedHistoryAdmin,
    ScopedModelForm,
)
from departments.touched import FiguresTouchingAdmin, Touch
from training_monitor.admin_site import validate_upload_size
from trainings.models import (
    TAKEN_STATUSES,
    CompletionStatus,
    Evaluation,
    Supplier,
    Tender,
    TrainingCompletion,
    TrainingProgramme,
    TrainingSession,
    WaitlistEntry,
)
from trainings.resources import TrainingCompletionResource
from trainings.services import registration_cancel, waitlist_join
from trainings.touched import SessionsTouchingAdmin


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


def _https_formfield(field: models.Field[Any, Any], **kwargs: Any) -> forms.Field | None:
    # An online link typed without a scheme is a web address: https, as Django 6 will assume.
    if isinstance(field, models.URLField):
        kwargs.setdefault("assume_scheme", "https")
    return field.formfield(**kwargs)


class TrainingSessionForm(ScopedModelForm):
    """Refuses a capacity below the places already taken (registered or attended)."""

    class Meta:
        model = TrainingSession
        fields = "__all__"
        formfield_callback = _https_formfield

    def clean_capacity(self) -> int | None:
        capacity: int | None = self.cleaned_data.get("capacity")
        if capacity is None or self.instance.pk is None:
            return capacity
        taken = self.instance.taken_count()
        if capacity < taken:
            raise forms.ValidationError(
                _(
                    "%(taken)d places are taken already: the capacity cannot be lower. "
                    "Cancel registrations first."
                )
                % {"taken": taken}
            )
        return capacity


@admin.register(TrainingSession)
class TrainingSessionAdmin(SessionsTouchingAdmin, FiguresTouchingAdmin, ScopedFieldsAdmin):
    form = TrainingSessionForm
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}  # as the form's
    list_display = [
        "date",
        "starts_at",
        "supplier",
        "programme",
        "place",
        "is_online",
        "department",
        "capacity",
        "places_taken",
        "cancelled",
    ]
    list_filter = ["supplier", "is_online", "cancelled", "tender", "department"]
    list_select_related = ["supplier", "programme", "department"]
    fields = [
        "supplier",
        "programme",
        "tender",
        "department",
        "date",
        "starts_at",
        "ends_at",
        "place",
        "is_online",
        "online_link",
        "capacity",
        "external_id",
        "cancelled",
        "entered_by_hand",
    ]

    def get_queryset(self, request: HttpRequest) -> QuerySet[TrainingSession]:
        queryset: QuerySet[TrainingSession] = super().get_queryset(request)
        return queryset.with_places_left()  # type: ignore[attr-defined]

    @admin.display(description=_("places taken"), ordering="places_taken")
    def places_taken(self, obj: TrainingSession) -> int:
        return int(getattr(obj, "places_taken", 0))

    search_fields = ["place", "external_id", "programme__name"]
    date_hierarchy = "date"

    def touches(self, obj: TrainingSession) -> Touch:
        # A new date or a cancellation changes who was trained when.
        people = obj.completions.values_list("person", flat=True) if obj.pk else []
        return Touch(obj.date, None, people=list(people))

    def touched_session(self, obj: TrainingSession) -> TrainingSession:
        return obj


class SizeCheckedImportForm(ImportForm):
    """django-import-export's import form, refusing a file over the upload limit.

    The import page writes the upload to its temporary storage as soon as the form is
    valid, so the size must be checked here rather than when the file is read.
    """

    def clean_import_file(self) -> Any:
        upload = self.cleaned_data["import_file"]
        validate_upload_size(upload)
        return upload


class TrainingCompletionForm(ScopedModelForm):
    """Refuses giving a cancelled place back by hand: that would skip the capacity check,
    the waiting list and the invitation. Registering again on the committee page does not."""

    class Meta:
        model = TrainingCompletion
        fields = "__all__"

    def clean_status(self) -> str:
        status: str = self.cleaned_data["status"]
        was = self.initial.get("status") if self.instance.pk else None
        if was == CompletionStatus.CANCELLED and status == CompletionStatus.REGISTERED:
            raise forms.ValidationError(
                _(
                    "A cancelled place cannot be given back here. Register the person again "
                    "on the committee page: that checks the places left and sends the "
                    "invitation."
                ),
                code="register_again",
            )
        return status


@admin.register(TrainingCompletion)
class TrainingCompletionAdmin(
    SessionsTouchingAdmin, FiguresTouchingAdmin, ImportExportMixin, ScopedHistoryAdmin
):
    """Completions with django-import-export's import (administrators) and export.

    The export holds only the rows the changelist shows the user: `get_queryset` is
    scoped, and the resource narrows the queryset again with the exporting user.
    """

    form = TrainingCompletionForm
    list_display = ["person", "session", "status", "source"]
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
        "status_changed_at",
        "status_changed_by",
    ]
    list_select_related = ["person", "session", "session__supplier"]
    search_fields = ["person__last_name", "person__employee_number", "person__email"]
    autocomplete_fields = ["person"]
    raw_id_fields = ["session"]
    resource_classes = [TrainingCompletionResource]
    import_form_class = SizeCheckedImportForm

    def touches(self, obj: TrainingCompletion) -> Touch:
        return Touch(obj.session.date, None, people=[obj.person_id])

    def touched_session(self, obj: TrainingCompletion) -> TrainingSession:
        return obj.session

    def get_resource_kwargs(self, request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        return {**kwargs, "user": request.user}

    # A registration set to cancelled here is cancelled by the same service as on the
    # pages: the waiting list moves up and the e-mails go out. committees/admin.py
    # registers this admin again with the committees' service, which also tells the O&P
    # staff of a confirmed committee that relied on the registration.
    cancel_registration: Callable[..., Any] = staticmethod(registration_cancel)

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        if (
            change
            and "status" in form.changed_data
            and form.initial.get("status") == CompletionStatus.REGISTERED
            and obj.status == CompletionStatus.CANCELLED
        ):
            # The other edits first, as a registration; then the cancellation itself.
            obj.status = CompletionStatus.REGISTERED
            super().save_model(request, obj, form, change)
            cancellation = self.cancel_registration(completion=obj, user=request.user)
            obj.refresh_from_db()
            if cancellation.promoted is not None:
                messages.info(
                    request,
                    _("%(name)s moved up from the waiting list into the place.")
                    % {"name": cancellation.promoted.person.full_name},
                )
            return
        # A status changed here records when, as the import and hand entry do: late
        # cancellations are measured from it.
        if "status" in form.changed_data:
            obj.status_changed_at = timezone.now()
            obj.status_changed_by = request.user
        super().save_model(request, obj, form, change)

    def get_export_queryset(self, request: HttpRequest) -> QuerySet[TrainingCompletion]:
        queryset: QuerySet[TrainingCompletion] = super().get_export_queryset(request)
        return queryset.visible_to(request.user)  # type: ignore[attr-defined]

    def has_import_permission(self, request: HttpRequest) -> bool:
        # Imports change every department's data: administrators only.
        return is_administrator(request.user) and self.has_add_permission(request)

    def has_export_permission(self, request: HttpRequest) -> bool:
        return self.has_view_permission(request)


@admin.register(Evaluation)
class EvaluationAdmin(SessionsTouchingAdmin, ScopedAdmin):
    list_display = ["session", "person", "score", "scale", "response_count"]
    list_filter = ["scale", "session__supplier"]
    list_select_related = ["session", "session__supplier", "person"]
    search_fields = ["person__last_name", "session__place"]
    raw_id_fields = ["session"]
    autocomplete_fields = ["person"]

    def touched_session(self, obj: Evaluation) -> TrainingSession:
        return obj.session


class WaitlistEntryForm(ScopedModelForm):
    """Putting someone on a waiting list by hand: only for a full, upcoming session."""

    class Meta:
        model = WaitlistEntry
        fields = ["session", "person"]

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        session, person = data.get("session"), data.get("person")
        if session is None or person is None:
            return data
        open_session = (
            TrainingSession.objects.upcoming().with_places_left().filter(pk=session.pk).first()
        )
        if open_session is None:
            raise forms.ValidationError(_("Only an upcoming session has a waiting list."))
        if open_session.capacity is None or getattr(open_session, "places_left", 0) > 0:
            raise forms.ValidationError(
                _("This session still has places: register the person instead.")
            )
        if session.completions.filter(person=person, status__in=TAKEN_STATUSES).exists():
            raise forms.ValidationError(_("This person already has a place in this session."))
        return data


@admin.register(WaitlistEntry)
class WaitlistEntryAdmin(ScopedAdmin):
    """Who waits for which session. A new entry goes through trainings.services (as on the
    pages), so the list keeps its order; people move up when a place comes free."""

    form = WaitlistEntryForm
    list_display = ["session", "person", "created_at", "created_by"]
    list_select_related = ["session", "session__supplier", "person", "created_by"]
    search_fields = ["person__last_name", "person__email"]
    raw_id_fields = ["session"]
    autocomplete_fields = ["person"]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        if obj is not None and obj.pk:
            return ["session", "person", "created_at", "created_by"]
        return []

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        if change:
            return
        place = waitlist_join(person=obj.person, session=obj.session, user=request.user)
        if place.waitlist_entry is not None:
            obj.pk = place.waitlist_entry.pk
            obj.created_at = place.waitlist_entry.created_at
            obj.created_by = place.waitlist_entry.created_by


# --- attendance imports ----------------------------------------------------------------
