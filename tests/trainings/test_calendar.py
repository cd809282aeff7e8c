"""The iCalendar invitation and its cancellation, parsed back (trainings.calendar)."""

from __future__ import annotations

import datetime
import zoneinfo

import pytest
from django.utils import timezone
from icalendar import Calendar

from tests.factories import PersonFactory, SessionFactory
from trainings.calendar import registration_cancellation, registration_invite
from trainings.models import TrainingCompletion
from trainings.services import Place, registration_cancel, registration_create

pytestmark = pytest.mark.django_db

AMSTERDAM = zoneinfo.ZoneInfo("Europe/Amsterdam")


@pytest.fixture
def completion(department):
    session = SessionFactory(
        date=timezone.localdate() + datetime.timedelta(days=30),
        starts_at=datetime.time(9, 30),
        ends_at=datetime.time(12, 30),
        place="Utrecht",
    )
    person = PersonFactory(
        department=department, first_name="Anna", last_name="Vries", email="anna@example.nl"
    )
    return taken(registration_create(person=person, session=session, user=None))


def taken(place: Place) -> TrainingCompletion:
    assert place.completion is not None
    return place.completion


def event_of(data: bytes):
    calendar = Calendar.from_ical(data)
    events = calendar.walk("VEVENT")
    assert len(events) == 1
    return calendar, events[0]


def test_the_invitation_is_a_request_in_amsterdam_time(completion) -> None:
    calendar, event = event_of(registration_invite(completion))
    assert calendar["METHOD"] == "REQUEST"
    assert calendar["VERSION"] == "2.0"
    assert calendar["PRODID"]
    assert [tz["TZID"] for tz in calendar.walk("VTIMEZONE")] == ["Europe/Amsterdam"]
    start, end = event.decoded("DTSTART"), event.decoded("DTEND")
    session = completion.session
    assert start == datetime.datetime.combine(session.date, datetime.time(9, 30), AMSTERDAM)
    assert end == datetime.datetime.combine(session.date, datetime.time(12, 30), AMSTERDAM)
    assert event["DTSTART"].params["TZID"] == "Europe/Amsterdam"
    assert event["LOCATION"] == "Utrecht"
    assert event["STATUS"] == "CONFIRMED"
    assert event.decoded("DTSTAMP").tzinfo is not None
    assert str(event["ATTENDEE"]) == "mailto:anna@example.nl"
    assert str(event["ORGANIZER"]).startswith("mailto:")


def test_the_cancellation_names_the_same_event_with_a_higher_sequence(completion) -> None:
    _calendar, invite = event_of(registration_invite(completion))
    registration_cancel(completion=completion, user=None)
    calendar, cancel = event_of(registration_cancellation(completion))
    assert calendar["METHOD"] == "CANCEL"
    assert cancel["UID"] == invite["UID"]
    assert cancel["STATUS"] == "CANCELLED"
    assert int(cancel["SEQUENCE"]) > int(invite["SEQUENCE"])


def test_registering_again_after_cancelling_supersedes_the_cancellation(completion) -> None:
    registration_cancel(completion=completion, user=None)
    _calendar, cancel = event_of(registration_cancellation(completion))
    again = registration_create(person=completion.person, session=completion.session, user=None)
    _calendar, invite = event_of(registration_invite(taken(again)))
    assert invite["UID"] == cancel["UID"]
    assert int(invite["SEQUENCE"]) > int(cancel["SEQUENCE"])


def test_a_session_without_a_time_is_a_day_event_online(department) -> None:
    session = SessionFactory(
        date=timezone.localdate() + datetime.timedelta(days=3),
        is_online=True,
        place="",
        online_link="https://meet.example.nl/workshop",
    )
    completion = taken(
        registration_create(person=PersonFactory(department=department), session=session, user=None)
    )
    _calendar, event = event_of(registration_invite(completion))
    assert event.decoded("DTSTART") == session.date
    assert event.decoded("DTEND") == session.date + datetime.timedelta(days=1)
    assert event["LOCATION"] == "https://meet.example.nl/workshop"
    assert event["URL"] == "https://meet.example.nl/workshop"


def test_the_lines_follow_rfc_5545(completion) -> None:
    data = registration_invite(completion)
    lines = data.split(b"\r\n")
    assert lines[0] == b"BEGIN:VCALENDAR"
    assert lines[-1] == b""  # every line ends in CRLF
    assert all(len(line) <= 75 for line in lines)
