"""imports.matching.person_match: who a row is, from tables, without a database.

The tests have no database access (no django_db mark): any query would fail them, so they
also prove that matching is pure, over indexes held in memory.
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from departments.matching import DepartmentIndex
from departments.models import Department
from imports.matching import Hold, PeopleIndex, PersonRecord, RowValues, person_match


def _department(pk: int, code: str, name: str) -> Department:
    department = Department(pk=pk, code=code, name_nl=name, name_en=name)
    # No aliases, and no query to find that out.
    department._prefetched_objects_cache = {"aliases": []}
    return department


BZK = _department(1, "BZK", "Ministerie van Binnenlandse Zaken en Koninkrijksrelaties")
JENV = _department(2, "JenV", "Ministerie van Justitie en Veiligheid")
DEPARTMENTS = DepartmentIndex([BZK, JENV])

# pk, employee number, e-mail, first name, particle, last name, department
PEOPLE: list[PersonRecord] = [
    (10, "1001", "anna.devries@minbzk.nl", "Anna", "de", "Vries", BZK.pk),
    (11, "1002", None, "Jeroen", "", "Bakker", BZK.pk),
    (12, None, None, "Jeroen", "", "Bakker", BZK.pk),
    (13, None, "fatima@minjenv.nl", "Fatima", "", "Öztürk", JENV.pk),
    (14, None, None, "Jan-Willem", "van der", "Linden", JENV.pk),
]


@dataclass(frozen=True)
class Case:
    row: RowValues
    # (pk, how) for a person found, ("new", first, particle, last) for one planned,
    # ("hold", code) for a row held back.
    expected: tuple[object, ...]
    file_department: Department | None = None


CASES: dict[str, Case] = {
    "employee number, no ministry needed": Case(
        RowValues(employee_number="1001"), (10, "employee_number")
    ),
    "e-mail, no ministry needed": Case(RowValues(email="fatima@minjenv.nl"), (13, "email")),
    "e-mail with a name that fits": Case(
        RowValues(email="anna.devries@minbzk.nl", full_name="Vries, Anna de"), (10, "email")
    ),
    "number and e-mail of two people": Case(
        RowValues(employee_number="1002", email="anna.devries@minbzk.nl"),
        ("hold", "conflicting_identity"),
    ),
    "number of someone else's name": Case(
        RowValues(employee_number="1001", full_name="Piet Smit"), ("hold", "conflicting_identity")
    ),
    "name in list order, ministry by its code": Case(
        RowValues(full_name="Vries, Anna de", department="BZK"), (10, "name")
    ),
    "name with initials and particle": Case(
        RowValues(full_name="J.W. van der Linden", department="JenV"), (14, "name")
    ),
    "ministry written out in full": Case(
        RowValues(full_name="Fatima Öztürk", department="Ministerie van Justitie en Veiligheid"),
        (13, "name"),
    ),
    "two people with the name": Case(
        RowValues(full_name="Jeroen Bakker", department="BZK"), ("hold", "ambiguous_person")
    ),
    "ministry nobody knows": Case(
        RowValues(full_name="Anna de Vries", department="Ministerie van Nergens"),
        ("hold", "unknown_department"),
    ),
    "no ministry and nothing to find the person by": Case(
        RowValues(full_name="Piet Smit"), ("hold", "no_department_no_match")
    ),
    "no ministry, an e-mail nobody has": Case(
        RowValues(full_name="Piet Smit", email="piet@nergens.nl"),
        ("hold", "no_department_no_match"),
    ),
    "new person, name split with its particle": Case(
        RowValues(full_name="Vries, Karin van de", department="BZK"),
        ("new", "Karin", "van de", "Vries"),
    ),
    "new person in the ministry chosen for the file": Case(
        RowValues(first_name="Piet", last_name="de Smit"),
        ("new", "Piet", "de", "Smit"),
        file_department=JENV,
    ),
    "the row's own ministry wins over the file's": Case(
        RowValues(full_name="Anna de Vries", department="BZK"), (10, "name"), JENV
    ),
    "no name to make a new person from": Case(
        RowValues(employee_number="999", department="BZK"), ("hold", "no_name")
    ),
}


@pytest.mark.parametrize("case", CASES.values(), ids=CASES.keys())
def test_a_row_is_matched_as_the_table_says(case: Case) -> None:
    people = PeopleIndex(PEOPLE)

    found = person_match(
        case.row, people=people, departments=DEPARTMENTS, file_department=case.file_department
    )

    if isinstance(found, Hold):
        assert ("hold", found.code) == case.expected, found.message
        return
    ref, how = found
    if how == "new":
        assert ref.new is not None
        assert ref.pk is None
        made = ref.new
        assert ("new", made.first_name, made.particle, made.last_name) == case.expected
    else:
        assert (ref.pk, how) == case.expected


def test_a_new_person_seen_twice_in_one_file_is_one_person() -> None:
    people = PeopleIndex(PEOPLE)
    row = RowValues(full_name="Karin van de Vries", department="BZK")

    first = person_match(row, people=people, departments=DEPARTMENTS)
    again = person_match(
        RowValues(full_name="Vries, Karin van de", department="BZK"),
        people=people,
        departments=DEPARTMENTS,
    )

    assert not isinstance(first, Hold)
    assert not isinstance(again, Hold)
    assert (first[1], again[1]) == ("new", "name")
    assert again[0] is first[0]


def test_a_held_row_says_who_share_the_name_and_where() -> None:
    found = person_match(
        RowValues(full_name="Jeroen Bakker", department="BZK"),
        people=PeopleIndex(PEOPLE),
        departments=DEPARTMENTS,
    )

    assert isinstance(found, Hold)
    assert str(found.message) == (
        "2 people at BZK are called Jeroen Bakker, and the row has no email address or "
        "employee number to tell them apart."
    )
