"""The people page /people/: scoped, searchable, paginated, with training status."""

from __future__ import annotations

import datetime
import html
import re

import pytest

from committees import people_views
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


def follow(client, response, rel: str):
    """The page behind the "next" or "prev" link of `response` (as a browser follows it)."""
    link = re.search(rf'<a href="([^"]+)" rel="{rel}">', response.content.decode())
    assert link, f"no {rel} link"
    href = html.unescape(link.group(1))
    return client.get(URL + href if href.startswith("?") else href)


def test_the_list_pages_on_with_next_and_previous_links(client, op_user, department) -> None:
    # Two people with one name: each has a place of their own in the order.
    people = PersonFactory.create_batch(28, department=department) + [
        PersonFactory(department=department, first_name="Anna", last_name="Tweeling")
        for _ in range(2)
    ]
    client.force_login(op_user)
    first = client.get(URL)
    assert len(first.context["page"].object_list) == 25
    assert 'rel="prev"' not in first.content.decode()
    second = follow(client, first, "next")
    assert len(second.context["page"].object_list) == 5
    assert 'rel="next"' not in second.content.decode()
    shown = [p.pk for r in (first, second) for p in r.context["page"].object_list]
    assert sorted(shown) == sorted(p.pk for p in people)
    back = follow(client, second, "prev")
    assert back.context["page"].object_list == first.context["page"].object_list


def test_paging_keeps_the_search(client, op_user, department) -> None:
    PersonFactory.create_batch(27, department=department, last_name="Bakker")
    PersonFactory(department=department, last_name="Smit")
    client.force_login(op_user)
    second = follow(client, client.get(URL, {"q": "bakker"}), "next")
    assert names(second) == ["Bakker", "Bakker"]
    assert second.context["count"] == 27


def test_a_page_cannot_start_at_another_ministrys_person(
    client, op_user, department, other_department
) -> None:
    PersonFactory.create_batch(3, department=department, last_name="Eigen")
    stranger = PersonFactory(department=other_department, last_name="Aap")
    client.force_login(op_user)
    for direction in ("after", "before"):
        response = client.get(URL, {direction: stranger.pk})
        assert names(response) == ["Eigen"] * 3
        assert "Aap" not in response.content.decode()


def test_beyond_a_limit_the_list_says_more_than(client, op_user, department, monkeypatch) -> None:
    monkeypatch.setattr(people_views, "COUNT_LIMIT", 3)
    monkeypatch.setattr(people_views, "PAGE_SIZE", 2)
    PersonFactory.create_batch(5, department=department)
    client.force_login(op_user)
    assert "Meer dan 3 mensen gevonden" in client.get(URL).content.decode()
    monkeypatch.setattr(people_views, "COUNT_LIMIT", 5)
    assert "5 mensen gevonden" in client.get(URL).content.decode()


@pytest.mark.parametrize("query", ["de", "DE"])
def test_a_short_word_matches_the_start_of_a_name(client, op_user, department, query) -> None:
    PersonFactory(department=department, first_name="Anna", particle="de", last_name="Vries")
    PersonFactory(department=department, first_name="Bram", last_name="Dekker")
    PersonFactory(department=department, first_name="Cor", last_name="Anders")
    client.force_login(op_user)
    assert sorted(names(client.get(URL, {"q": query}))) == ["Dekker", "Vries"]
    assert names(client.get(URL, {"q": "der"})) == ["Anders"]


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


@pytest.mark.parametrize("people", [30, 60])
def test_a_later_page_takes_as_many_queries_as_the_first(
    client, op_user, department, django_assert_num_queries, people
) -> None:
    PersonFactory.create_batch(people, department=department)
    client.force_login(op_user)
    anchor = client.get(URL).context["page"].next_after
    # session, user, roles; departments, the anchor, the page, its training, the bounded
    # count.
    with django_assert_num_queries(8):
        assert client.get(URL, {"after": anchor}).status_code == 200


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
