"""Moving up from the waiting list leaves nobody with two places: whoever moves up
gives up their registrations for later sessions (the `replace_later` rule), and
someone who already has a place on or before the session leaves the list instead."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from tests.factories import PersonFactory, SessionFactory, op_staff
from trainings.models import CompletionStatus, TrainingCompletion, WaitlistEntry
from trainings.services import registration_cancel, registration_create, waitlist_join

pytestmark = pytest.mark.django_db


def soon(days: int) -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=days)


@pytest.fixture
def user(department):
    return op_staff(department)


@pytest.fixture
def full(department, user):
    """A full session of day 10 and the registration that holds its one place."""
    session = SessionFactory(date=soon(10), capacity=1)
    holder = PersonFactory(department=department)
    held = registration_create(person=holder, session=session, user=user).completion
    assert held is not None
    return session, held


def places(person) -> list[tuple[datetime.date, str]]:
    return sorted(
        TrainingCompletion.objects.filter(person=person).values_list("session__date", "status")
    )


def test_moving_up_releases_a_later_registration(department, user, full) -> None:
    session, held = full
    person = PersonFactory(department=department)
    waitlist_join(person=person, session=session, user=user)
    later = SessionFactory(date=soon(20), capacity=1)
    registration_create(person=person, session=later, user=user)
    next_in_line = PersonFactory(department=department)
    waitlist_join(person=next_in_line, session=later, user=user)

    cancellation = registration_cancel(completion=held, user=user)

    assert cancellation.promoted is not None
    assert cancellation.promoted.person == person
    assert places(person) == [
        (soon(10), CompletionStatus.REGISTERED),
        (soon(20), CompletionStatus.CANCELLED),
    ]
    # The released place goes to the next in line of the later session.
    assert places(next_in_line) == [(soon(20), CompletionStatus.REGISTERED)]


def test_someone_with_an_earlier_place_leaves_the_list(department, user, full) -> None:
    session, held = full
    person = PersonFactory(department=department)
    waitlist_join(person=person, session=session, user=user)
    registration_create(person=person, session=SessionFactory(date=soon(5)), user=user)
    second = PersonFactory(department=department)
    waitlist_join(person=second, session=session, user=user)

    cancellation = registration_cancel(completion=held, user=user)

    assert cancellation.promoted is not None
    assert cancellation.promoted.person == second
    assert places(person) == [(soon(5), CompletionStatus.REGISTERED)]
    assert not WaitlistEntry.objects.exists()
