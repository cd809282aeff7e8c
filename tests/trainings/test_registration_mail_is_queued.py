"""Registering, cancelling and moving up from the waiting list each queue one e-mail to
the person, in the same transaction, with the calendar invitation or its cancellation
(trainings.registration_mail, called by trainings.services)."""

from __future__ import annotations

import datetime
import zoneinfo

import pytest
from django.utils import timezone
from icalendar import Calendar

from notifications.models import Notification
from notifications.services import message_id_for, notifications_send_pending
from tests.factories import PersonFactory, SessionFactory
from trainings.calendar import registration_uid
from trainings.models import TrainingCompletion
from trainings.services import (
    Place,
    RegistrationRefused,
    registration_cancel,
    registration_create,
    waitlist_join,
)

pytestmark = pytest.mark.django_db
AMSTERDAM = zoneinfo.ZoneInfo("Europe/Amsterdam")


def in_days(days: int) -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=days)


def taken(place: Place) -> TrainingCompletion:
    assert place.completion is not None
    return place.completion


@pytest.fixture
def session():
    return SessionFactory(
        date=in_days(20),
        starts_at=datetime.time(9, 30),
        ends_at=datetime.time(12, 30),
        place="Utrecht, Croeselaan 1",
        capacity=1,
    )


@pytest.fixture
def anna(department):
    return PersonFactory(
        department=department, first_name="Anna", last_name="Vries", email="anna@example.nl"
    )


def calendar_parts(received) -> list[tuple[str, Calendar]]:
    parts = []
    for part in received.message.iter_attachments():
        assert part.get_content_type() == "text/calendar"
        parts.append((part.get_param("method"), Calendar.from_ical(part.get_payload(decode=True))))
    return parts


def test_a_registration_arrives_with_text_html_and_the_invitation(
    smtp_server, settings, session, anna
) -> None:
    settings.DEFAULT_FROM_EMAIL = "Training Monitor <noreply@tm.example.nl>"
    completion = taken(registration_create(person=anna, session=session, user=None))
    row = Notification.objects.get()
    assert row.kind == "registration"
    assert notifications_send_pending(limit=10).sent == 1

    [received] = smtp_server.received()
    message = received.message
    assert received.rcpt_tos == ["anna@example.nl"]
    assert message["Message-ID"] == message_id_for(row.key)
    assert message["Subject"].startswith("U bent ingeschreven voor de workshop op")
    assert "You are registered for the workshop on" in message["Subject"]
    assert message["Content-Language"] == "nl, en"
    text = received.part("text/plain")
    dutch, english = text.split("English")
    assert dutch.startswith("Beste Anna,")
    assert "Begin: 09:30 uur." in dutch
    assert "Plaats: Utrecht, Croeselaan 1." in dutch
    assert "Dear Anna," in english
    assert "Vries" not in text  # the first name is enough
    html = received.part("text/html")
    assert '<div lang="nl">' in html
    assert '<div lang="en">' in html
    assert "Utrecht, Croeselaan 1" in html

    [(method, calendar)] = calendar_parts(received)
    assert method == "REQUEST"
    assert calendar["METHOD"] == "REQUEST"
    [event] = calendar.walk("VEVENT")
    assert str(event["UID"]) == registration_uid(completion)
    assert event.decoded("DTSTART") == datetime.datetime.combine(
        session.date, datetime.time(9, 30), AMSTERDAM
    )
    assert str(event["LOCATION"]) == "Utrecht, Croeselaan 1"
    assert str(event["ATTENDEE"]) == "mailto:anna@example.nl"


def test_cancelling_sends_the_cancellation_and_registering_again_a_new_invitation(
    smtp_server, session, anna
) -> None:
    completion = taken(registration_create(person=anna, session=session, user=None))
    with pytest.raises(RegistrationRefused):  # a retried request
        registration_create(person=anna, session=session, user=None)
    assert Notification.objects.count() == 1

    registration_cancel(completion=completion, user=None)
    with pytest.raises(RegistrationRefused):  # cancelled twice
        registration_cancel(completion=completion, user=None)
    registration_create(person=anna, session=session, user=None)
    keys = list(Notification.objects.order_by("pk").values_list("key", "kind"))
    assert [kind for _key, kind in keys] == [
        "registration",
        "registration_cancel",
        "registration",
    ]
    assert len({key for key, _kind in keys}) == 3
    assert notifications_send_pending(limit=10).sent == 3

    received = smtp_server.received()
    cancelled = received[1]
    assert cancelled.message["Subject"].startswith("Inschrijving geannuleerd")
    assert "is geannuleerd" in cancelled.part("text/plain")
    [(method, calendar)] = calendar_parts(cancelled)
    [event] = calendar.walk("VEVENT")
    assert (method, calendar["METHOD"], event["STATUS"]) == ("CANCEL", "CANCEL", "CANCELLED")
    sequences = [
        calendar_parts(mail)[0][1].walk("VEVENT")[0].decoded("SEQUENCE") for mail in received
    ]
    assert sequences == sorted(sequences)
    assert len(set(sequences)) == 3
    uids = {str(calendar_parts(mail)[0][1].walk("VEVENT")[0]["UID"]) for mail in received}
    assert uids == {registration_uid(completion)}


def test_the_first_on_the_waiting_list_hears_that_a_place_came_free(
    smtp_server, department, session, anna
) -> None:
    bram = PersonFactory(department=department, first_name="Bram", email="bram@example.nl")
    completion = taken(registration_create(person=anna, session=session, user=None))
    assert waitlist_join(person=bram, session=session, user=None).waitlist_entry is not None
    assert Notification.objects.count() == 1  # the waiting list sends nothing

    cancellation = registration_cancel(completion=completion, user=None)
    assert cancellation.promoted is not None
    assert notifications_send_pending(limit=10).sent == 3
    to_bram = [mail for mail in smtp_server.received() if mail.rcpt_tos == ["bram@example.nl"]]
    [mail] = to_bram
    assert mail.message["Subject"].startswith("Er is een plaats vrij")
    assert "U stond op de wachtlijst" in mail.part("text/plain")
    [(method, _calendar)] = calendar_parts(mail)
    assert method == "REQUEST"


def test_a_person_without_an_address_gets_nothing_and_a_refusal_writes_nothing(
    department, session, anna
) -> None:
    nobody = PersonFactory(department=department, email=None)
    completion = taken(registration_create(person=nobody, session=session, user=None))
    registration_cancel(completion=completion, user=None)
    assert not Notification.objects.exists()
    session.cancelled = True
    session.save()
    with pytest.raises(RegistrationRefused):
        registration_create(person=anna, session=session, user=None)
    assert not Notification.objects.exists()
