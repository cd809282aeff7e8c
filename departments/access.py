"""Who may see and change what.

Three roles, each a Django group:

- O&P staff see and change the data of the departments they are linked to
  (`Department.staff`); a user linked to no department sees nothing.
- The programme bureau reads every department and runs the reports.
- Administrators do everything, including imports and the Django admin, which
  is theirs alone (training_monitor.admin_site).

Every queryset that holds department data is narrowed through
`DepartmentScopedQuerySet.visible_to(user)`, so views, the admin, exports and tasks
share one rule.
"""

from __future__ import annotations

from collections.abc import Callable
from enum import StrEnum
from functools import wraps
from typing import TYPE_CHECKING, Any, Self, TypeVar, cast

from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import AnonymousUser, Group, Permission
from django.core.exceptions import PermissionDenied
from django.db import models
from django.http import HttpRequest, HttpResponseBase

if TYPE_CHECKING:
    from django.contrib.auth.models import User


class Role(StrEnum):
    OP_STAFF = "op_staff"
    PROGRAMME_BUREAU = "programme_bureau"
    ADMINISTRATOR = "administrator"


# Group names as stored in the database. Kept stable: deployments link users to them.
GROUP_NAMES: dict[Role, str] = {
    Role.OP_STAFF: "O&P-medewerkers",
    Role.PROGRAMME_BUREAU: "Programmabureau",
    Role.ADMINISTRATOR: "Beheerders",
}

# Model permissions each group gets, as "app_label.model": actions. Django's model
# permissions only serve the Django admin, which is for administrators alone: O&P
# staff and the programme bureau work on the pages, which check roles instead.
_VIEW = ("view",)
_EDIT = ("view", "add", "change", "delete")
GROUP_PERMISSIONS: dict[Role, dict[str, tuple[str, ...]]] = {
    Role.OP_STAFF: {},
    Role.PROGRAMME_BUREAU: {},
    Role.ADMINISTRATOR: {
        "auth.user": _EDIT,
        "auth.group": _VIEW,
        "departments.department": _EDIT,
        "departments.departmentalias": _EDIT,
        "departments.person": _EDIT,
        "committees.selectioncommittee": _EDIT,
        "committees.committeemembership": _EDIT,
        "trainings.supplier": _EDIT,
        "trainings.tender": _EDIT,
        "trainings.trainingprogramme": _EDIT,
        "trainings.trainingsession": _EDIT,
        "trainings.trainingcompletion": _EDIT,
        "trainings.evaluation": _EDIT,
        "trainings.waitlistentry": ("view", "add", "delete"),
        "imports.importprofile": _EDIT,
        "imports.importbatch": _EDIT,
        "imports.importrow": _EDIT,
        # The outbox (read, and "retry now") and who wants which messages.
        "notifications.notification": _VIEW,
        "notifications.notificationpreference": _EDIT,
        # Celery beat's schedule (django-celery-beat): which job runs when.
        "django_celery_beat.periodictask": _EDIT,
        "django_celery_beat.crontabschedule": _EDIT,
        "django_celery_beat.intervalschedule": _EDIT,
        "django_celery_beat.clockedschedule": _EDIT,
        "django_celery_beat.solarschedule": _EDIT,
        # API clients are registered and revoked, never deleted (their history stays).
        "api.apiclient": ("view", "add", "change"),
    },
}


def ensure_groups(**kwargs: Any) -> None:
    """Create the role groups and give them exactly their permissions (idempotent)."""
    for role, perms in GROUP_PERMISSIONS.items():
        group, _created = Group.objects.get_or_create(name=GROUP_NAMES[role])
        wanted: list[Permission] = []
        for model_label, actions in perms.items():
            app_label, model = model_label.split(".")
            wanted.extend(
                Permission.objects.filter(
                    content_type__app_label=app_label,
                    codename__in=[f"{action}_{model}" for action in actions],
                )
            )
        group.permissions.set(wanted)


def user_roles(user: User | AnonymousUser) -> frozenset[Role]:
    """The roles of `user`, cached on the user object for the request."""
    if not user.is_authenticated or not user.is_active:
        return frozenset()
    cached: frozenset[Role] | None = getattr(user, "_tm_roles", None)
    if cached is None:
        names = set(user.groups.values_list("name", flat=True))
        cached = frozenset(role for role, name in GROUP_NAMES.items() if name in names)
        if user.is_superuser:
            cached = cached | {Role.ADMINISTRATOR}
        user._tm_roles = cached  # type: ignore[attr-defined]
    return cached


def sees_all_departments(user: User | AnonymousUser) -> bool:
    roles = user_roles(user)
    return Role.ADMINISTRATOR in roles or Role.PROGRAMME_BUREAU in roles


def is_administrator(user: User | AnonymousUser) -> bool:
    return Role.ADMINISTRATOR in user_roles(user)


def is_programme_bureau(user: User | AnonymousUser) -> bool:
    return Role.PROGRAMME_BUREAU in user_roles(user)


def may_edit_department_data(user: User | AnonymousUser) -> bool:
    """O&P staff and administrators change committees; the bureau only reads."""
    roles = user_roles(user)
    return Role.ADMINISTRATOR in roles or Role.OP_STAFF in roles


def has_a_role(user: User | AnonymousUser) -> bool:
    """Any of the three roles: an account without one sees nothing."""
    return bool(user_roles(user))


def may_compile_reports(user: User | AnonymousUser) -> bool:
    """The programme bureau and administrators compile, retry and manage reports."""
    return is_programme_bureau(user) or is_administrator(user)


def may_import(user: User | AnonymousUser) -> bool:
    """Suppliers' attendance files are imported by administrators only."""
    return is_administrator(user)


Predicate = Callable[["User | AnonymousUser"], bool]
View = TypeVar("View", bound=Callable[..., HttpResponseBase])


def role_required(predicate: Predicate) -> Callable[[View], View]:
    """The one way a page checks a role: log in first, then `predicate` or 403.

    Rules about one object (this committee, this person) stay in the querysets
    (`visible_to`, `editable_by`), which answer 404 so nothing is confirmed.
    """

    def decorator(view: View) -> View:
        @wraps(view)
        def checked(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
            if not predicate(request.user):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return cast(View, login_required(checked))

    return decorator


def is_htmx(request: HttpRequest) -> bool:
    """The one test for an htmx request (django-htmx's middleware sets `request.htmx`)."""
    return bool(getattr(request, "htmx", False))


class DepartmentScopedQuerySet(models.QuerySet[Any]):
    """A queryset whose rows belong to a department reachable by `department_lookup`."""

    department_lookup: str = "department"

    def visible_to(self, user: User | AnonymousUser) -> Self:
        if sees_all_departments(user):
            return self
        return self._own_departments(user)

    def editable_by(self, user: User | AnonymousUser) -> Self:
        """Rows `user` may change: administrators everything, O&P staff their own."""
        if is_administrator(user):
            return self
        return self._own_departments(user)

    def _own_departments(self, user: User | AnonymousUser) -> Self:
        if Role.OP_STAFF not in user_roles(user):
            return self.none()
        return self.filter(**{f"{self.department_lookup}__in": staff_department_ids(user)})


def staff_department_ids(user: User | AnonymousUser) -> models.QuerySet[Any]:
    """The ids of the departments `user` works for, as a subquery (no extra round trip)."""
    from departments.models import Department

    return Department.objects.filter(staff=user.pk).values("pk")
