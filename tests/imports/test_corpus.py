"""Every file of the attendance corpus imports exactly as its truth says.

Each file on its own into a fresh world (tests/fixtures/attendance/README.md), through
`manage.py import_attendance --hold-invalid` with the truth's upload options (--map,
--sheet, --department, --scale): the command calls the same services as the pages.
"""

from __future__ import annotations

import io
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.utils import translation

from departments.models import Person
from imports.models import ImportBatch, ImportRow, ImportStatus, RowOutcome
from tests.imports.corpus import (
    LoadedWorld,
    Truth,
    corpus_files,
    truth_path,
    truth_read,
    world_load,
    world_read,
)
from trainings.models import Evaluation, TrainingCompletion, TrainingSession

# The import's problem codes, by the reason the corpus gives for holding a row or
# refusing a file. One reason may have several codes: the import says more precisely
# what is wrong ("a date that does not exist" or "a date that is no date").
HELD_REASONS: dict[str, str] = {
    "ambiguous_person": "ambiguous_person",
    "unknown_department": "unknown_department",
    "no_department_no_match": "no_department_no_match",
    "invalid_date": "unreadable_date",
    "impossible_date": "unreadable_date",
    "missing_date": "unreadable_date",
    "date_out_of_range": "unreadable_date",
    "unknown_attendance": "unknown_attendance",
    "conflicting_identity": "conflicting_identity",
}
REFUSALS: dict[str, str] = {
    "no_participants": "no_participants",
    "no_data": "no_participants",
    "content_mismatch": "not_a_spreadsheet",
    "unreadable_file": "not_a_spreadsheet",
    "binary_content": "not_a_spreadsheet",
    "encrypted_or_legacy": "not_a_spreadsheet",
    "unknown_encoding": "not_a_spreadsheet",
    "unsupported_extension": "not_a_spreadsheet",
    "not_a_table": "not_a_spreadsheet",
}
APPLIED = (RowOutcome.NEW, RowOutcome.UPDATED, RowOutcome.UNCHANGED)
HELD = (RowOutcome.REVIEW, RowOutcome.REJECTED)


def _import(path: Path, truth: Truth, world: LoadedWorld) -> ImportBatch:
    """Import the file with `manage.py import_attendance --hold-invalid` and the truth's
    upload options, as an administrator would."""
    options = truth.import_options
    arguments = [str(path), "--supplier", world.suppliers[truth.supplier].code, "--hold-invalid"]
    for field, column in (options.map or {}).items():
        arguments += ["--map", f"{field}={column}"]
    if truth.format.sheet:
        arguments += ["--sheet", truth.format.sheet]
    if options.department is not None:
        arguments += ["--department", world.departments[options.department].code]
    if options.score_scale is not None:
        arguments += ["--scale", str(options.score_scale)]
    output = io.StringIO()
    with pytest.raises(SystemExit) as exit_code:
        call_command("import_attendance", *arguments, stdout=output, stderr=output)
    batch = ImportBatch.objects.latest("pk")
    # 0: all applied; 1: applied with rows held, or refused (the documented exit codes).
    held = batch.counts.get("review", 0) + batch.counts.get("rejected", 0)
    expected = 0 if batch.status == ImportStatus.APPLIED and not held else 1
    assert exit_code.value.code == expected, output.getvalue()
    return batch


def _keys(world: LoadedWorld, created: dict[int, str]) -> dict[int, str]:
    return {person.pk: key for key, person in world.people.items()} | created


@pytest.mark.django_db
@pytest.mark.parametrize("path", corpus_files(), ids=lambda path: path.name)
def test_each_corpus_file_imports_as_its_truth_says(path: Path) -> None:
    truth = truth_read(truth_path(path))
    world = world_load(world_read())
    before_people = set(Person.objects.values_list("pk", flat=True))
    before_sessions = set(TrainingSession.objects.values_list("pk", flat=True))
    with translation.override("en"):
        batch = _import(path, truth, world)

    skipped = Counter(
        (number, row["reason"])
        for row in batch.skipped_rows
        for number in range(row["row"], row["last_row"] + 1)
    )
    assert skipped == Counter((row.row, row.kind) for row in truth.skipped)
    if truth.refused is not None:
        assert batch.status == ImportStatus.REJECTED
        codes = {REFUSALS.get(p["code"], p["code"]) for p in batch.problems if p["row"] is None}
        assert codes == {truth.refused.kind}
        assert not Person.objects.exclude(pk__in=before_people).exists()
        assert not TrainingCompletion.objects.exists()
        return
    assert batch.status == ImportStatus.APPLIED, batch.problems

    rows = list(ImportRow.objects.filter(batch=batch).order_by("row_number"))
    held = {
        (row.row_number, HELD_REASONS.get(p["code"], p["code"]))
        for row in rows
        if row.outcome in HELD
        for p in row.problems[:1]
    }
    assert held == {(row.row, row.reason) for row in truth.held}

    created_people = list(Person.objects.exclude(pk__in=before_people))
    rows_of: dict[int, list[int]] = {}
    for row in rows:
        if row.outcome in APPLIED and row.person_id is not None:
            rows_of.setdefault(row.person_id, []).append(row.row_number)
    made = {
        (p.first_name, p.particle, p.last_name, p.department.code, p.email, p.employee_number,
         tuple(rows_of.get(p.pk, [])))
        for p in created_people
    }  # fmt: skip
    expected = {
        (p.first_name, p.particle, p.last_name, p.department, p.email, p.employee_number, p.rows)
        for p in truth.people_created
    }
    assert made == expected, (sorted(made - expected), sorted(expected - made))
    refs = {
        person.pk: next(
            n.ref for n in truth.people_created if tuple(rows_of.get(person.pk, [])) == n.rows
        )
        for person in created_people
    }
    keys = _keys(world, refs)

    matched = {
        (row.row_number, keys[row.person_id], row.data.get("match", {}).get("person"))
        for row in rows
        if row.outcome in APPLIED and row.person_id in keys and row.person_id not in refs
    }
    assert matched == {(m.row, m.person, m.by) for m in truth.people_matched}

    new_sessions = TrainingSession.objects.exclude(pk__in=before_sessions)
    assert sorted(
        (s.date, s.place if any(c.place is not None for c in truth.sessions_created) else None,
         s.external_id or None)
        for s in new_sessions
    ) == sorted(
        (c.date, c.place, c.external_id if c.external_id is not None else None)
        for c in truth.sessions_created
    )  # fmt: skip
    session_keys = {session.pk: key for key, session in world.sessions.items()}
    completions = list(TrainingCompletion.objects.select_related("session"))
    assert {
        (c.session.date, session_keys[c.session_id])
        for c in completions
        if c.session_id in session_keys
    } == {(m.date, m.session) for m in truth.sessions_matched}
    assert _completions(completions, keys, truth) == _truth_completions(truth)

    evaluations = Evaluation.objects.select_related("session")
    scored = {(keys.get(e.person_id or 0), e.session.date, e.score, e.scale) for e in evaluations}
    assert scored == {(e.person, e.date, e.score, e.scale) for e in truth.evaluations}
    assert batch.counts.get("skipped", 0) == len(truth.skipped)


def _completions(
    completions: list[TrainingCompletion], keys: dict[int, str], truth: Truth
) -> Counter[tuple[Any, ...]]:
    with_ids = any(c.external_id is not None for c in truth.completions)
    return Counter(
        (
            keys[c.person_id],
            c.session.date,
            (c.session.external_id or None) if with_ids else None,
            c.status,
            c.status == "attended",
        )
        for c in completions
    )


def _truth_completions(truth: Truth) -> Counter[tuple[Any, ...]]:
    with_ids = any(c.external_id is not None for c in truth.completions)
    return Counter(
        (c.person, c.date, c.external_id if with_ids else None, c.status, c.attended)
        for c in truth.completions
    )


def test_every_reason_of_the_corpus_has_an_import_code() -> None:
    from tests.imports.corpus import HeldReason, RefusalKind

    assert set(HeldReason.__args__) <= set(HELD_REASONS.values())
    assert set(RefusalKind.__args__) <= set(REFUSALS.values())
