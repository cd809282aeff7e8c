"""How rows of a supplier's list become people, sessions and completions."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest

from departments.models import Department, Person
from imports.models import ImportRow, ImportStatus, RowOutcome
from imports.services import (
    ImportNotAllowed,
    attendance_import_apply,
    attendance_import_preview,
)
from tests.factories import CompletionFactory, PersonFactory, SessionFactory
from tests.imports.conftest import csv_file, make_batch
from trainings.models import (
    CompletionStatus,
    Evaluation,
    Supplier,
    TrainingCompletion,
    TrainingSession,
)

pytestmark = pytest.mark.django_db
DAY = "03-03-2025"


def apply(supplier: Supplier, rows, headers=None, hold: bool = True):
    content = csv_file(rows) if headers is None else csv_file(rows, headers)
    batch = make_batch(supplier, content)
    return attendance_import_apply(batch=batch, hold_invalid=hold)


def outcomes(batch) -> dict[int, str]:
    return dict(batch.rows.values_list("row_number", "outcome"))


def test_a_row_matches_a_person_by_employee_number(supplier, department: Department) -> None:
    person = PersonFactory(employee_number="12345", first_name="Jan", last_name="Berg")
    batch = apply(supplier, [["12345", "Jan", "Berg", "", "", DAY, "Utrecht", "ja"]])
    assert batch.status == ImportStatus.APPLIED
    completion = TrainingCompletion.objects.get()
    assert completion.person == person
    assert completion.status == CompletionStatus.ATTENDED
    assert completion.import_rows.get().batch == batch
    assert batch.counts["new"] == 1


def test_a_row_matches_by_email_whatever_its_case(supplier, department) -> None:
    person = PersonFactory(
        employee_number=None, email="jan.berg@example.nl", first_name="Jan", last_name="Berg"
    )
    apply(supplier, [["", "Jan", "Berg", "Jan.Berg@Example.NL", "", DAY, "Utrecht", "ja"]])
    assert TrainingCompletion.objects.get().person == person


def test_a_row_matches_by_exact_name_within_the_department(supplier, department) -> None:
    person = PersonFactory(
        employee_number=None, email=None, first_name="Jan", last_name="Berg", department=department
    )
    PersonFactory(employee_number=None, email=None, first_name="Jan", last_name="Berg")
    apply(supplier, [["", "jan", "berg", "", "AAA", DAY, "Utrecht", "ja"]])
    assert TrainingCompletion.objects.get().person == person


def test_two_people_with_the_same_name_send_the_row_to_review(supplier, department) -> None:
    for _ in range(2):
        PersonFactory(
            employee_number=None, email=None, first_name="Jan", last_name="Berg",
            department=department,
        )  # fmt: skip
    batch = apply(supplier, [["", "Jan", "Berg", "", "AAA", DAY, "Utrecht", "ja"]])
    assert outcomes(batch) == {2: RowOutcome.REVIEW}
    assert batch.problems[0]["code"] == "ambiguous_person"
    assert batch.problems[0]["message"] == (
        "2 people at AAA are called Jan Berg, and the row has no email address or employee "
        "number to tell them apart."
    )
    assert not TrainingCompletion.objects.exists()


def test_a_name_that_disagrees_with_the_employee_number_goes_to_review(supplier) -> None:
    PersonFactory(employee_number="12345", first_name="Jan", last_name="Berg")
    batch = apply(supplier, [["12345", "Piet", "Klaassen", "", "", DAY, "Utrecht", "ja"]])
    assert outcomes(batch) == {2: RowOutcome.REVIEW}
    assert batch.problems[0]["code"] == "conflicting_identity"
    assert batch.problems[0]["row"] == 2


def test_number_and_email_of_two_different_people_go_to_review(supplier) -> None:
    PersonFactory(employee_number="12345", first_name="Jan", last_name="Berg")
    PersonFactory(email="piet@example.nl")
    batch = apply(supplier, [["12345", "Jan", "Berg", "piet@example.nl", "", DAY, "", "ja"]])
    assert outcomes(batch) == {2: RowOutcome.REVIEW}


def test_an_unknown_person_with_enough_data_is_created(supplier, department) -> None:
    batch = apply(supplier, [["777", "Anna", "de Vries", "anna@example.nl", "AAA", DAY, "", "ja"]])
    person = Person.objects.get(employee_number="777")
    assert (person.first_name, person.email, person.department) == (
        "Anna", "anna@example.nl", department,
    )  # fmt: skip
    assert outcomes(batch) == {2: RowOutcome.NEW}
    assert ImportRow.objects.get().person == person


def test_an_unknown_person_with_a_name_and_ministry_is_created_without_email_or_number(
    supplier, department
) -> None:
    batch = apply(supplier, [["", "Anna", "de Vries", "", "AAA", DAY, "", "ja"]])
    assert outcomes(batch) == {2: RowOutcome.NEW}
    person = Person.objects.get()
    assert (person.first_name, person.particle, person.last_name, person.department) == (
        "Anna", "de", "Vries", department,
    )  # fmt: skip
    assert (person.email, person.employee_number) == (None, None)


def test_two_new_people_without_email_or_number_are_two_people(supplier, department) -> None:
    batch = apply(
        supplier,
        [
            ["", "Anna", "de Vries", "", "AAA", DAY, "", "ja"],
            ["", "Bram", "Berg", "", "AAA", DAY, "", "ja"],
            ["", "Anna", "de Vries", "", "AAA", "10-03-2025", "", "ja"],
        ],
    )
    rows = {row.row_number: row.person for row in ImportRow.objects.filter(batch=batch)}
    assert Person.objects.count() == 2
    assert rows[2] == rows[4] != rows[3]


def test_an_unknown_person_without_a_ministry_is_held_with_the_real_cause(supplier) -> None:
    batch = apply(supplier, [["", "Anna", "de Vries", "", "", DAY, "", "ja"]])
    assert outcomes(batch) == {2: RowOutcome.REVIEW}
    assert batch.problems[0]["code"] == "no_department_no_match"
    assert batch.problems[0]["message"].startswith(
        "No ministry in the file, and no email address or employee number to find the person"
    )
    assert not Person.objects.exists()


def test_a_person_found_by_email_needs_no_ministry(supplier) -> None:
    person = PersonFactory(email="anna@example.nl", first_name="Anna", last_name="Vries")
    batch = apply(supplier, [["", "Anna", "Vries", "Anna@Example.nl ", "", DAY, "", "ja"]])
    assert outcomes(batch) == {2: RowOutcome.NEW}
    assert TrainingCompletion.objects.get().person == person
    assert ImportRow.objects.get().data["match"]["person"] == "email"


def test_an_initial_matches_the_one_person_at_the_ministry_it_fits(supplier, department) -> None:
    anna = PersonFactory(
        employee_number=None, email=None, first_name="Anna", particle="de", last_name="Vries",
        department=department,
    )  # fmt: skip
    PersonFactory(first_name="Arjen", particle="de", last_name="Vries")  # another ministry
    PersonFactory(first_name="Bert", particle="de", last_name="Vries", department=department)
    apply(supplier, [["", "A.", "de Vries", "", "AAA", DAY, "", "ja"]])
    assert TrainingCompletion.objects.get().person == anna


def test_an_initial_that_fits_two_people_is_held_as_ambiguous(supplier, department) -> None:
    for first in ("Jeroen", "Jan"):
        PersonFactory(first_name=first, last_name="Bakker", department=department)
    batch = apply(supplier, [["", "J.", "Bakker", "", "AAA", DAY, "", "ja"]])
    assert outcomes(batch) == {2: RowOutcome.REVIEW}
    assert batch.problems[0]["code"] == "ambiguous_person"


def test_an_unknown_department_is_held_for_review_with_its_value(supplier) -> None:
    batch = apply(supplier, [["", "Anna", "Vries", "a@example.nl", "Mars", DAY, "", "ja"]])
    assert outcomes(batch) == {2: RowOutcome.REVIEW}
    assert batch.problems[0]["code"] == "unknown_department"
    assert batch.problems[0]["message"] == "“Mars” is not a known ministry."
    assert not Person.objects.exists()


def test_an_unknown_department_close_to_a_ministry_is_held_with_suggestions(supplier) -> None:
    batch = apply(
        supplier, [["", "Anna", "Vries", "a@example.nl", "Justitie en Veilgheid", DAY, "", "ja"]]
    )
    assert outcomes(batch) == {2: RowOutcome.REVIEW}
    assert batch.problems[0]["message"] == (
        "“Justitie en Veilgheid” is not a known ministry. Did you mean: JenV?"
    )


@pytest.mark.parametrize("written", ["Min. BZK", "BZK/DGOO", "Binnenlandse Zaken"])
def test_a_ministry_written_as_suppliers_do_creates_the_person_there(supplier, written) -> None:
    apply(supplier, [["", "Anna", "Vries", "a@example.nl", written, DAY, "", "ja"]])
    assert Person.objects.get().department.code == "BZK"


def test_the_same_new_person_twice_in_a_file_is_created_once(supplier, department) -> None:
    rows = [
        ["777", "Anna", "Vries", "anna@example.nl", "AAA", DAY, "Utrecht", "ja"],
        ["777", "Anna", "Vries", "anna@example.nl", "AAA", "10-03-2025", "Utrecht", "ja"],
    ]
    apply(supplier, rows)
    assert Person.objects.count() == 1
    assert TrainingCompletion.objects.count() == 2


def test_a_session_is_found_by_supplier_date_and_place(supplier) -> None:
    session = SessionFactory(supplier=supplier, date=datetime.date(2025, 3, 3), place="Utrecht")
    PersonFactory(employee_number="1")
    apply(supplier, [["1", "", "", "", "", DAY, "utrecht", "ja"]])
    assert TrainingCompletion.objects.get().session == session
    assert TrainingSession.objects.count() == 1


def test_a_missing_session_is_created_with_the_suppliers_programme(supplier) -> None:
    PersonFactory(employee_number="1")
    apply(supplier, [["1", "", "", "", "", DAY, "Zwolle", "afwezig"]])
    session = TrainingSession.objects.get()
    assert (session.supplier, session.date, session.place) == (
        supplier, datetime.date(2025, 3, 3), "Zwolle",
    )  # fmt: skip
    assert session.programme.name == "Objectief selecteren"
    assert TrainingCompletion.objects.get().status == CompletionStatus.NO_SHOW


def test_a_session_is_found_by_the_suppliers_session_id(supplier) -> None:
    session = SessionFactory(supplier=supplier, external_id="S-42", date=datetime.date(2025, 1, 1))
    PersonFactory(employee_number="1")
    apply(
        supplier,
        [["1", DAY, "S-42", "ja"]],
        headers=["Personeelsnummer", "Datum", "Sessie-id", "Aanwezig"],
    )
    assert TrainingCompletion.objects.get().session == session


def test_scores_become_participant_evaluations_on_the_files_scale(supplier) -> None:
    PersonFactory(employee_number="1")
    PersonFactory(employee_number="2")
    apply(
        supplier,
        [["1", DAY, "ja", "4,5"], ["2", DAY, "ja", "3"]],
        headers=["Personeelsnummer", "Datum", "Aanwezig", "Cijfer"],
    )
    evaluations = Evaluation.objects.order_by("person__employee_number")
    assert [(e.score, e.scale) for e in evaluations] == [(Decimal("4.5"), 5), (Decimal(3), 5)]


def test_a_changed_status_updates_the_completion(supplier) -> None:
    person = PersonFactory(employee_number="1")
    session = SessionFactory(supplier=supplier, date=datetime.date(2025, 3, 3), place="Utrecht")
    completion = CompletionFactory(person=person, session=session, status="registered")
    batch = apply(supplier, [["1", "", "", "", "", DAY, "Utrecht", "ja"]])
    completion.refresh_from_db()
    assert completion.status == CompletionStatus.ATTENDED
    assert completion.import_rows.get().batch == batch
    assert batch.counts["updated"] == 1
    assert completion.history.count() == 2


def test_a_row_with_a_bad_value_is_rejected_with_its_column(supplier) -> None:
    PersonFactory(employee_number="1")
    batch = apply(supplier, [["1", "", "", "", "", "31-02-2025", "Utrecht", "ja"]])
    assert outcomes(batch) == {2: RowOutcome.REJECTED}
    assert batch.problems[0]["column"] == "Datum"


def test_without_holding_a_file_with_bad_rows_is_refused_entirely(supplier) -> None:
    PersonFactory(employee_number="1")
    rows = [["1", "", "", "", "", DAY, "Utrecht", "ja"], ["", "", "", "", "", DAY, "", "ja"]]
    batch = apply(supplier, rows, hold=False)
    assert batch.status == ImportStatus.REJECTED
    assert batch.counts["new"] == 1
    assert batch.counts["rejected"] == 1
    assert not TrainingCompletion.objects.exists()
    assert not ImportRow.objects.exists()
    with pytest.raises(ImportNotAllowed):
        attendance_import_apply(batch=batch, hold_invalid=True)


def test_preview_counts_every_outcome_and_writes_nothing(supplier, department) -> None:
    PersonFactory(employee_number="1", first_name="Jan", last_name="Berg")
    session = SessionFactory(supplier=supplier, date=datetime.date(2025, 3, 3), place="Utrecht")
    CompletionFactory(person__employee_number="2", session=session, status="attended")
    CompletionFactory(person__employee_number="3", session=session, status="registered")
    rows = [
        ["1", "Jan", "Berg", "", "", DAY, "Utrecht", "ja"],  # new
        ["2", "", "", "", "", DAY, "Utrecht", "ja"],  # unchanged
        ["3", "", "", "", "", DAY, "Utrecht", "ja"],  # updated
        ["1", "Piet", "Puk", "", "", "10-03-2025", "Utrecht", "ja"],  # review
        ["", "", "", "", "", DAY, "Utrecht", "misschien"],  # rejected
        ["9", "Nieuw", "Mens", "", "AAA", "10-03-2025", "Zwolle", "ja"],  # new person+session
    ]
    batch = make_batch(supplier, csv_file(rows))
    before = (Person.objects.count(), TrainingSession.objects.count())
    attendance_import_preview(batch=batch)
    assert batch.status == ImportStatus.PREVIEWED
    assert batch.counts == {
        "total": 6, "new": 2, "updated": 1, "unchanged": 1, "review": 1, "rejected": 1,
    }  # fmt: skip
    assert (Person.objects.count(), TrainingSession.objects.count()) == before
    assert TrainingCompletion.objects.count() == 2
    rows_with_problems = {p["row"] for p in batch.problems}
    assert rows_with_problems == {5, 6}
    assert all(p["message"] for p in batch.problems)


FULL_NAME_HEADERS = ["Naam", "E-mailadres", "Ministerie", "Datum", "Locatie", "Aanwezig"]


@pytest.mark.parametrize(
    "written", ["Vries, Anna de", "ANNA DE VRIES", "Anna de  Vries", "Ánna de Vries"]
)
def test_a_full_name_in_any_form_matches_the_person_with_a_particle(
    supplier, department, written
) -> None:
    anna = PersonFactory(
        employee_number=None, email=None, department=department,
        first_name="Anna", particle="de", last_name="Vries",
    )  # fmt: skip
    PersonFactory(
        employee_number=None,
        email=None,
        department=department,
        first_name="Anna",
        last_name="Jansen",
    )
    batch = apply(supplier, [[written, "", "AAA", DAY, "Utrecht", "ja"]], FULL_NAME_HEADERS)
    assert outcomes(batch) == {2: RowOutcome.NEW}
    assert TrainingCompletion.objects.get().person == anna


def test_a_name_in_separate_columns_matches_whichever_column_holds_the_particle(
    supplier, department
) -> None:
    anna = PersonFactory(
        employee_number=None, email=None, department=department,
        first_name="Anna", particle="de", last_name="Vries",
    )  # fmt: skip
    apply(supplier, [["", "Anna", "de Vries", "", "AAA", DAY, "Utrecht", "ja"]])
    assert TrainingCompletion.objects.get().person == anna


def test_a_new_person_from_a_full_name_column_gets_first_name_particle_and_last_name(
    supplier, department
) -> None:
    rows = [
        ["Vries, Anna de", "anna@example.nl", "AAA", DAY, "Utrecht", "ja"],
        ["Fatima Öztürk", "fatima@example.nl", "AAA", DAY, "Utrecht", "ja"],
        ["Jan van den Berg", "jan@example.nl", "AAA", DAY, "Utrecht", "ja"],
    ]
    batch = apply(supplier, rows, FULL_NAME_HEADERS)
    assert set(outcomes(batch).values()) == {RowOutcome.NEW}
    created = Person.objects.order_by("email").values_list("first_name", "particle", "last_name")
    assert list(created) == [
        ("Anna", "de", "Vries"),
        ("Fatima", "", "Öztürk"),
        ("Jan", "van den", "Berg"),
    ]


def test_a_new_person_from_name_columns_keeps_the_particle_apart(supplier, department) -> None:
    apply(supplier, [["777", "Anna", "de Vries", "anna@example.nl", "AAA", DAY, "", "ja"]])
    person = Person.objects.get(employee_number="777")
    assert (person.particle, person.last_name, person.full_name) == ("de", "Vries", "Anna de Vries")


def test_a_name_mismatch_names_the_known_person_as_shown(supplier) -> None:
    PersonFactory(employee_number="12345", first_name="Anna", particle="de", last_name="Vries")
    batch = apply(supplier, [["12345", "Piet", "Klaassen", "", "", DAY, "Utrecht", "ja"]])
    assert outcomes(batch) == {2: RowOutcome.REVIEW}
    assert "“Anna de Vries”" in batch.problems[0]["message"]


def test_a_name_that_fits_the_person_of_the_email_is_matched_in_any_length(supplier) -> None:
    person = PersonFactory(
        email="anna@example.nl", first_name="Anna", particle="de", last_name="Vries"
    )
    apply(
        supplier,
        [
            ["", "Anna", "", "anna@example.nl", "", DAY, "", "ja"],
            ["", "Anna Maria", "de Vries", "anna@example.nl", "", "10-03-2025", "", "ja"],
            ["", "A.", "Vries", "anna@example.nl", "", "17-03-2025", "", "ja"],
        ],
    )
    assert set(TrainingCompletion.objects.values_list("person", flat=True)) == {person.pk}


def test_an_email_booked_for_someone_else_is_held_as_conflicting(supplier) -> None:
    PersonFactory(email="r.kramer@example.nl", first_name="Ria", last_name="Kramer")
    batch = apply(supplier, [["", "Thomas", "Smit", "r.kramer@example.nl", "", DAY, "", "ja"]])
    assert outcomes(batch) == {2: RowOutcome.REVIEW}
    assert batch.problems[0]["code"] == "conflicting_identity"
    assert batch.problems[0]["message"] == (
        "The email address belongs to “Ria Kramer”, not to “Thomas Smit”."
    )
    assert not TrainingCompletion.objects.exists()


def test_the_ministry_chosen_for_the_file_finds_and_creates_people(supplier, department) -> None:
    known = PersonFactory(
        employee_number=None, email=None, first_name="Jan", last_name="Berg", department=department
    )
    headers = ["Naam", "Datum", "Aanwezig"]
    batch = make_batch(
        supplier, csv_file([["Jan Berg", DAY, "ja"], ["Els van 't Veer", DAY, "ja"]], headers)
    )
    batch.department = department  # the upload's choice (ImportBatch.department)
    attendance_import_apply(batch=batch, hold_invalid=True)
    new = Person.objects.exclude(pk=known.pk).get()
    assert (new.first_name, new.particle, new.last_name, new.department) == (
        "Els", "van 't", "Veer", department,
    )  # fmt: skip
    assert set(TrainingCompletion.objects.values_list("person", flat=True)) == {known.pk, new.pk}
