"""Telling the stored supplier figures that sessions' places, scores or details changed.

The supplier comparison (reports.supplier_comparison) reads figures stored per quarter,
supplier and programme version (reports.supplier_figures): sessions held, places, late
cancellations and evaluation sums. They change with every write to a session, a place
in one or an evaluation of one. Those writes live in trainings and in the layers above
it (imports, privacy, committees' admin), none of which may import reports
(import-linter's layers). So, as with `departments.touched`, reports registers a
callback when its app is ready, and every service that writes calls `sessions_touched`
in its own transaction: the figures change with the data or not at all.

A plain call, not a signal: bulk writes, update() and COPY send none.

What is touched is a set of keys (a session's date and supplier): the figures of that
quarter and supplier are recomputed. A session moved to another date or supplier
touches its old key too (pass the session as it was, or its key).
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable
from typing import Any

from django.db import transaction

from trainings.models import Evaluation, TrainingSession

# A session's date and supplier id.
Key = tuple[datetime.date, int]
# keys: what changed; None: anything may have (recompute everything).
Callback = Callable[[frozenset[Key] | None], None]

_callbacks: dict[str, Callback] = {}


def on_sessions_touched(name: str, callback: Callback) -> None:
    """Register `callback` under `name` (registering the same name again replaces it)."""
    _callbacks[name] = callback


def sessions_touched(
    *,
    sessions: Iterable[TrainingSession] = (),
    keys: Iterable[Key] = (),
    everything: bool = False,
) -> None:
    """These sessions (as they are now, or were), or these keys, changed: bring the
    stored figures up to date, now, in the caller's transaction."""
    touched = None if everything else frozenset(keys) | {(s.date, s.supplier_id) for s in sessions}
    if touched is not None and not touched:
        return
    for callback in list(_callbacks.values()):
        callback(touched)


def session_ids_touched(ids: Iterable[int]) -> None:
    """`sessions_touched` for sessions by id (1 query for their keys)."""
    ids = set(ids)
    if ids:
        rows = TrainingSession.objects.filter(pk__in=ids).values_list("date", "supplier")
        sessions_touched(keys=set(rows))


def evaluations_touched(ids: Iterable[int]) -> None:
    """`sessions_touched` for the sessions of these evaluations (1 query)."""
    ids = set(ids)
    if ids:
        rows = Evaluation.objects.filter(pk__in=ids).values_list(
            "session__date", "session__supplier"
        )
        sessions_touched(keys=set(rows))


class SessionsTouchingAdmin:
    """For a ModelAdmin of sessions, places or evaluations: after a save or delete it
    tells the stored supplier figures which sessions changed (before and after), in the
    admin's transaction. Subclasses say which session an object belongs to."""

    def touched_session(self, obj: Any) -> TrainingSession | None:
        raise NotImplementedError

    def _key(self, obj: Any) -> set[Key]:
        session = self.touched_session(obj) if obj is not None else None
        return set() if session is None else {(session.date, session.supplier_id)}

    def save_model(self, request: Any, obj: Any, form: Any, change: bool) -> None:
        before = type(obj)._default_manager.filter(pk=obj.pk).first() if change else None
        keys = self._key(before)
        super().save_model(request, obj, form, change)  # type: ignore[misc]
        sessions_touched(keys=keys | self._key(obj))

    def delete_model(self, request: Any, obj: Any) -> None:
        keys = self._key(obj)
        super().delete_model(request, obj)  # type: ignore[misc]
        sessions_touched(keys=keys)

    def delete_queryset(self, request: Any, queryset: Any) -> None:
        with transaction.atomic():
            keys = set().union(*(self._key(obj) for obj in queryset))
            super().delete_queryset(request, queryset)  # type: ignore[misc]
            sessions_touched(keys=keys)
