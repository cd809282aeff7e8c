"""The stored supplier figures equal a full recomputation after every kind of write.

Each test changes sessions, places or evaluations the way the pages, the admin, imports
and retention do, then compares every stored row with `supplier_figures_compute` over
all quarters, and checks that the figure the write should move did move.
"""

from __future__ import annotations

import datetime
import io
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone

from committees.services import session_cancel
from imports.services import attendance_import_apply, import_batch_create
from imports.sessions import sessions_import
from privacy.retention import people_apply_retention
from reports.models import StoredSupplierFigures
from reports.quarters import Quarter
from reports.stored import figures_rebuild
from reports.supplier_comparison import supplier_comparison
from reports.supplier_figures import (
    Scores,
    supplier_figures_compute,
    supplier_figures_rebuild,
    supplier_figures_refresh,
)
from tests.factories import (
    CompletionFactory,
    DepartmentFactory,
    EvaluationFactory,
    PersonFactory,
    ProgrammeFactory,
    SessionFactory,
    SupplierFactory,
    administrator,
    op_staff,
)
from tests.imports.sessions_files import csv_schedule
from trainings.hand_entry import completion_confirm, completion_enter_by_hand
from trainings.models import CompletionStatus, Evaluation, Supplier, TrainingSession
from trainings.services import registration_cancel, registration_create

pytestmark = pytest.mark.django_db

D = datetime.date
Q1, Q2, Q3 = Quarter(2025, 1), Quarter(2025, 2), Quarter(2025, 3)
Key = tuple[int, int, int, int]


def stored() -> dict[Key, dict[str, Any]]:
    return {
        (r.year, r.number, r.supplier_id, r.programme_id): r.sums()
        for r in StoredSupplierFigures.objects.all()
    }


def recomputed() -> dict[Key, dict[str, Any]]:
    return supplier_figures_compute(Quarter(2015, 1), Quarter(2035, 4))


def figure(quarter: Quarter, supplier: Supplier, name: str) -> Any:
    """`name` of `supplier` in `quarter`, over its programme versions."""
    rows = StoredSupplierFigures.objects.between(quarter, quarter).filter(supplier=supplier)
    return sum((getattr(r, name) for r in rows), 0)


@pytest.fixture
def session(db: None) -> TrainingSession:
    """A session of ACME in 2025Q2 with one attended place, stored."""
    department = DepartmentFactory(code="AAA")
    supplier = SupplierFactory(code="ACME", name="Acme BV")
    programme = ProgrammeFactory(supplier=supplier, name="Selecteren", version="1")
    held = SessionFactory(supplier=supplier, programme=programme, date=D(2025, 5, 6), capacity=12)
    CompletionFactory(session=held, person=PersonFactory(department=department))
    figures_rebuild()  # the factories write past the services
    assert figure(Q2, supplier, "attended") == 1
    return held


def test_cancelling_a_place_within_the_last_days_counts_a_late_cancellation(settings) -> None:
    settings.LATE_CANCELLATION_DAYS = 3
    soon = SessionFactory(date=timezone.localdate() + datetime.timedelta(days=2), capacity=5)
    quarter = Quarter.containing(soon.date)
    place = registration_create(person=PersonFactory(), session=soon, user=None)
    assert place.completion is not None
    assert figure(quarter, soon.supplier, "sessions") == 1
    assert stored() == recomputed()

    registration_cancel(completion=place.completion, user=None)

    assert figure(quarter, soon.supplier, "late_cancellations") == 1
    assert stored() == recomputed()


def test_a_cancelled_session_is_no_longer_held(db: None) -> None:
    upcoming = SessionFactory(date=timezone.localdate() + datetime.timedelta(days=20), capacity=9)
    quarter = Quarter.containing(upcoming.date)
    supplier_figures_rebuild()
    assert figure(quarter, upcoming.supplier, "capacity") == 9

    session_cancel(session=upcoming, user=None)

    assert figure(quarter, upcoming.supplier, "sessions") == 0
    assert stored() == recomputed()


def test_confirming_a_hand_entry_fills_a_place(session) -> None:
    department = DepartmentFactory(code="BBB")
    entered = completion_enter_by_hand(
        person=PersonFactory(department=department),
        session=session,
        evidence_note="Certificaat",
        user=op_staff(department),
    )
    assert figure(Q2, session.supplier, "attended") == 1  # awaiting confirmation: nowhere

    completion_confirm(completion=entered, user=op_staff(department))

    assert figure(Q2, session.supplier, "attended") == 2
    assert stored() == recomputed()


def test_an_attendance_import_with_scores_adds_sessions_places_and_evaluations(session) -> None:
    person = PersonFactory(department=DepartmentFactory(code="CCC"))
    headers = (
        "Personeelsnummer;Voornaam;Achternaam;E-mailadres;Ministerie;Datum;Locatie;Aanwezig;Cijfer"
    )
    row = (
        f"{person.employee_number};{person.first_name};{person.last_name};{person.email};"
        "CCC;03-03-2025;Utrecht;ja;4"
    )
    batch = import_batch_create(
        file=io.BytesIO(f"{headers}\n{row}\n".encode()),
        file_name="lijst.csv",
        supplier=session.supplier,
        user=None,
    )

    applied = attendance_import_apply(batch=batch, hold_invalid=False)

    assert applied.counts["new"] == 1
    assert figure(Q1, session.supplier, "sessions") == 1
    assert figure(Q1, session.supplier, "attended") == 1
    assert figure(Q1, session.supplier, "responses") == 1
    assert stored() == recomputed()


def test_a_schedule_import_adds_and_moves_sessions(db: None) -> None:
    supplier = SupplierFactory(code="SCH")
    first = timezone.localdate() + datetime.timedelta(days=10)
    later = first + datetime.timedelta(days=120)  # another quarter
    sessions_import(
        supplier=supplier,
        source=csv_schedule([["S-1", first.isoformat(), "09:30", "12:00", "Utrecht", "", 16, ""]]),
        filename="rooster.csv",
    )
    assert figure(Quarter.containing(first), supplier, "capacity") == 16
    assert stored() == recomputed()

    sessions_import(
        supplier=supplier,
        source=csv_schedule([["S-1", later.isoformat(), "09:30", "12:00", "Utrecht", "", 20, ""]]),
        filename="rooster.csv",
    )

    assert figure(Quarter.containing(first), supplier, "sessions") == 0
    assert figure(Quarter.containing(later), supplier, "capacity") == 20
    assert stored() == recomputed()


def test_moving_a_session_to_another_supplier_and_quarter_in_the_admin(client, session) -> None:
    other = SupplierFactory(code="OTH", name="Ander BV")
    client.force_login(administrator())
    response = client.post(
        f"/admin/trainings/trainingsession/{session.pk}/change/",
        {
            "supplier": other.pk,
            "programme": session.programme_id,
            "date": "2025-08-01",
            "place": "Utrecht",
            "capacity": 12,
            "online_link": "",
            "external_id": "",
        },
    )

    assert response.status_code == 302
    assert figure(Q2, session.supplier, "sessions") == 0
    assert figure(Q3, other, "attended") == 1
    assert stored() == recomputed()


def test_adding_and_deleting_an_evaluation_in_the_admin(client, session) -> None:
    client.force_login(administrator())
    response = client.post(
        "/admin/trainings/evaluation/add/",
        {"session": session.pk, "score": "4", "scale": "5", "response_count": 6, "answers": "{}"},
    )
    assert response.status_code == 302
    assert figure(Q2, session.supplier, "responses") == 6
    assert figure(Q2, session.supplier, "total") == Decimal("7.75") * 6  # 4 of 5 on 1-10
    assert stored() == recomputed()

    evaluation = Evaluation.objects.get(session=session)
    response = client.post(f"/admin/trainings/evaluation/{evaluation.pk}/delete/", {"post": "yes"})

    assert response.status_code == 302
    assert figure(Q2, session.supplier, "responses") == 0
    assert stored() == recomputed()


def test_deleting_a_place_in_the_admin(client, session) -> None:
    client.force_login(administrator())
    completion = session.completions.get()

    response = client.post(
        f"/admin/trainings/trainingcompletion/{completion.pk}/delete/", {"post": "yes"}
    )

    assert response.status_code == 302
    assert figure(Q2, session.supplier, "attended") == 0
    assert stored() == recomputed()


def test_retention_takes_a_deleted_persons_score_out(session) -> None:
    # Scored but never in a place: retention deletes them, and their score with them.
    gone = PersonFactory(department=session.completions.get().person.department)
    EvaluationFactory(session=session, person=gone, score=9, scale=10)
    supplier_figures_rebuild()
    assert figure(Q2, session.supplier, "responses") == 1

    people_apply_retention(years=1, today=D(2040, 1, 1))

    assert figure(Q2, session.supplier, "responses") == 0
    assert stored() == recomputed()


def test_a_refresh_of_some_quarters_and_suppliers_leaves_the_others(session) -> None:
    earlier = SessionFactory(supplier=session.supplier, programme=session.programme)
    earlier.date = D(2025, 2, 1)
    earlier.save()
    elsewhere = SessionFactory(date=D(2025, 5, 1))
    supplier_figures_refresh(first=Q2, last=Q2, suppliers={session.supplier_id})
    assert figure(Q1, session.supplier, "sessions") == 0  # not asked: untouched
    assert figure(Q2, elsewhere.supplier, "sessions") == 0
    supplier_figures_refresh(first=Q1, last=Q2)
    assert figure(Q1, session.supplier, "sessions") == 1
    assert stored() == recomputed()


def test_figures_counted_with_other_late_days_are_counted_again_when_read(
    settings, session
) -> None:
    settings.LATE_CANCELLATION_DAYS = 3
    CompletionFactory(
        session=session,
        status=CompletionStatus.CANCELLED,
        status_changed_at=datetime.datetime(2025, 5, 1, 12, tzinfo=datetime.UTC),  # 5 days
    )
    supplier_figures_rebuild()
    settings.REPORT_SUPPRESSION_THRESHOLD = 1
    [row] = supplier_comparison(Q2, Q2).tables[0].rows
    assert row.get("late_rate") == 0

    settings.LATE_CANCELLATION_DAYS = 7  # changed in a deploy, before rebuild_figures ran

    [row] = supplier_comparison(Q2, Q2).tables[0].rows
    assert row.get("late_rate") == Decimal(1) / Decimal(2)


def test_quarters_add_up_to_the_figures_of_the_whole_period(settings) -> None:
    """Sums, not means: the stored quarters of a period give the mean and interval of
    all its scores together."""
    settings.REPORT_MIN_RESPONSES = 1
    supplier = SupplierFactory(code="SUM")
    scores = {D(2025, 2, 1): (6, 7), D(2025, 5, 1): (9, 10, 10)}
    for date, given in scores.items():
        held = SessionFactory(supplier=supplier, date=date)
        for score in given:
            EvaluationFactory(session=held, person=PersonFactory(), score=score)
    EvaluationFactory(
        session=SessionFactory(supplier=supplier, date=D(2025, 6, 1)),
        person=None,
        score=4,
        scale=5,
        response_count=4,
    )
    supplier_figures_rebuild()

    whole = Scores()
    for row in StoredSupplierFigures.objects.filter(supplier=supplier):
        whole.add(Scores.from_sums(row.sums()))
    by_hand = Scores()
    by_hand.add_session(2, Decimal(13), Decimal(36 + 49))
    by_hand.add_session(3, Decimal(29), Decimal(81 + 100 + 100))
    by_hand.add_session(4, Decimal(31), None)  # 4 of 5 is 7.75 on 1-10
    assert whole.mean == by_hand.mean == Decimal(13 + 29 + 31) / 9
    interval, expected = whole.interval(), by_hand.interval()
    assert interval is not None
    assert expected is not None
    assert [float(v) for v in interval] == pytest.approx([float(v) for v in expected], abs=1e-9)
