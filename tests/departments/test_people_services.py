"""Likely matches, uniqueness within scope and person_update (departments.people)."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from departments.models import Person
from departments.people import (
    UNAVAILABLE_MESSAGE,
    DuplicatePersonError,
    person_likely_matches,
    person_save,
    person_update,
)
from tests.factories import PersonFactory

pytestmark = pytest.mark.django_db


def test_a_colleague_with_the_same_name_is_a_likely_match(op_user, department) -> None:
    known = PersonFactory(department=department, first_name="Jan", last_name="van den Berg")
    PersonFactory(department=department, first_name="Jan", last_name="Bergen")
    matches = person_likely_matches(user=op_user, first_name="jan", last_name="Berg, van den")
    assert matches == [known]
    assert matches[0].match_reasons == ["name"]


def test_matches_on_email_and_employee_number_say_why(op_user, department) -> None:
    by_mail = PersonFactory(department=department, email="a.b@example.nl")
    by_number = PersonFactory(department=department, employee_number="AB12")
    matches = person_likely_matches(
        user=op_user,
        first_name="Iemand",
        last_name="Anders",
        email="A.B@Example.nl",
        employee_number="ab 12",
    )
    reasons = {person.pk: person.match_reasons for person in matches}
    assert reasons == {by_mail.pk: ["email"], by_number.pk: ["employee_number"]}


def test_people_of_another_ministry_are_never_offered(
    op_user, outsider, department, other_department
) -> None:
    PersonFactory(
        department=other_department, first_name="Jan", last_name="Berg", email="jan@example.nl"
    )
    assert (
        person_likely_matches(
            user=op_user, first_name="Jan", last_name="Berg", email="jan@example.nl"
        )
        == []
    )


def test_the_bureau_gets_matches_in_the_chosen_department_only(
    bureau, department, other_department
) -> None:
    own = PersonFactory(department=department, first_name="Jan", last_name="Berg")
    PersonFactory(department=other_department, first_name="Jan", last_name="Berg")
    matches = person_likely_matches(
        user=bureau, first_name="Jan", last_name="Berg", department=department
    )
    assert matches == [own]


def test_a_clash_in_scope_names_the_field_and_the_person(op_user, department) -> None:
    known = PersonFactory(department=department, first_name="Els", last_name="Bos")
    person = PersonFactory(department=department)
    with pytest.raises(DuplicatePersonError) as error:
        person_update(
            person=person,
            user=op_user,
            first_name="Ander",
            last_name="Mens",
            email=known.email.upper(),
        )
    assert error.value.existing == [known]
    assert "Els Bos" in error.value.message_dict["email"][0]


def test_a_clash_outside_scope_gets_neutral_words(op_user, department, other_department) -> None:
    stranger = PersonFactory(department=other_department, employee_number="999")
    person = PersonFactory(department=department)
    with pytest.raises(ValidationError) as error:
        person_update(
            person=person,
            user=op_user,
            first_name="A",
            last_name="B",
            employee_number=stranger.employee_number,
        )
    assert not isinstance(error.value, DuplicatePersonError)
    assert error.value.messages == [str(UNAVAILABLE_MESSAGE)]
    assert not hasattr(error.value, "error_dict")
    person.refresh_from_db()
    assert person.employee_number != "999"


def test_a_person_is_changed_and_normalised_with_history(op_user, department) -> None:
    person = PersonFactory(department=department)
    person_update(
        person=person,
        user=op_user,
        first_name=" Piet ",
        last_name="de  Vries",
        email="P.deVries@Example.NL",
        employee_number=" x 7 ",
    )
    person.refresh_from_db()
    assert (person.first_name, person.particle, person.last_name) == ("Piet", "de", "Vries")
    assert (person.email, person.employee_number) == ("p.devries@example.nl", "X7")
    assert person.history.latest().history_user == op_user


def test_an_outsider_and_the_bureau_cannot_change_a_person(outsider, bureau, department) -> None:
    person = PersonFactory(department=department, first_name="Oud")
    for user in (outsider, bureau):
        with pytest.raises(PermissionDenied):
            person_update(person=person, user=user, first_name="Nieuw", last_name="X")
    person.refresh_from_db()
    assert person.first_name == "Oud"


def test_an_administrator_changes_anyone(admin_user_, other_department) -> None:
    person = PersonFactory(department=other_department)
    person_update(person=person, user=admin_user_, first_name="Beheer", last_name="Test")
    person.refresh_from_db()
    assert person.full_name == "Beheer Test"


def test_accents_and_apostrophes_in_the_stored_name_still_match(op_user, department) -> None:
    zoe = PersonFactory(department=department, first_name="Zoë", last_name="d'Ancona-Müller")
    matches = person_likely_matches(user=op_user, first_name="zoe", last_name="Dancona Muller")
    assert matches == [zoe]


def test_person_save_cleans_direction_characters_from_names(department) -> None:
    person = Person(department=department, first_name="\u202eAnna", last_name="de  Vries\u200b")
    person_save(person=person, user=None)
    person.refresh_from_db()
    assert (person.first_name, person.particle, person.last_name) == ("Anna", "de", "Vries")
