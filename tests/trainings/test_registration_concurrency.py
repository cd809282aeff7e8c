"""Two people take the last place at the same moment: one place, one waiting-list spot.

Two threads, each with its own database connection, register at once; the session's row
lock (select_for_update) serves them one after the other.
"""

from __future__ import annotations

import datetime
import threading

import pytest
from django.db import connection
from django.utils import timezone

from tests.factories import PersonFactory, SessionFactory
from trainings.models import CompletionStatus, TrainingCompletion, WaitlistEntry
from trainings.services import SessionFull, registration_create, waitlist_join

pytestmark = pytest.mark.django_db(transaction=True)


def test_two_people_taking_the_last_place_get_one_place_and_one_waiting_spot(
    department,
) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("needs a database server for concurrent connections")
    session = SessionFactory(date=timezone.localdate() + datetime.timedelta(days=7), capacity=3)
    for _ in range(2):
        registration_create(person=PersonFactory(department=department), session=session, user=None)
    people = [PersonFactory(department=department) for _ in range(2)]
    barrier = threading.Barrier(2)
    outcomes: list[str] = []
    errors: list[BaseException] = []

    def take(person_pk: int) -> None:
        try:
            person = type(people[0]).objects.get(pk=person_pk)
            barrier.wait()
            try:
                registration_create(person=person, session=session, user=None)
                outcomes.append("place")
            except SessionFull:
                # The page offers the waiting list; the person takes it.
                place = waitlist_join(person=person, session=session, user=None)
                outcomes.append("place" if place.registered else "waitlist")
        except BaseException as error:  # reported below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=take, args=(p.pk,)) for p in people]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert not errors
    assert sorted(outcomes) == ["place", "waitlist"]
    registered = TrainingCompletion.objects.filter(
        session=session, status=CompletionStatus.REGISTERED
    )
    assert registered.count() == 3
    waiting = WaitlistEntry.objects.get(session=session)
    assert {waiting.person_id, *registered.values_list("person", flat=True)} >= {
        p.pk for p in people
    }
