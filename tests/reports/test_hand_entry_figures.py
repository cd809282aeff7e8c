"""Hand entries in the quarterly figures: confirmed ones counted apart, pending ones not at all."""

from __future__ import annotations

import datetime

import pytest

from reports.figures import icop_report, people_by_department, regiegroep_report
from reports.quarters import Quarter
from tests.factories import PersonFactory, ProgrammeFactory, op_staff
from tests.reports.conftest import World, rows, table_of
from trainings.hand_entry import completion_confirm, completion_enter_by_hand

pytestmark = pytest.mark.usefixtures("no_suppression")
Q1 = Quarter(2025, 1)
EVIDENCE = "Certificaat gezien, map P-12"


@pytest.fixture
def hand_entries(world: World) -> None:
    """AAA: one confirmed and one pending entry on the Q1 session; BBB: one confirmed."""
    enterer = op_staff(world.aaa, world.bbb, username="op.enter")
    checker = op_staff(world.aaa, world.bbb, username="op.check")
    confirmed = completion_enter_by_hand(
        person=PersonFactory(department=world.aaa),
        session=world.q1_session,
        evidence_note=EVIDENCE,
        user=enterer,
    )
    completion_confirm(completion=confirmed, user=checker)
    completion_enter_by_hand(
        person=PersonFactory(department=world.aaa),
        session=world.q1_session,
        evidence_note=EVIDENCE,
        user=enterer,
    )
    outsider = completion_enter_by_hand(
        person=PersonFactory(department=world.bbb),
        session=world.q1_session,
        evidence_note=EVIDENCE,
        user=enterer,
    )
    completion_confirm(completion=outsider, user=checker)


def test_a_confirmed_hand_entry_counts_as_trained_and_apart_a_pending_one_not_at_all(
    world: World, hand_entries: None
) -> None:
    aaa = rows(regiegroep_report(Q1), "participation-departments")["AAA"]
    assert aaa["trained"] == 2  # the chair (imported) and the confirmed hand entry
    assert aaa["by_hand"] == 1


def test_each_ministry_counts_only_its_own_hand_entries(world: World, hand_entries: None) -> None:
    people = people_by_department(Q1, Q1)
    assert people[((2025, 1), world.aaa.pk)]["by_hand"] == 1
    assert people[((2025, 1), world.bbb.pk)]["by_hand"] == 1


def test_the_icop_table_shows_hand_entries_beside_people_trained(
    world: World, hand_entries: None
) -> None:
    report = icop_report(Q1)
    aaa = rows(report, "departments")["AAA"]
    assert (aaa["people"], aaa["people_by_hand"]) == (2, 1)
    # BBB left the tender but registers its trainings in the app: its own hand entry.
    assert rows(report, "departments")["BBB"].get("people_by_hand") == 1
    total = table_of(report, "departments").total_row
    assert total is not None
    assert total.get("people_by_hand") == 2


def test_places_filled_leave_out_pending_entries(world: World, hand_entries: None) -> None:
    report = regiegroep_report(Q1)
    s2 = rows(report, "participation-suppliers", by="supplier")["Tweede BV"]
    # chair and b_person imported, plus the two confirmed hand entries.
    assert s2["attended"] == 4
    content = rows(report, "content", by="version")["2.0"]
    assert content["attended"] == 4


def test_a_training_entered_by_hand_is_no_session_held(world: World) -> None:
    user = op_staff(world.aaa, username="op.own")
    completion_enter_by_hand(
        person=PersonFactory(department=world.aaa),
        supplier=world.s2,
        programme=ProgrammeFactory(supplier=world.s2),
        date=datetime.date(2025, 2, 20),
        evidence_note=EVIDENCE,
        user=user,
    )
    s2 = rows(regiegroep_report(Q1), "participation-suppliers", by="supplier")["Tweede BV"]
    assert s2["sessions"] == 2  # as without the entry
    assert s2["attended"] == 2  # the entry is not confirmed
