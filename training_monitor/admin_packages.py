"""The admin pages of Django's auth and of the packages, in the active language.

Their strings that go through gettext get Dutch from the project's catalog (locale/nl);
this module covers what does not: permission names, which Django stores in English
("Can add person"); django-axes' row names and status, written without gettext; and
django-celery-beat's schedule in words (cron-descriptor's Dutch, with Dutch month and day
names) and the labels it hard-codes ("Task Name", "Crontab translation"). Registered
again from training_monitor.apps, after every app's admin.
"""

from __future__ import annotations

import re
from typing import Any

from django.conf import settings
from django.contrib import admin, messages
from django.contrib.auth.admin import GroupAdmin, UserAdmin
from django.contrib.auth.models import Group, Permission, User
from django.db import models
from django.http import HttpRequest
from django.templatetags.static import static
from django.utils import timezone
from django.utils.dates import MONTHS, WEEKDAYS
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import get_language, gettext, ngettext
from django.utils.translation import gettext_lazy as _

# Django's default permissions: their codename's first word, and the admin's own word.
PERMISSION_ACTIONS = {
    "add": _("Add"),
    "change": _("Change"),
    "delete": _("Delete"),
    "view": _("View"),
}


def permission_label(permission: Permission) -> str:
    """ "Trainingen | trainingssessie | Wijzigen" instead of the stored English name."""
    model = permission.content_type.model_class()
    action, _sep, model_name = permission.codename.partition("_")
    if model is None or action not in PERMISSION_ACTIONS or model_name != model._meta.model_name:
        return f"{permission.content_type} | {gettext(permission.name)}"
    original = getattr(model, "instance_type", None)  # a django-simple-history model
    if original is not None:
        name = gettext("history of %(things)s") % {"things": original._meta.verbose_name_plural}
    else:
        name = str(model._meta.verbose_name)
    app = model._meta.app_config.verbose_name
    return f"{app} | {name} | {PERMISSION_ACTIONS[action]}"


def _with_permission_labels(formfield: Any) -> Any:
    queryset = getattr(formfield, "queryset", None)
    if queryset is not None and queryset.model is Permission:
        formfield.queryset = queryset.select_related("content_type")
        formfield.label_from_instance = permission_label
    return formfield


class LabelledGroupAdmin(GroupAdmin):
    def formfield_for_manytomany(self, db_field: Any, request: Any = None, **kwargs: Any) -> Any:
        formfield = super().formfield_for_manytomany(db_field, request, **kwargs)
        return _with_permission_labels(formfield)


class LabelledUserAdmin(UserAdmin):  # type: ignore[type-arg]
    def formfield_for_manytomany(self, db_field: Any, request: Any = None, **kwargs: Any) -> Any:
        formfield = super().formfield_for_manytomany(db_field, request, **kwargs)
        return _with_permission_labels(formfield)


# --- django-axes ------------------------------------------------------------------------


def _when(moment: Any) -> str:
    return date_format(timezone.localtime(moment), "DATETIME_FORMAT") if moment else "–"


def _attempt_name(attempt: Any) -> str:
    return gettext("Failed logins of %(user)s, last at %(time)s") % {
        "user": attempt.username,
        "time": _when(attempt.attempt_time),
    }


def _log_name(log: Any) -> str:
    return gettext("Login of %(user)s at %(time)s") % {
        "user": log.username,
        "time": _when(log.attempt_time),
    }


def _failure_name(failure: Any) -> str:
    text = gettext("Failed login of %(user)s at %(time)s from %(ip)s") % {
        "user": failure.username,
        "time": _when(failure.attempt_time),
        "ip": failure.ip_address,
    }
    return f"{text} ({gettext('Locked Out').lower()})" if failure.locked_out else text


def axes_admins() -> dict[type[models.Model], type[admin.ModelAdmin[Any]]]:
    """axes' admins with Dutch row names, status and clean-up message."""
    from axes.admin import AccessAttemptAdmin, AccessFailureLogAdmin, AccessLogAdmin
    from axes.conf import settings as axes_settings
    from axes.models import AccessAttempt, AccessFailureLog, AccessLog

    # The row names are in every title, breadcrumb and checkbox label of these pages.
    AccessAttempt.__str__ = _attempt_name
    AccessLog.__str__ = _log_name
    AccessFailureLog.__str__ = _failure_name

    def expires_instead(names: Any) -> list[Any]:
        # "expiration" is also a relation, whose English name the admin would show.
        return ["expires" if name == "expiration" else name for name in names]

    class AttemptAdmin(AccessAttemptAdmin):
        list_display = expires_instead(AccessAttemptAdmin.list_display)
        readonly_fields = expires_instead(AccessAttemptAdmin.readonly_fields)
        fieldsets = tuple(
            (name, {**options, "fields": tuple(expires_instead(options["fields"]))})
            for name, options in AccessAttemptAdmin.fieldsets
        )

        @admin.display(description=_("Expires at"))
        def expires(self, obj: Any) -> str:
            expiration = getattr(obj, "expiration", None)
            return _when(expiration.expires_at) if expiration is not None else "–"

        @admin.display(description=_("status"))
        def status(self, obj: Any) -> str:
            left = int(axes_settings.AXES_FAILURE_LIMIT) - obj.failures_since_start
            if left <= 0:
                return gettext("Locked Out")
            return ngettext("%(count)d attempt left", "%(count)d attempts left", left) % {
                "count": left
            }

        @admin.action(description=_("Clean up expired attempts"))
        def cleanup_expired_attempts(self, request: HttpRequest, queryset: Any) -> None:
            count = self.handler.clean_expired_user_attempts(request=request)
            self.message_user(
                request,
                ngettext(
                    "%(count)d expired attempt cleaned up.",
                    "%(count)d expired attempts cleaned up.",
                    count,
                )
                % {"count": count},
                messages.SUCCESS,
            )

    return {
        AccessAttempt: AttemptAdmin,
        AccessLog: AccessLogAdmin,
        AccessFailureLog: AccessFailureLogAdmin,
    }


# --- django-celery-beat -----------------------------------------------------------------

_ENGLISH_MONTHS = [
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
]  # fmt: skip
_ENGLISH_DAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
_NAMES = re.compile(r"\b(" + "|".join(_ENGLISH_MONTHS + _ENGLISH_DAYS) + r")\b")


def crontab_in_words(crontab: Any) -> str:
    """The crontab in words in the active language ("Om 06:00, op dag 5 van de maand"),
    with its time zone; cron-descriptor writes month and day names in English, so those
    are replaced by Django's."""
    from cron_descriptor import (  # type: ignore[import-untyped]
        ExpressionDescriptor,
        FormatException,
        MissingFieldException,
        Options,
        WrongArgumentException,
    )

    options = Options()
    options.locale_code = "nl_NL" if (get_language() or "").startswith("nl") else "en_US"
    options.use_24hour_time_format = True
    expression = " ".join(
        str(getattr(crontab, name))
        for name in ("minute", "hour", "day_of_month", "month_of_year", "day_of_week")
    )
    try:
        words = ExpressionDescriptor(expression, options).get_description()
    except (FormatException, MissingFieldException, WrongArgumentException, ValueError):
        return "–"
    names = {
        **{name: str(MONTHS[i + 1]) for i, name in enumerate(_ENGLISH_MONTHS)},
        **{name: str(WEEKDAYS[i]) for i, name in enumerate(_ENGLISH_DAYS)},
    }
    words = _NAMES.sub(lambda m: names[m.group(1)], words)
    if options.locale_code == "nl_NL":
        words = words.replace(", en ", " en ")  # no comma before the last item in Dutch
    return f"{words} ({crontab.timezone})"


def task_inline() -> type[Any]:
    """celery-beat's inline of the tasks on a schedule, with "Task name" in Dutch."""
    from django_celery_beat.admin import PeriodicTaskInline

    class TaskInline(PeriodicTaskInline):
        fields = ("name", "task_name", "args", "kwargs")
        readonly_fields = fields

        @admin.display(description=_("Task name"))
        def task_name(self, obj: Any) -> str:
            return str(obj.task)

    return TaskInline


def celery_beat_admins() -> dict[type[models.Model], type[admin.ModelAdmin[Any]]]:
    """celery-beat's schedule admins with the schedule in words and labels in Dutch."""
    from django_celery_beat import admin as beat_admin
    from django_celery_beat.models import (
        ClockedSchedule,
        IntervalSchedule,
        PeriodicTask,
        SolarSchedule,
    )

    class TaskFilter(admin.AllValuesFieldListFilter):
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self.title = gettext("Task name")

    class TaskForm(beat_admin.PeriodicTaskForm):
        def clean(self) -> dict[str, Any]:
            # celery-beat's clean reads cleaned_data["task"] unguarded: a task name its
            # own field refused (over 200 characters) became a KeyError, a server error.
            if "task" in self.errors:
                return dict(self.cleaned_data)
            return dict(super().clean())  # type: ignore[no-untyped-call]

    class PeriodicTaskAdmin(beat_admin.PeriodicTaskAdmin):
        form = TaskForm
        list_display: Any = ("name", "enabled", "schedule", "start_time", "last_run_at", "one_off")
        list_filter = ["enabled", "one_off", ("task", TaskFilter), "start_time", "last_run_at"]
        # Django's form: celery-beat's adds a script in English that the CSP blocks anyway.
        change_form_template = "admin/change_form.html"

        @admin.display(description=_("Schedule in words"))
        def crontab_translation(self, obj: Any) -> str:
            return crontab_in_words(obj.crontab) if obj.crontab else "–"

        @admin.display(description=_("Schedule"))
        def schedule(self, obj: Any) -> str:
            return str(obj.scheduler)

    inline = task_inline()

    def with_inline(base: type[Any]) -> type[Any]:
        return type(base.__name__, (base,), {"inlines": [inline], "__module__": __name__})

    return {
        PeriodicTask: PeriodicTaskAdmin,
        ClockedSchedule: with_inline(beat_admin.ClockedScheduleAdmin),
        SolarSchedule: with_inline(beat_admin.SolarScheduleAdmin),
        IntervalSchedule: with_inline(beat_admin.IntervalScheduleAdmin),
    }


def _boolean_icon(value: bool | None) -> SafeString:
    icon = {True: "yes", False: "no", None: "unknown"}[value]
    text = {True: gettext("Yes"), False: gettext("No"), None: gettext("Unknown")}[value]
    return format_html('<img src="{}" alt="{}">', static(f"admin/img/icon-{icon}.svg"), text)


def register_package_admins() -> None:
    """Register the admins above in place of the packages' own."""
    from django.contrib.admin.templatetags import admin_list

    # Django's yes/no icons in lists and read-only fields have the text "True", "False"
    # or "None", in English; the admin looks this function up on every call.
    admin_list._boolean_icon = _boolean_icon  # type: ignore[attr-defined]
    replacements: dict[type[models.Model], type[admin.ModelAdmin[Any]]] = {
        Group: LabelledGroupAdmin,
        User: LabelledUserAdmin,
        **celery_beat_admins(),
    }
    if "axes" in settings.INSTALLED_APPS:
        replacements.update(axes_admins())
    for model, model_admin in replacements.items():
        if admin.site.is_registered(model):
            admin.site.unregister(model)
            admin.site.register(model, model_admin)
