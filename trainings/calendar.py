"""iCalendar invitations for a registration (RFC 5545, iTIP methods of RFC 5546).

`registration_invite` is a METHOD:REQUEST for the session; `registration_cancellation`
cancels it: the same UID (one per registration), a higher SEQUENCE, METHOD:CANCEL and
STATUS:CANCELLED, so a calendar removes the event it added. Times are in
Europe/Amsterdam with its VTIMEZONE; a session without a start time is a day event.
Sending them is for the notifications (the outbox); these functions only build them.
"""

from __future__ import annotations

import datetime
import zoneinfo

from django.conf import settings
from django.utils import timezone
from icalendar import Calendar, Event, vCalAddress, vText

from trainings.models import TrainingCompletion, TrainingSession

PRODID = "-//O&P Rijk//Training Monitor//NL"
TIME_ZONE = "Europe/Amsterdam"
DEFAULT_LENGTH = datetime.timedelta(hours=3)


def registration_uid(completion: TrainingCompletion) -> str:
    """One UID per registration: the cancellation names the event the invite made."""
    return f"registration-{completion.pk}@training-monitor"


def registration_sequence(completion: TrainingCompletion) -> int:
    """Twice the registration's changes so far (its history rows): grows with every
    change, so a later message always supersedes an earlier one, also after registering
    again; the cancellation adds one to it."""
    return 2 * int(completion.history.count())


def _organizer() -> vCalAddress:
    address = vCalAddress(f"mailto:{settings.DEFAULT_FROM_EMAIL.rsplit('<', 1)[-1].rstrip('>')}")
    address.params["cn"] = vText("O&P Rijk Training Monitor")
    return address


def _when(event: Event, session: TrainingSession) -> None:
    if session.starts_at is None:
        event.add("dtstart", session.date)
        event.add("dtend", session.date + datetime.timedelta(days=1))
        return
    zone = zoneinfo.ZoneInfo(TIME_ZONE)
    start = datetime.datetime.combine(session.date, session.starts_at, tzinfo=zone)
    end = (
        datetime.datetime.combine(session.date, session.ends_at, tzinfo=zone)
        if session.ends_at is not None
        else start + DEFAULT_LENGTH
    )
    event.add("dtstart", start)
    event.add("dtend", end)


def _location(session: TrainingSession) -> str:
    if session.is_online:
        return session.online_link or "Online"
    return session.place


def _event(completion: TrainingCompletion, *, sequence: int, cancelled: bool) -> Event:
    session = completion.session
    event = Event()
    event.add("uid", registration_uid(completion))
    event.add("dtstamp", timezone.now())
    event.add("sequence", sequence)
    event.add("summary", f"Workshop {session.programme.name} ({session.supplier.name})")
    _when(event, session)
    location = _location(session)
    if location:
        event.add("location", location)
    if session.online_link:
        event.add("url", session.online_link)
    event.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    event.add("organizer", _organizer())
    attendee = vCalAddress(f"mailto:{completion.person.email or 'onbekend@invalid'}")
    attendee.params["cn"] = vText(completion.person.full_name)
    attendee.params["role"] = vText("REQ-PARTICIPANT")
    event.add("attendee", attendee)
    return event


def _calendar(method: str, event: Event) -> bytes:
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("method", method)
    calendar.add("calscale", "GREGORIAN")
    calendar.add_component(event)
    calendar.add_missing_timezones()
    return calendar.to_ical()


def registration_invite(completion: TrainingCompletion, *, sequence: int | None = None) -> bytes:
    """The invitation (METHOD:REQUEST) for `completion`'s session (`sequence`: its
    `registration_sequence`, when the caller has it already)."""
    if sequence is None:
        sequence = registration_sequence(completion)
    return _calendar("REQUEST", _event(completion, sequence=sequence, cancelled=False))


def registration_cancellation(
    completion: TrainingCompletion, *, sequence: int | None = None
) -> bytes:
    """The cancellation (METHOD:CANCEL) of the invitation: same UID, higher SEQUENCE
    (`sequence`: the invite's `registration_sequence`, when the caller has it already)."""
    if sequence is None:
        sequence = registration_sequence(completion)
    return _calendar("CANCEL", _event(completion, sequence=sequence + 1, cancelled=True))
