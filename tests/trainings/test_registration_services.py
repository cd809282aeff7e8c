"""Registering, the waiting list and cancelling (trainings.services)."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from tests.factories import CompletionFactory, PersonFactory, SessionFactory, op_staff
from trainings.models import CompletionSource, CompletionStatus, TrainingCompletion, WaitlistEntry
from trainings.services import (
    Place,
    RegistrationRefused,
    SessionFull,
    registration_cancel,
    registration_create,
    waitlist_join,
    waitlist_leave,
)

pytestmark = pytest.mark.django_db


def taken(place: Place) -> TrainingCompletion:
    assert place.completion is not None
    return place.completion


def waiting(place: Place) -> WaitlistEntry:
    assert place.waitlist_entry is not None
    return place.waitlist_entry


def soon(days: int = 10) -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=days)


@pytest.fixture
def user(department):
    return op_staff(department, username="op.reg")


def test_registering_takes_a_place_and_records_who_and_how(department, user) -> None:
    session = SessionFactory(date=soon(), capacity=2)
    person = PersonFactory(department=department)
    place = registration_create(person=person, session=session, user=user)
    completion = TrainingCompletion.objects.get(pk=taken(place).pk)
    assert completion.status == CompletionStatus.REGISTERED
    assert completion.source == CompletionSource.APP
    assert completion.status_changed_by == user
    assert completion.history.first().history_user == user


def test_the_last_place_goes_and_then_the_session_is_full(department, user) -> None:
    session = SessionFactory(date=soon(), capacity=1)
    registration_create(person=PersonFactory(department=department), session=session, user=user)
    with pytest.raises(SessionFull):
        registration_create(person=PersonFactory(department=department), session=session, user=user)
    assert TrainingCompletion.objects.filter(session=session).count() == 1


def test_a_session_without_capacity_never_fills(department, user) -> None:
    session = SessionFactory(date=soon(), capacity=None)
    for _ in range(3):
        registration_create(person=PersonFactory(department=department), session=session, user=user)
    assert session.completions.count() == 3


@pytest.mark.parametrize(
    ("changes", "reason"),
    [
        ({"cancelled": True}, "Deze sessie is geannuleerd"),
        ({"date": datetime.date(2020, 1, 1)}, "al geweest"),
        ({"entered_by_hand": True}, "met de hand"),
    ],
)
def test_a_session_that_takes_no_registrations_refuses(department, user, changes, reason) -> None:
    session = SessionFactory(**{"date": soon(), **changes})
    with pytest.raises(RegistrationRefused, match=reason):
        registration_create(person=PersonFactory(department=department), session=session, user=user)


def test_registering_twice_is_refused(department, user) -> None:
    session = SessionFactory(date=soon())
    person = PersonFactory(department=department)
    registration_create(person=person, session=session, user=user)
    with pytest.raises(RegistrationRefused, match="al ingeschreven"):
        registration_create(person=person, session=session, user=user)


def test_the_waiting_list_is_joined_only_when_the_session_is_full(department, user) -> None:
    session = SessionFactory(date=soon(), capacity=1)
    first, second = PersonFactory(department=department), PersonFactory(department=department)
    assert waitlist_join(person=first, session=session, user=user).registered
    place = waitlist_join(person=second, session=session, user=user)
    assert not place.registered
    assert waiting(place).person == second
    again = waitlist_join(person=second, session=session, user=user)
    assert waiting(again).pk == waiting(place).pk


def test_a_cancellation_moves_the_first_waiting_up_in_order(department, user) -> None:
    session = SessionFactory(date=soon(), capacity=1)
    holder = PersonFactory(department=department)
    held = taken(registration_create(person=holder, session=session, user=user))
    first, second = PersonFactory(department=department), PersonFactory(department=department)
    waitlist_join(person=first, session=session, user=user)
    waitlist_join(person=second, session=session, user=user)

    cancellation = registration_cancel(completion=held, user=user)

    held.refresh_from_db()
    assert held.status == CompletionStatus.CANCELLED
    assert held.status_changed_by == user
    assert held.status_changed_at is not None
    assert cancellation.promoted is not None
    assert cancellation.promoted.person == first
    assert cancellation.promoted.status == CompletionStatus.REGISTERED
    assert list(WaitlistEntry.objects.values_list("person", flat=True)) == [second.pk]


def test_a_cancelled_place_can_be_taken_again_by_the_same_person(department, user) -> None:
    session = SessionFactory(date=soon(), capacity=1)
    person = PersonFactory(department=department)
    held = taken(registration_create(person=person, session=session, user=user))
    registration_cancel(completion=held, user=user)
    again = taken(registration_create(person=person, session=session, user=user))
    assert again.pk == held.pk
    assert again.status == CompletionStatus.REGISTERED


def test_only_a_registration_can_be_cancelled(department, user) -> None:
    attended = CompletionFactory(person=PersonFactory(department=department), session__date=soon())
    with pytest.raises(RegistrationRefused):
        registration_cancel(completion=attended, user=user)


def test_choosing_an_earlier_session_cancels_the_later_one_only(department, user) -> None:
    person = PersonFactory(department=department)
    earliest, middle, latest = (SessionFactory(date=soon(d)) for d in (5, 10, 20))
    kept = taken(registration_create(person=person, session=earliest, user=user))
    later = taken(registration_create(person=person, session=latest, user=user))
    registration_create(person=person, session=middle, user=user, replace_later=True)
    kept.refresh_from_db()
    later.refresh_from_db()
    assert kept.status == CompletionStatus.REGISTERED
    assert later.status == CompletionStatus.CANCELLED


def test_leaving_the_waiting_list(department, user) -> None:
    session = SessionFactory(date=soon(), capacity=0)
    entry = waiting(
        waitlist_join(person=PersonFactory(department=department), session=session, user=user)
    )
    waitlist_leave(entry=entry, user=user)
    assert not WaitlistEntry.objects.exists()
