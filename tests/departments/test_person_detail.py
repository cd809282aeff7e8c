"""The person page: training history, committees and whether each complied."""

from __future__ import annotations

import datetime

import pytest

from tests.factories import (
    CommitteeFactory,
    CompletionFactory,
    MembershipFactory,
    PersonFactory,
)

pytestmark = pytest.mark.django_db


def test_another_departments_person_is_not_found(client, outsider, department) -> None:
    person = PersonFactory(department=department)
    client.force_login(outsider)
    assert client.get(f"/people/{person.pk}/").status_code == 404


def test_it_shows_training_and_committees_with_compliance(client, op_user, department) -> None:
    person = PersonFactory(department=department)
    CompletionFactory(person=person, session__date=datetime.date(2025, 1, 1))
    on_time = MembershipFactory(
        person=person, committee__department=department, committee__vacancy_reference="OK-1"
    )
    client.force_login(op_user)
    response = client.get(f"/people/{person.pk}/")
    memberships = list(response.context["memberships"])
    assert memberships[0].committee.vacancy_reference == "OK-1"
    assert memberships[0].committee.is_compliant
    assert memberships[0].pk == on_time.pk
    assert len(response.context["completions"]) == 1


def test_it_hides_committees_of_other_departments(
    client, op_user, department, other_department
) -> None:
    person = PersonFactory(department=department)
    MembershipFactory(person=person, committee__department=other_department)
    client.force_login(op_user)
    assert list(client.get(f"/people/{person.pk}/").context["memberships"]) == []


@pytest.mark.parametrize("rows", [10, 100])
def test_queries_do_not_grow_with_rows(
    client, op_user, department, django_assert_max_num_queries, rows
) -> None:
    person = PersonFactory(department=department)
    for committee in CommitteeFactory.create_batch(rows, department=department):
        MembershipFactory(committee=committee, person=person)
        CompletionFactory(person=person)
    client.force_login(op_user)
    client.get(f"/people/{person.pk}/")
    with django_assert_max_num_queries(11):
        assert client.get(f"/people/{person.pk}/").status_code == 200
