"""The people page /people/: scoped, searchable, paginated, with training status."""

from __future__ import annotations

import datetime

import pytest

from tests.factories import CompletionFactory, PersonFactory, UserFactory

pytestmark = pytest.mark.django_db

URL = "/people/"


def names(response) -> list[str]:
    return [p.last_name for p in response.context["page"].object_list]


def test_op_staff_see_only_their_own_departments_people(
    client, op_user, department, other_department
) -> None:
    PersonFactory(department=department, last_name="Eigen")
    PersonFactory(department=other_department, last_name="Vreemd", email="vreemd@example.nl")
    client.force_login(op_user)
    response = client.get(URL)
    assert names(response) == ["Eigen"]
    assert "vreemd@example.nl" not in response.content.decode()


def test_an_outsider_does_not_see_the_victims_people(client, outsider, department) -> None:
    PersonFactory(department=department, last_name="Geheim", employee_number="777")
    client.force_login(outsider)
    response = client.get(URL, {"q": "777"})
    assert names(response) == []
    assert "Geheim" not in response.content.decode()


def test_the_bureau_sees_everyone_but_gets_no_edit_link(
    client, bureau, department, other_department
) -> None:
    person = PersonFactory(department=department)
    PersonFactory(department=other_department)
    client.force_login(bureau)
    response = client.get(URL)
    assert len(names(response)) == 2
    assert response.context["show_department"] is True
    detail = client.get(f"/people/{person.pk}/").content.decode()
    assert f"/people/{person.pk}/edit/" not in detail


@pytest.mark.parametrize(
    ("query", "expected"),
    [("jansen", ["Jansen"]), ("424242", ["Pietersen"]), ("klaas@example", ["Klaassen"])],
)
def test_search_on_name_employee_number_and_email(
    client, op_user, department, query, expected
) -> None:
    PersonFactory(department=department, last_name="Jansen")
    PersonFactory(department=department, last_name="Pietersen", employee_number="424242")
    PersonFactory(department=department, last_name="Klaassen", email="klaas@example.nl")
    client.force_login(op_user)
    assert names(client.get(URL, {"q": query})) == expected


def test_a_search_of_too_many_words_gets_a_message(client, op_user, department) -> None:
    client.force_login(op_user)
    PersonFactory(department=department, last_name="Janssen")
    response = client.get(URL, {"q": " ".join("abcdefghij")})
    assert response.status_code == 200
    assert "woorden" in response.content.decode()
    # The refused search lists no one (it used to list everybody under the error).
    assert list(response.context["page"].object_list) == []


def test_each_row_shows_the_training_status(client, op_user, department) -> None:
    trained = PersonFactory(department=department, last_name="Getraind")
    PersonFactory(department=department, last_name="Ongetraind")
    CompletionFactory(person=trained, session__date=datetime.date(2025, 1, 1))
    client.force_login(op_user)
    rows = {p.last_name: p.is_trained for p in client.get(URL).context["page"].object_list}
    assert rows == {"Getraind": True, "Ongetraind": False}


def test_the_list_is_paginated(client, op_user, department) -> None:
    PersonFactory.create_batch(30, department=department)
    client.force_login(op_user)
    assert len(names(client.get(URL))) == 25
    assert len(names(client.get(URL, {"page": 2}))) == 5


def test_the_menu_links_to_people_for_each_role(client, op_user, bureau, admin_user_) -> None:
    for user in (op_user, bureau, admin_user_):
        client.force_login(user)
        assert 'href="/people/"' in client.get("/committees/").content.decode()


def test_a_user_without_a_role_is_refused(client, db) -> None:
    client.force_login(UserFactory())
    assert client.get(URL).status_code == 403


@pytest.mark.parametrize("people", [5, 25])
def test_queries_do_not_grow_with_rows(
    client, op_user, department, django_assert_max_num_queries, people
) -> None:
    for person in PersonFactory.create_batch(people, department=department):
        CompletionFactory(person=person, session__date=datetime.date(2025, 1, 1))
    client.force_login(op_user)
    client.get(URL)
    with django_assert_max_num_queries(9):
        assert client.get(URL).status_code == 200


@pytest.mark.parametrize("query", ["Vries", "de Vries", "Anna de Vries", "Vries, Anna", "DE VRIES"])
def test_a_name_with_a_particle_is_found_however_it_is_searched(
    client, op_user, department, query
) -> None:
    PersonFactory(department=department, first_name="Anna", particle="de", last_name="Vries")
    PersonFactory(department=department, first_name="Anna", last_name="Jansen")
    client.force_login(op_user)
    response = client.get(URL, {"q": query})
    assert [p.full_name for p in response.context["page"].object_list] == ["Anna de Vries"]


def test_people_are_shown_with_their_particle_and_sorted_on_the_last_name(
    client, op_user, department
) -> None:
    for first, particle, last in [
        ("Anna", "de", "Vries"),
        ("Piet", "van den", "Berg"),
        ("Zoë", "", "Aalders"),
        ("Bram", "", "Vries"),
        ("Sanne", "ter", "Horst"),
    ]:
        PersonFactory(department=department, first_name=first, particle=particle, last_name=last)
    client.force_login(op_user)
    response = client.get(URL)
    shown = [p.full_name for p in response.context["page"].object_list]
    assert shown == [
        "Zoë Aalders",
        "Piet van den Berg",
        "Sanne ter Horst",
        "Anna de Vries",
        "Bram Vries",
    ]
    assert "Piet van den Berg</a>" in response.content.decode()
