"""Member search on the committee page: training status, members marked, true counts."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from committees import views as committee_views
from tests.factories import CommitteeFactory, CompletionFactory, MembershipFactory, PersonFactory

pytestmark = pytest.mark.django_db


def search(client, committee, text: str, *, htmx: bool = True):
    headers = {"HX-Request": "true"} if htmx else {}
    return client.get(f"/committees/{committee.pk}/people-search/", {"q": text}, headers=headers)


def test_each_hit_shows_its_training_status(client, op_user, department) -> None:
    committee = CommitteeFactory(department=department, interview_date=datetime.date(2025, 6, 16))
    trained = PersonFactory(department=department, last_name="Zoek Getraind")
    waiting = PersonFactory(department=department, last_name="Zoek Wachtend")
    PersonFactory(department=department, last_name="Zoek Niet")
    CompletionFactory(person=trained, session__date=datetime.date(2025, 1, 1))
    CompletionFactory(
        person=waiting,
        session__date=datetime.date(2025, 1, 1),
        source="hand",
        entered_at=timezone.now(),
        evidence_note="Certificaat",
    )
    client.force_login(op_user)
    response = search(client, committee, "zoek")
    states = {p.last_name: (p.is_trained, p.is_awaiting) for p in response.context["search"].hits}
    assert states == {
        "Zoek Getraind": (True, False),
        "Zoek Wachtend": (False, True),
        "Zoek Niet": (False, False),
    }
    html = response.content.decode()
    for label in ("Getraind", "Wacht op bevestiging", "Niet getraind"):
        assert label in html


def test_a_member_already_on_the_committee_is_found_and_marked(client, op_user, department) -> None:
    membership = MembershipFactory(committee__department=department, person__last_name="Lidmaat")
    client.force_login(op_user)
    response = search(client, membership.committee, "lidmaat")
    html = response.content.decode()
    assert "Niemand gevonden" not in html
    assert "al lid van deze commissie" in html
    assert 'type="radio"' not in html
    assert "Toevoegen aan commissie" not in html


def test_the_count_is_the_true_total(client, op_user, department) -> None:
    committee = CommitteeFactory(department=department)
    PersonFactory.create_batch(23, department=department, last_name="Veelvoud")
    client.force_login(op_user)
    response = search(client, committee, "veelvoud")
    assert response.context["search"].total == 23
    assert len(response.context["search"].hits) == 20
    html = response.content.decode()
    assert "20 van 23 mensen gevonden. Maak uw zoekopdracht preciezer." in html
    # The live region on the committee page hears the count only, not the list.
    assert "aria-live" not in html
    assert '<p id="people-count" hx-swap-oob="innerHTML">23 resultaten\n</p>' in html


def test_an_outsiders_people_are_not_found(
    client, op_user, outsider, department, other_department
) -> None:
    committee = CommitteeFactory(department=department)
    PersonFactory(department=other_department, last_name="Vreemdeling")
    client.force_login(op_user)
    assert search(client, committee, "vreemdeling").context["search"].total == 0
    client.force_login(outsider)
    assert search(client, committee, "vreemdeling").status_code == 404


def test_the_bureau_may_not_search_to_add(client, bureau, department) -> None:
    committee = CommitteeFactory(department=department)
    client.force_login(bureau)
    assert search(client, committee, "x").status_code == 403


@pytest.mark.parametrize("people", [3, 30])
def test_search_queries_do_not_grow_with_hits(
    client, op_user, department, django_assert_max_num_queries, people
) -> None:
    committee = CommitteeFactory(department=department)
    for person in PersonFactory.create_batch(people, department=department, last_name="Telling"):
        CompletionFactory(person=person, session__date=datetime.date(2025, 1, 1))
        MembershipFactory(person=person, committee__department=department)
    client.force_login(op_user)
    search(client, committee, "telling")
    with django_assert_max_num_queries(10):
        assert search(client, committee, "telling").status_code == 200


@pytest.mark.parametrize("text", ["Vries", "de Vries", "Anna de Vries"])
def test_a_person_with_a_particle_is_found_by_last_name_particle_or_full_name(
    client, op_user, department, text
) -> None:
    committee = CommitteeFactory(department=department)
    anna = PersonFactory(department=department, first_name="Anna", particle="de", last_name="Vries")
    PersonFactory(department=department, first_name="Piet", last_name="Jansen")
    client.force_login(op_user)
    response = search(client, committee, text)
    assert list(response.context["search"].hits) == [anna]
    assert "Anna de Vries" in response.content.decode()


def test_beyond_a_limit_the_count_says_more_than(client, op_user, department, monkeypatch) -> None:
    monkeypatch.setattr(committee_views, "SEARCH_COUNT_LIMIT", 21)
    committee = CommitteeFactory(department=department)
    PersonFactory.create_batch(23, department=department, last_name="Menigte")
    client.force_login(op_user)
    response = search(client, committee, "menigte")
    assert len(response.context["search"].hits) == 20
    html = response.content.decode()
    assert "20 van meer dan 21 mensen gevonden. Maak uw zoekopdracht preciezer." in html
    assert '<p id="people-count" hx-swap-oob="innerHTML">Meer dan 21 resultaten\n</p>' in html


def test_a_short_search_finds_names_that_start_with_it(client, op_user, department) -> None:
    committee = CommitteeFactory(department=department)
    PersonFactory(department=department, first_name="Anna", particle="de", last_name="Vries")
    PersonFactory(department=department, first_name="Li", last_name="Wong")
    PersonFactory(department=department, first_name="Cor", last_name="Anders")
    client.force_login(op_user)
    found = {p.last_name for p in search(client, committee, "de").context["search"].hits}
    assert found == {"Vries"}
    assert [p.last_name for p in search(client, committee, "li").context["search"].hits] == ["Wong"]


def test_a_search_that_fills_the_list_counts_no_further_than_the_limit(
    client, op_user, department, django_assert_num_queries
) -> None:
    committee = CommitteeFactory(department=department)
    PersonFactory.create_batch(22, department=department, last_name="Talrijk")
    client.force_login(op_user)
    search(client, committee, "talrijk")
    # session, user, roles; the committee the user may edit; departments, hits, their
    # training, the bounded count.
    with django_assert_num_queries(8) as captured:
        search(client, committee, "talrijk")
    assert "LIMIT 101" in captured.captured_queries[-1]["sql"]
