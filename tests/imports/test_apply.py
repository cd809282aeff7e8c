"""Applying a file: idempotent, chunk by chunk with a checkpoint, recorded, with a review queue."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from departments.models import DepartmentAlias, Person
from imports import services
from imports.models import ImportRow, ImportStatus, RowOutcome, RowResolution
from imports.services import (
    ImportNotAllowed,
    attendance_import_apply,
    attendance_import_preview,
    import_row_correct,
    import_row_discard,
    import_row_resolve,
)
from tests.factories import PersonFactory, SessionFactory, administrator
from tests.imports.conftest import csv_file, make_batch
from trainings.models import TrainingCompletion

pytestmark = pytest.mark.django_db
DAY = "03-03-2025"


def rows_for(count: int, start: int = 0, day: str = DAY) -> list[list[str]]:
    return [
        [str(1000 + n), "Voor", f"Naam{n}", f"p{n}@example.nl", "AAA", day, "Utrecht", "ja"]
        for n in range(start, start + count)
    ]


def test_reimporting_an_overlapping_file_changes_nothing_and_adds_no_duplicates(
    supplier, department
) -> None:
    first = attendance_import_apply(
        batch=make_batch(supplier, csv_file(rows_for(5))), hold_invalid=False
    )
    assert first.counts["new"] == 5
    overlapping = rows_for(7, start=2)  # 3 known, 4 new
    second = attendance_import_apply(
        batch=make_batch(supplier, csv_file(overlapping)), hold_invalid=False
    )
    assert second.counts == {
        "total": 7, "new": 4, "updated": 0, "unchanged": 3, "review": 0, "rejected": 0,
    }  # fmt: skip
    assert TrainingCompletion.objects.count() == 9
    assert Person.objects.count() == 9
    # Unchanged completions keep pointing to the import they came from.
    assert TrainingCompletion.objects.filter(import_rows__batch=first).distinct().count() == 5


def test_a_byte_identical_file_is_detected_and_not_applied_twice(supplier, department) -> None:
    content = csv_file(rows_for(3))
    attendance_import_apply(batch=make_batch(supplier, content), hold_invalid=False)
    again = make_batch(supplier, content)
    assert again.duplicate_of is not None
    attendance_import_preview(batch=again)
    assert again.problems[0]["code"] == "already_imported"
    assert again.counts["unchanged"] == 3
    with pytest.raises(ImportNotAllowed, match="already imported"):
        attendance_import_apply(batch=again, hold_invalid=False)
    forced = attendance_import_apply(batch=again, hold_invalid=False, force=True)
    assert forced.counts["unchanged"] == 3
    assert TrainingCompletion.objects.count() == 3


def test_applying_an_applied_batch_again_does_nothing(supplier, department) -> None:
    batch = attendance_import_apply(
        batch=make_batch(supplier, csv_file(rows_for(2))), hold_invalid=False
    )
    attendance_import_apply(batch=batch, hold_invalid=False)
    assert ImportRow.objects.count() == 2
    assert TrainingCompletion.objects.count() == 2


def test_a_database_error_midway_keeps_the_committed_chunks_and_a_new_apply_continues_once(
    supplier, department, monkeypatch
) -> None:
    monkeypatch.setattr(services, "CHUNK_SIZE", 2)
    calls = {"n": 0}
    original = services.rows_write

    def failing(batch_id, chunk):
        calls["n"] += 1
        if calls["n"] == 2:
            raise RuntimeError("disk full")
        original(batch_id, chunk)

    # The database failing on the second chunk (a full disk, a lost connection).
    monkeypatch.setattr(services, "rows_write", failing)
    batch = make_batch(supplier, csv_file(rows_for(5)))
    with pytest.raises(RuntimeError):
        attendance_import_apply(batch=batch, hold_invalid=False)
    # The first chunk (2 rows) is committed with its checkpoint; the second is not.
    batch.refresh_from_db()
    assert (batch.status, batch.rows_done) == (ImportStatus.APPLYING, 2)
    assert Person.objects.count() == 2
    assert TrainingCompletion.objects.count() == ImportRow.objects.count() == 2

    batch = attendance_import_apply(batch=batch, hold_invalid=False)
    assert batch.status == ImportStatus.APPLIED
    assert batch.counts == {
        "new": 5, "updated": 0, "unchanged": 0, "review": 0, "rejected": 0, "total": 5
    }  # fmt: skip
    assert batch.rows_done == 5
    assert Person.objects.count() == 5
    assert TrainingCompletion.objects.filter(import_rows__batch=batch).distinct().count() == 5
    assert sorted(ImportRow.objects.values_list("row_number", flat=True)) == [2, 3, 4, 5, 6]


def stop_after(chunks: int):
    """A should_stop that lets `chunks` chunks through, then asks to stop."""
    asked = {"n": 0}

    def should_stop() -> bool:
        asked["n"] += 1
        return asked["n"] > chunks

    return should_stop


def test_an_apply_told_to_stop_waits_with_its_checkpoint_and_continues_once(
    supplier, department, monkeypatch
) -> None:
    monkeypatch.setattr(services, "CHUNK_SIZE", 2)
    # Row 6 repeats row 2's person and session with another status, across chunks.
    rows = [*rows_for(4), [*rows_for(1)[0][:7], "nee"], *rows_for(2, start=4)]
    batch = make_batch(supplier, csv_file(rows))
    # First the dry run reads the 4 chunks (nothing is written), then 1 chunk is applied.
    batch = attendance_import_apply(batch=batch, hold_invalid=False, should_stop=stop_after(5))
    assert (batch.status, batch.rows_done, batch.counts) == (ImportStatus.QUEUED, 2, {})
    batch = attendance_import_apply(batch=batch, hold_invalid=False, should_stop=stop_after(1))
    assert (batch.status, batch.rows_done) == (ImportStatus.QUEUED, 4)

    batch = attendance_import_apply(batch=batch, hold_invalid=False, should_stop=stop_after(9))
    assert batch.status == ImportStatus.APPLIED
    assert batch.counts == {
        "new": 6, "updated": 1, "unchanged": 0, "review": 0, "rejected": 0, "total": 7
    }  # fmt: skip
    assert Person.objects.count() == 6
    assert TrainingCompletion.objects.count() == 6
    assert TrainingCompletion.objects.get(person__employee_number="1000").status == "no_show"
    assert ImportRow.objects.filter(batch=batch).count() == 7


def test_a_file_with_a_held_row_near_its_end_is_refused_before_any_chunk_is_written(
    supplier, department, monkeypatch
) -> None:
    monkeypatch.setattr(services, "CHUNK_SIZE", 2)
    unknown = ["", "Onbekend", "Persoon", "", "ZZZ", DAY, "Utrecht", "ja"]
    batch = make_batch(supplier, csv_file([*rows_for(4), unknown]))
    batch = attendance_import_apply(batch=batch, hold_invalid=False)
    assert batch.status == ImportStatus.REJECTED
    assert batch.counts["review"] == 1  # an unknown ministry is held for review
    assert not Person.objects.exists()
    assert not ImportRow.objects.exists()


def test_the_number_of_queries_does_not_grow_with_the_rows(supplier, department) -> None:
    def queries(count: int, start: int, day: str) -> int:
        PersonFactory.create_batch(3)
        batch = make_batch(supplier, csv_file(rows_for(count, start, day)))
        with CaptureQueriesContext(connection) as captured:
            attendance_import_apply(batch=batch, hold_invalid=False)
        return len(captured)

    assert queries(3, 0, "01-03-2025") == queries(60, 100, "02-03-2025")


def held_row(supplier, department) -> ImportRow:
    PersonFactory(employee_number="12345", first_name="Jan", last_name="Berg")
    batch = attendance_import_apply(
        batch=make_batch(
            supplier, csv_file([["12345", "Piet", "Puk", "", "", DAY, "Utrecht", "nee"]])
        ),
        hold_invalid=True,
    )
    row = batch.rows.get()
    assert row.outcome == RowOutcome.REVIEW
    assert row.raw["Voornaam"] == "Piet"
    return row


def test_a_held_row_can_be_matched_to_a_person_by_hand(supplier, department) -> None:
    row = held_row(supplier, department)
    person = PersonFactory(first_name="Piet", last_name="Puk")
    user = administrator()
    import_row_resolve(row=row, person=person, user=user)
    row.refresh_from_db()
    assert (row.resolution, row.resolved_by, row.person) == (RowResolution.MATCHED, user, person)
    assert row.resolved_at is not None
    completion = TrainingCompletion.objects.get()
    assert (completion.person, completion.status, row.completion) == (person, "no_show", completion)
    assert completion.session.date == datetime.date(2025, 3, 3)
    with pytest.raises(ImportNotAllowed):
        import_row_discard(row=row, user=user)


def test_a_held_row_can_be_corrected(supplier, department) -> None:
    row = held_row(supplier, department)
    import_row_correct(
        row=row, values={"first_name": "Jan", "last_name": "Berg"}, user=administrator()
    )
    row.refresh_from_db()
    assert row.resolution == RowResolution.CORRECTED
    assert TrainingCompletion.objects.get().person.employee_number == "12345"


def test_a_correction_that_still_fails_changes_nothing(supplier, department) -> None:
    row = held_row(supplier, department)
    with pytest.raises(ImportNotAllowed):
        import_row_correct(row=row, values={"first_name": "Nog", "last_name": "Fout"}, user=None)
    row.refresh_from_db()
    assert row.resolution == ""
    assert not TrainingCompletion.objects.exists()


def test_a_held_row_can_be_discarded_with_who_and_when(supplier, department) -> None:
    row = held_row(supplier, department)
    user = administrator()
    import_row_discard(row=row, user=user)
    row.refresh_from_db()
    assert (row.resolution, row.resolved_by) == (RowResolution.DISCARDED, user)
    assert not ImportRow.objects.pending_review().exists()


def test_existing_sessions_get_no_duplicate_when_matched_by_place(supplier) -> None:
    SessionFactory(supplier=supplier, date=datetime.date(2025, 3, 3), place="Utrecht")
    PersonFactory(employee_number="1")
    PersonFactory(employee_number="2")
    attendance_import_apply(
        batch=make_batch(
            supplier,
            csv_file(
                [
                    ["1", "", "", "", "", DAY, "Utrecht", "ja"],
                    ["2", "", "", "", "", DAY, "Utrecht", "ja"],
                ]
            ),
        ),
        hold_invalid=False,
    )
    assert TrainingCompletion.objects.values("session").distinct().count() == 1


def _reads(supplier, content: bytes, *, name: str) -> int:
    """How often applying the file (held rows for review) reads it through an importer:
    each read loads the ministries and their aliases once."""
    batch = make_batch(supplier, content, name=name)
    with CaptureQueriesContext(connection) as queries:
        batch = attendance_import_apply(batch=batch, hold_invalid=True)
    assert batch.status == ImportStatus.APPLIED
    aliases = DepartmentAlias._meta.db_table
    return sum(f'FROM "{aliases}"' in query["sql"] for query in queries.captured_queries)


def test_a_file_without_scores_is_read_once_when_applied(supplier, department) -> None:
    """Only scores need the whole file read before the first chunk (their scale)."""
    without = _reads(supplier, csv_file(rows_for(3)), name="zonder.csv")
    scored = csv_file(
        [[*row, "8"] for row in rows_for(3, start=10)],
        headers=["Personeelsnummer", "Voornaam", "Achternaam", "E-mailadres", "Ministerie",
                 "Datum", "Locatie", "Aanwezig", "Cijfer"],
    )  # fmt: skip

    assert without == 1
    assert _reads(supplier, scored, name="met.csv") == 2
