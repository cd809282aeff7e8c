"""Findings of the security review that the pages (not the admin) answered wrongly."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from departments.models import SEARCH_MAX_WORDS, Person
from tests.factories import CommitteeFactory, MembershipFactory, PersonFactory

pytestmark = pytest.mark.django_db


def test_a_person_of_another_ministry_on_my_committee_stays_out_of_my_scope(
    client, department, other_department, op_user
):
    foreign = PersonFactory(department=other_department, email="fin@example.nl")
    MembershipFactory(committee=CommitteeFactory(department=department), person=foreign)
    assert foreign not in Person.objects.visible_to(op_user)
    client.force_login(op_user)
    response = client.get(f"/people/{foreign.pk}/")
    assert response.status_code == 404
    assert b"fin@example.nl" not in response.content


def test_the_committee_page_still_names_a_member_of_another_ministry(
    client, department, other_department, op_user
):
    foreign = PersonFactory(department=other_department, last_name="Buitendienst")
    committee = CommitteeFactory(department=department)
    MembershipFactory(committee=committee, person=foreign)
    client.force_login(op_user)
    response = client.get(f"/committees/{committee.pk}/")
    assert response.status_code == 200
    assert "Buitendienst" in response.content.decode()
    assert f"/people/{foreign.pk}/" not in response.content.decode()


def test_a_committee_search_of_500_words_is_refused_with_a_message(client, op_user):
    client.force_login(op_user)
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/committees/", {"q": " ".join(["a"] * 500)})
    assert response.status_code == 200
    assert "hoogstens 8 woorden" in response.content.decode()
    # The refused search adds no condition: no query mentions the search words.
    assert all(" LIKE " not in q["sql"].upper() for q in queries.captured_queries)


def test_a_committee_search_of_a_thousand_characters_is_refused(client, op_user):
    client.force_login(op_user)
    response = client.get("/committees/", {"q": "x" * 1000})
    assert response.status_code == 200


def test_a_person_search_never_uses_more_than_the_word_limit(department):
    person = PersonFactory(department=department, first_name="Anna", last_name="Vries")
    words = " ".join(["Anna"] * SEARCH_MAX_WORDS + ["nietbestaand"])
    # Words past the limit are ignored by the queryset itself, whatever the caller checked.
    assert list(Person.objects.filter(pk=person.pk).search(words)) == [person]


def test_the_member_search_refuses_too_many_words(client, department, op_user):
    committee = CommitteeFactory(department=department)
    client.force_login(op_user)
    response = client.get(f"/committees/{committee.pk}/", {"q": " ".join(["b"] * 50)})
    assert response.status_code == 200
    assert "hoogstens 8 woorden" in response.content.decode()
