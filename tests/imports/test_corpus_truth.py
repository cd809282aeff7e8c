"""The attendance corpus is consistent with itself, its world and its generator.

These tests check the corpus, not the import: every file has a truth that follows the
schema, agrees with the world and adds up; every row a truth names is where it says in
the file; and the generator still writes exactly the committed files.
"""

from __future__ import annotations

import csv
import io
import json
import zipfile
from collections import Counter
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

import pytest
from python_calamine import CalamineWorkbook

from departments.models import Person
from tests.fixtures.attendance.generate import write_corpus
from tests.imports.corpus import (
    CORPUS_DIR,
    NOT_SUPPLIER_FILES,
    TRUTH_SUFFIX,
    Truth,
    TruthError,
    World,
    corpus_files,
    truth_path,
    truth_read,
    world_load,
    world_read,
)
from trainings.models import TrainingSession

FILES = corpus_files()


def _truth(file: Path) -> Truth:
    return truth_read(truth_path(file))


@pytest.fixture(scope="module")
def world() -> World:
    return world_read()


def test_every_file_has_a_truth_and_every_truth_a_file() -> None:
    truths = {p.name[: -len(TRUTH_SUFFIX)] for p in CORPUS_DIR.glob(f"*{TRUTH_SUFFIX}")}
    assert truths == {file.name for file in FILES}


def test_the_corpus_has_thirty_files_from_five_suppliers_in_every_format(world: World) -> None:
    truths = [_truth(file) for file in FILES]
    formats = Counter(t.format.kind for t in truths)
    suppliers = {t.supplier for t in truths}
    assert len(FILES) >= 30
    assert len(suppliers) >= 5
    assert suppliers <= {s.code for s in world.suppliers}
    assert {"csv", "tsv", "xlsx", "xls", "ods"} <= set(formats)
    assert {t.format.encoding for t in truths} >= {"utf-8", "utf-8-sig", "cp1252", "utf-16"}
    assert sum(t.refused is not None for t in truths) >= 4


@pytest.mark.parametrize("file", FILES, ids=lambda path: path.name)
def test_every_truth_reads_as_the_schema_says(file: Path) -> None:
    truth = _truth(file)

    assert truth.file == file.name
    assert truth.format.extension == file.suffix.lstrip(".")


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"surprise": 1}, "unknown key"),
        ({"participant_rows": "12"}, "expected a whole number"),
        ({"held": [{"row": 3, "reason": "looks_odd", "value": None}]}, "is not one of"),
        (
            {
                "completions": [
                    {
                        "person": "W01",
                        "date": "3-3-2025",
                        "external_id": None,
                        "status": "attended",
                        "attended": True,
                    }
                ]
            },
            "is not an ISO date",
        ),
    ],
)
def test_a_truth_that_breaks_the_schema_is_refused_with_the_place_of_the_break(
    tmp_path: Path, change: dict[str, Any], message: str
) -> None:
    good = truth_path(FILES[0]).read_text(encoding="utf-8")
    broken = json.loads(good) | change
    path = tmp_path / "broken.truth.json"
    path.write_text(json.dumps(broken), encoding="utf-8")

    with pytest.raises(TruthError, match=message):
        truth_read(path)


@pytest.mark.parametrize("file", FILES, ids=lambda path: path.name)
def test_every_truth_agrees_with_the_world(file: Path, world: World) -> None:
    truth = _truth(file)
    people = {p.key: p for p in world.people}
    departments = {d.code for d in world.departments}
    sessions = {s.key: s for s in world.sessions}

    assert {m.person for m in truth.people_matched} <= set(people)
    assert {p.department for p in truth.people_created} <= departments
    assert truth.import_options.department in departments | {None}
    for matched in truth.sessions_matched:
        assert sessions[matched.session].supplier == truth.supplier
        assert sessions[matched.session].date == matched.date
    known_numbers = {p.employee_number for p in world.people} - {None}
    known_emails = {p.email for p in world.people} - {None}
    for created in truth.people_created:
        assert created.employee_number not in known_numbers
        assert created.email not in known_emails


@pytest.mark.parametrize("file", FILES, ids=lambda path: path.name)
def test_every_truth_adds_up(file: Path) -> None:
    truth = _truth(file)
    matched_rows = [m.row for m in truth.people_matched]
    created_rows = [row for person in truth.people_created for row in person.rows]
    held_rows = [h.row for h in truth.held]
    participant_rows = matched_rows + created_rows + held_rows
    people = {m.person for m in truth.people_matched} | {p.ref for p in truth.people_created}
    session_dates = {s.date for s in truth.sessions_matched} | {
        s.date for s in truth.sessions_created
    }

    assert len(participant_rows) == len(set(participant_rows)) == truth.participant_rows
    assert not set(participant_rows) & {s.row for s in truth.skipped}
    assert len(truth.completions) == len(matched_rows) + len(created_rows)
    assert {c.person for c in truth.completions} == people
    assert {c.date for c in truth.completions} == session_dates
    assert all(c.attended == (c.status == "attended") for c in truth.completions)
    assert all(1 <= e.score <= e.scale for e in truth.evaluations)
    attended = {(c.person, c.date) for c in truth.completions if c.attended}
    assert {(e.person, e.date) for e in truth.evaluations} <= attended
    if truth.refused:
        assert truth.participant_rows == 0
        assert len(truth.people_matched) + len(truth.people_created) == 0
        assert truth.sessions_created == ()
    else:
        assert truth.participant_rows > 0
        assert truth.header_row is not None
        assert all(row > truth.header_row for row in participant_rows)


def _sheet_rows(path: Path, truth: Truth) -> list[list[str]]:
    """The file's rows as a spreadsheet program shows them, every cell as text."""
    if truth.format.kind in ("csv", "tsv"):
        text = path.read_bytes().decode(truth.format.encoding or "utf-8")
        reader = csv.reader(io.StringIO(text, newline=""), delimiter=truth.format.delimiter or ",")
        return [[cell.strip() for cell in record] for record in reader]
    workbook = CalamineWorkbook.from_path(str(path))
    sheet = workbook.get_sheet_by_name(truth.format.sheet or workbook.sheet_names[0])
    return [
        [_cell_text(cell) for cell in record] for record in sheet.to_python(skip_empty_area=False)
    ]


def _cell_text(cell: object) -> str:
    if isinstance(cell, float) and cell.is_integer():
        return str(int(cell))  # number cells: employee numbers, whole scores
    return "" if cell is None else str(cell).strip()


READABLE = [file for file in FILES if _truth(file).format.kind != "other"]


@pytest.mark.parametrize("file", READABLE, ids=lambda path: path.name)
def test_every_row_a_truth_names_is_where_it_says_in_the_file(file: Path) -> None:
    truth = _truth(file)
    rows = _sheet_rows(file, truth)
    filled = {number for number, cells in enumerate(rows, 1) if any(cells)}
    participants = {m.row for m in truth.people_matched} | {h.row for h in truth.held}
    participants |= {row for person in truth.people_created for row in person.rows}
    skipped = {s.row: s for s in truth.skipped}
    header_row = truth.header_row or 0

    assert header_row in filled
    assert {n for n in filled if n > header_row} == participants | {
        row for row, s in skipped.items() if s.kind != "empty"
    }
    assert all(row not in filled for row, s in skipped.items() if s.kind == "empty")
    assert all(row < max(filled) for row, s in skipped.items() if s.kind == "empty")
    for row, s in skipped.items():
        if s.kind == "repeated_header":
            assert rows[row - 1] == rows[header_row - 1]


@pytest.mark.parametrize("file", READABLE, ids=lambda path: path.name)
def test_every_person_a_truth_names_is_in_the_row_it_names(file: Path, world: World) -> None:
    truth = _truth(file)
    rows = _sheet_rows(file, truth)
    people = {p.key: p for p in world.people}

    def row_text(number: int) -> str:
        return " ".join(rows[number - 1]).casefold()

    for matched in truth.people_matched:
        person, text = people[matched.person], row_text(matched.row)
        assert person.last_name.casefold() in text, (matched, text)
        if matched.by == "email":
            assert (person.email or "?") in text, (matched, text)
        if matched.by == "employee_number":
            assert (person.employee_number or "?") in rows[matched.row - 1], (matched, text)
    for created in truth.people_created:
        for number in created.rows:
            assert created.last_name.casefold() in row_text(number)
            assert (created.email or "") in row_text(number)
    for held in truth.held:
        if held.reason in ("unknown_department", "unreadable_date", "unknown_attendance"):
            assert held.value in rows[held.row - 1]


def test_the_generator_writes_exactly_the_committed_files(tmp_path: Path) -> None:
    written = write_corpus(tmp_path)
    committed = {path.name for path in CORPUS_DIR.iterdir() if path.is_file()} - NOT_SUPPLIER_FILES

    assert {path.name for path in written} == committed
    for path in written:
        assert file_content(path) == file_content(CORPUS_DIR / path.name), path.name


def file_content(path: Path) -> bytes | dict[str, bytes | str]:
    """The bytes of a file; of a zip (XLSX, ODS), each member uncompressed, and its XML in
    canonical form.

    Neither the compressed bytes nor the XML's spelling are the generator's doing: they
    depend on the machine's zlib and on whether openpyxl finds lxml installed (which
    writes `<a />` where ElementTree writes `<a/>`).
    """
    if not zipfile.is_zipfile(path):
        return path.read_bytes()
    with zipfile.ZipFile(path) as archive:
        return {info.filename: _canonical(archive.read(info)) for info in archive.infolist()}


def _canonical(data: bytes) -> bytes | str:
    if not data.lstrip().startswith(b"<"):
        return data
    return ElementTree.canonicalize(data.decode("utf-8"))


@pytest.mark.django_db
def test_the_world_loads_with_its_namesakes_particles_and_sessions(world: World) -> None:
    loaded = world_load(world)

    assert Person.objects.count() == len(world.people) == 43
    assert Person.objects.filter(first_name="Jeroen", department__code="BZK").count() == 2
    anna = loaded.people["W01"]
    anna.refresh_from_db()
    assert (anna.particle, anna.last_name) == ("de", "Vries")
    assert anna.full_name == "Anna de Vries"
    assert anna.department.code == "BZK"
    assert loaded.people["W41"].email is None
    session = TrainingSession.objects.get(external_id="EV-2025-031")
    assert (session.supplier.code, session.programme.supplier_id) == ("ATW", session.supplier_id)
    assert set(loaded.departments) == {d.code for d in world.departments}
    assert all(d.in_tender for d in loaded.departments.values())
