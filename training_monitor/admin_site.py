"""The Django admin of Training Monitor: for active administrators only.

O&P staff and the programme bureau work on the pages, which apply the enforcement
rule and the department scoping in one place. A user who was given is_staff by
mistake still gets no admin page: the site asks for the administrator role.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.conf import settings
from django.contrib import admin
from django.contrib.admin.widgets import AutocompleteMixin
from django.core.exceptions import ValidationError
from django.core.files import File
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from departments.access import is_administrator
from training_monitor.form_fields import BoundedModelMultipleChoiceField, usable_pk

# Room for the other fields of a multipart form next to the file.
FORM_OVERHEAD_BYTES = 1024 * 1024


def upload_limit() -> int:
    """The same limit as the import pages (IMPORT_MAX_UPLOAD_BYTES)."""
    # Read from the settings, not through the import code: departments' admin uses this,
    # and the ground floor must not reach the import machinery, even indirectly.
    return int(settings.IMPORT_MAX_UPLOAD_BYTES)


def validate_upload_size(upload: File[Any] | None) -> None:
    """Refuse a file over the limit before the admin stores it anywhere."""
    if upload is None:
        return
    limit = upload_limit()
    if upload.size is not None and upload.size > limit:
        raise ValidationError(
            _("The file is larger than %(limit)s MB."),
            code="file_too_large",
            params={"limit": limit // (1024 * 1024)},
        )


class SafeAutocompleteMixin(AutocompleteMixin):
    """Django's autocomplete widget looks the posted value up to show it again; a
    malformed value ("abc", a 25-digit id) would crash that lookup with a 500. Such a
    value is left out of the lookup: the form shows its own "choose a valid option"."""

    def optgroups(self, name: str, value: Any, attr: Any = None) -> Any:
        remote = self.field.remote_field
        target = remote.model._meta.get_field(remote.field_name)
        usable = [v for v in value if v in ("", None) or usable_pk(target, v)]
        return super().optgroups(name, usable, attr)


class SafeAutocompleteSelect(SafeAutocompleteMixin, forms.Select):
    pass


class SafeAutocompleteSelectMultiple(SafeAutocompleteMixin, forms.SelectMultiple):
    pass


def make_formfield_safe(formfield: forms.Field | None) -> None:
    """Make an admin form field refuse malformed ids with a form error (in place): the
    autocomplete widget gets the safe one, a multiple choice field checks ids first."""
    if formfield is None:
        return
    if isinstance(formfield, forms.ModelMultipleChoiceField) and not isinstance(
        formfield, BoundedModelMultipleChoiceField
    ):
        formfield.__class__ = BoundedModelMultipleChoiceField
    widget = getattr(formfield.widget, "widget", formfield.widget)  # inside the wrapper
    if isinstance(widget, AutocompleteMixin) and not isinstance(widget, SafeAutocompleteMixin):
        multiple = isinstance(widget, forms.SelectMultiple)
        widget.__class__ = SafeAutocompleteSelectMultiple if multiple else SafeAutocompleteSelect


# Each crontab field, as Celery beat will parse it: (largest value, smallest value).
CRONTAB_FIELDS = {
    "minute": (60, 0),
    "hour": (24, 0),
    "day_of_week": (7, 0),
    "day_of_month": (31, 1),
    "month_of_year": (12, 1),
}


class CrontabForm(forms.ModelForm):  # type: ignore[type-arg]
    """django-celery-beat's crontab form, with every field also checked by Celery's own
    parser: the library's validator lets some values through ("-1" as an hour) that
    Celery then refuses with an error the admin does not catch (a server error)."""

    def clean(self) -> dict[str, Any]:
        from celery.schedules import ParseException, crontab_parser

        cleaned: dict[str, Any] = super().clean() or {}
        for name, (largest, smallest) in CRONTAB_FIELDS.items():
            value = cleaned.get(name)
            if value is None:
                continue
            try:
                crontab_parser(largest, smallest).parse(str(value))
            except (ParseException, ValueError) as error:
                self.add_error(name, ValidationError(str(error), code="invalid_crontab"))
        return cleaned


class TrainingMonitorAdminSite(admin.AdminSite):
    site_header = "Training Monitor"
    site_title = "Training Monitor"

    def register(self, model_or_iterable: Any, admin_class: Any = None, **options: Any) -> None:
        """As Django's, with the crontab admin of django-celery-beat given CrontabForm."""
        from django_celery_beat.models import CrontabSchedule

        models = (
            list(model_or_iterable)
            if isinstance(model_or_iterable, list | tuple)
            else [model_or_iterable]
        )
        if CrontabSchedule in models and admin_class is not None:
            admin_class = type(admin_class.__name__, (admin_class,), {"form": CrontabForm})
        super().register(model_or_iterable, admin_class, **options)

    def has_permission(self, request: HttpRequest) -> bool:
        # is_administrator is false for inactive users and true for superusers.
        return bool(request.user.is_active) and is_administrator(request.user)


class AdminUploadLimitMiddleware:
    """Refuse an admin upload far over the limit before its body is read.

    The CSRF check reads the form (and so writes every uploaded file to a temporary
    file) before any view runs; this middleware answers first, from the declared
    length. Smaller files over the limit are refused by the admin forms.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if self._too_large(request):
            return render(
                request,
                "admin/upload_too_large.html",
                {"limit": upload_limit() // (1024 * 1024)},
                status=413,
            )
        return self.get_response(request)

    @staticmethod
    def _too_large(request: HttpRequest) -> bool:
        if request.method != "POST" or not request.path.startswith(reverse("admin:index")):
            return False
        if not (request.content_type or "").startswith("multipart/"):
            return False
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            return False
        return length > upload_limit() + FORM_OVERHEAD_BYTES


def register_safe_crontab_admin() -> None:
    """django-celery-beat's crontab admin shows the schedule in words ("human_readable")
    also on a form with errors, and celery's parser raises on what the form refused
    ("-1" as a minute): a 500 instead of the form's own message. These words come from
    cron-descriptor alone, in the active language, and a dash for what it cannot read
    (training_monitor.admin_packages)."""
    from django.contrib import admin
    from django_celery_beat.admin import CrontabScheduleAdmin
    from django_celery_beat.models import CrontabSchedule

    from training_monitor.admin_packages import crontab_in_words, task_inline

    class SafeCrontabScheduleAdmin(CrontabScheduleAdmin):
        fields = ("schedule_in_words", *CrontabScheduleAdmin.fields[1:])
        readonly_fields = ("schedule_in_words",)
        list_display = ("__str__", "schedule_in_words")
        inlines = [task_inline()]

        @admin.display(description=_("Schedule in words"))
        def schedule_in_words(self, obj: CrontabSchedule) -> str:
            return crontab_in_words(obj)

    if admin.site.is_registered(CrontabSchedule):
        admin.site.unregister(CrontabSchedule)
    admin.site.register(CrontabSchedule, SafeCrontabScheduleAdmin)
