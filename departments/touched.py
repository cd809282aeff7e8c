"""Telling the stored quarterly figures that data of some quarters changed.

The figures the dashboards read are stored per quarter and department (reports.stored).
The services that change the data behind them live in lower layers (trainings,
committees, imports) and may not import reports: import-linter's layers contract forbids
importing upward. So the dependency is inverted: reports registers a callback here when
its app is ready, and every service that writes calls `figures_touched` inside its own
transaction, so the figures change together with the data or not at all. Without a
registered callback (an app without reports) the call does nothing.

This is a plain function call made by the services, not a Django signal: a bulk write,
an update() or raw SQL sends no signal, and a signal would hide the write path.
"""

from __future__ import annotations

import datetime
import functools
import operator
from collections.abc import Callable, Iterable
from typing import Any

from django.db import connection, transaction
from django.db.models import F

from departments.models import DataVersion, Department

# since: the first day whose figures may have changed (None: from the very first);
# until: the last (None: every later quarter, because a training counts for every
# committee after it); departments and people: whose figures (both empty: everyone's).
Callback = Callable[
    [datetime.date | None, datetime.date | None, frozenset[int], frozenset[int]], None
]

_callbacks: dict[str, Callback] = {}


def on_figures_touched(name: str, callback: Callback) -> None:
    """Register `callback` under `name` (registering the same name again replaces it)."""
    _callbacks[name] = callback


def figures_touched(
    *,
    since: datetime.date | None,
    until: datetime.date | None = None,
    departments: Iterable[int | None] = (),
    people: Iterable[int | None] = (),
) -> None:
    """Data from `since` to `until` of `departments` and `people` changed: bring the
    stored figures up to date, now, in the caller's transaction."""
    department_ids = frozenset(d for d in departments if d is not None)
    person_ids = frozenset(p for p in people if p is not None)
    for callback in list(_callbacks.values()):
        callback(since, until, department_ids, person_ids)


# Any number: the key of the PostgreSQL advisory lock that orders the version changes.
_VERSION_LOCK_KEY = 712_013


def data_versions_bump(*, departments: Iterable[int] | None) -> None:
    """The data shown about `departments` (None: every department) changed in this
    transaction: raise their `DataVersion`, so what pages cached under the old number is
    no longer read once the change is committed.

    One at a time (an advisory lock until the end of the transaction): two transactions
    raising overlapping sets in another order would otherwise wait on each other's rows.
    """
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_VERSION_LOCK_KEY])
        ids = (
            list(Department.objects.values_list("pk", flat=True))
            if departments is None
            else sorted(set(departments))
        )
        DataVersion.objects.bulk_create(
            [DataVersion(department_id=pk) for pk in ids], ignore_conflicts=True
        )
        DataVersion.objects.filter(department__in=ids).update(version=F("version") + 1)


class Touch:
    """What one changed object touches, merged over a whole admin action."""

    def __init__(
        self,
        since: datetime.date | None,
        until: datetime.date | None = None,
        departments: Iterable[int | None] = (),
        people: Iterable[int | None] = (),
        *,
        everything: bool = False,
    ) -> None:
        self.since, self.until, self.everything = since, until, everything
        self.departments = {d for d in departments if d is not None}
        self.people = {p for p in people if p is not None}

    def __or__(self, other: Touch) -> Touch:
        since = None if None in (self.since, other.since) else min(self.since, other.since)  # type: ignore[type-var]
        until = None if None in (self.until, other.until) else max(self.until, other.until)  # type: ignore[type-var]
        return Touch(
            since,
            until,
            self.departments | other.departments,
            self.people | other.people,
            everything=self.everything or other.everything,
        )

    def send(self) -> None:
        if self.everything:
            figures_touched(since=None)
        else:
            figures_touched(
                since=self.since,
                until=self.until,
                departments=self.departments,
                people=self.people,
            )


class FiguresTouchingAdmin:
    """For a ModelAdmin that writes models outside the services: after a save or delete
    it tells the stored figures what changed (before and after), in the admin's
    transaction. Subclasses say what an object touches in `touches`."""

    def touches(self, obj: Any) -> Touch:
        raise NotImplementedError

    def save_model(self, request: Any, obj: Any, form: Any, change: bool) -> None:
        before = type(obj)._default_manager.filter(pk=obj.pk).first() if change else None
        super().save_model(request, obj, form, change)  # type: ignore[misc]
        touch = self.touches(obj)
        (touch | self.touches(before) if before is not None else touch).send()

    def delete_model(self, request: Any, obj: Any) -> None:
        touch = self.touches(obj)
        super().delete_model(request, obj)  # type: ignore[misc]
        touch.send()

    def delete_queryset(self, request: Any, queryset: Any) -> None:
        with transaction.atomic():
            touches = [self.touches(obj) for obj in queryset]
            super().delete_queryset(request, queryset)  # type: ignore[misc]
            if touches:
                functools.reduce(operator.or_, touches).send()
