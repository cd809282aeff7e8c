"""A session's row (sessions page, a member's session choice) shows its cells, prepared in
Python: the date, the times, the place, for whom, and the places left."""

from __future__ import annotations

import datetime

import pytest
from django.utils import translation

from tests.factories import CompletionFactory, SessionFactory
from trainings.models import CompletionStatus, TrainingSession
from trainings.session_cells import session_cells

pytestmark = pytest.mark.django_db


def cells_of(*sessions: TrainingSession):
    annotated = TrainingSession.objects.with_places_left().select_related("department")
    by_pk = {s.pk: s for s in annotated.filter(pk__in=[s.pk for s in sessions])}
    with translation.override("nl"):
        return session_cells([by_pk[s.pk] for s in sessions])


def test_the_cells_read_as_the_page_wrote_them(department) -> None:
    one_left = SessionFactory(
        date=datetime.date(2026, 12, 7),
        starts_at=datetime.time(9, 0),
        ends_at=datetime.time(12, 30),
        capacity=2,
    )
    CompletionFactory(session=one_left, status=CompletionStatus.REGISTERED)
    own = SessionFactory(department=department, is_online=True, capacity=None)
    nowhere = SessionFactory(place="", starts_at=datetime.time(14, 0), capacity=3)
    first, second, third = cells_of(one_left, own, nowhere)
    assert (first.date, first.times, first.place) == (
        "maandag 7 december 2026",
        "09:00–12:30",
        "Den Haag",
    )
    assert (first.audience, first.places, first.full) == ("Rijksbreed", "nog 1 plaats", False)
    assert (second.place, second.places) == ("Online", "Geen maximum")
    assert second.audience == f"Eigen sessie van {department.code}"
    assert (third.times, third.place, third.places) == ("14:00", "–", "nog 3 plaatsen")


def test_a_session_without_places_left_is_full() -> None:
    full = SessionFactory(capacity=1)
    CompletionFactory(session=full, status=CompletionStatus.REGISTERED)
    (cells,) = cells_of(full)
    assert cells.full
    assert cells.places == ""
