"""The unique fields of ministries and people say plainly what is taken, in Dutch and English."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from departments.models import Department, DepartmentAlias, Person
from tests.factories import DepartmentFactory, PersonFactory

pytestmark = pytest.mark.django_db


def unique_errors(instance: Department | DepartmentAlias | Person) -> dict[str, list[str]]:
    with pytest.raises(ValidationError) as caught:
        instance.validate_unique()
    return caught.value.message_dict


def test_a_taken_employee_number_says_someone_else_has_it() -> None:
    taken = PersonFactory(employee_number="880011", email="anna@example.org")
    twin = Person(
        employee_number="880011",
        email="anna@example.org",
        first_name="Kees",
        last_name="Bakker",
        department=taken.department,
    )
    with translation.override("nl"):
        errors = unique_errors(twin)
    assert errors == {
        "employee_number": ["Iemand anders heeft dit personeelsnummer al."],
        "email": ["Iemand anders heeft dit e-mailadres al."],
    }


def test_the_message_is_english_when_english_is_chosen() -> None:
    taken = PersonFactory(employee_number="880011")
    twin = Person(
        employee_number="880011", first_name="K", last_name="B", department=taken.department
    )
    with translation.override("en"):
        errors = unique_errors(twin)
    assert errors["employee_number"] == ["Someone else already has this employee number."]


def test_a_taken_ministry_code_or_alias_says_so_plainly() -> None:
    ministry = DepartmentFactory(code="QQQ")
    DepartmentAlias.objects.create(department=ministry, name="Ministerie Q")
    with translation.override("nl"):
        code_errors = unique_errors(Department(code="QQQ", name_nl="X", name_en="X"))
        alias_errors = unique_errors(DepartmentAlias(department=ministry, name="Ministerie Q"))
    assert code_errors["code"] == ["Een ander ministerie heeft deze code al."]
    assert alias_errors["name"] == ["Deze naam hoort al bij een ministerie."]
