"""The cells a session's row shows (the sessions page, a member's session choice), ready.

Per row the template formatted a date and two times, translated four labels and counted
the places left in a plural: at 25 to a few hundred rows, more time than their query.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass

from django.utils.formats import date_format, time_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from trainings.models import TrainingSession


@dataclass(frozen=True)
class SessionCells:
    session: TrainingSession
    date: str  # "maandag 7 december 2026"
    times: str  # "09:00–12:00", "09:00" or ""
    place: str  # "Online", the place or "–"
    audience: str  # "Eigen sessie van BZK" or "Rijksbreed"
    places: str  # "Geen maximum" or "nog 3 plaatsen"; "" when full
    full: bool


def _times(session: TrainingSession) -> str:
    if not session.starts_at:
        return ""
    starts = time_format(session.starts_at, "H:i")
    return f"{starts}–{time_format(session.ends_at, 'H:i')}" if session.ends_at else starts


def session_cells(sessions: Iterable[TrainingSession]) -> list[SessionCells]:
    """Each session (with `with_places_left()` and its department) with its cells."""
    dates: dict[datetime.date, str] = {}
    online, rijk_wide, no_limit = _("Online"), _("Rijk-wide"), _("No limit")
    rows = []
    for session in sessions:
        if session.date not in dates:
            dates[session.date] = date_format(session.date, "l j F Y")
        left: int | None = getattr(session, "places_left", None)
        full = session.capacity is not None and (left or 0) <= 0
        if session.capacity is None:
            places = no_limit
        else:
            places = (
                ""
                if full
                else ngettext("%(counter)s place left", "%(counter)s places left", left or 0)
                % {"counter": left}
            )
        rows.append(
            SessionCells(
                session=session,
                date=dates[session.date],
                times=_times(session),
                place=online if session.is_online else (session.place or "–"),
                audience=(
                    _("Own session of %(code)s") % {"code": session.department.code}
                    if session.department
                    else rijk_wide
                ),
                places=places,
                full=full,
            )
        )
    return rows
