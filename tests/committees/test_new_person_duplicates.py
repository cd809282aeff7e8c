"""'Add a new person' on the committee page: likely matches first, then an explicit confirm."""

from __future__ import annotations

import pytest

from committees.models import CommitteeMembership
from departments.models import Person
from tests.factories import CommitteeFactory, MembershipFactory, PersonFactory

pytestmark = pytest.mark.django_db

NEUTRAL = (
    "U kunt dit e-mailadres of personeelsnummer niet gebruiken. Neem contact op met de beheerder."
)


def new_person(client, committee, **data):
    fields = {"first_name": "Jan", "last_name": "van den Berg", "role": "member", **data}
    return client.post(f"/committees/{committee.pk}/members/new-person/", fields)


def test_a_colleague_with_the_same_name_is_offered_instead_of_created(
    client, op_user, department
) -> None:
    committee = CommitteeFactory(department=department)
    known = PersonFactory(department=department, first_name="Jan", last_name="Berg, van den")
    client.force_login(op_user)
    response = new_person(client, committee, first_name="JAN", last_name="v.d. Berg")
    assert response.status_code == 200
    assert response.context["matches"] == [known]
    html = response.content.decode()
    assert "Deze persoon is misschien al bekend" in html
    assert f'value="{known.pk}"' in html
    assert Person.objects.count() == 1
    assert not committee.memberships.exists()


def test_picking_the_match_adds_that_person(client, op_user, department) -> None:
    committee = CommitteeFactory(department=department)
    known = PersonFactory(department=department, first_name="Jan", last_name="van den Berg")
    client.force_login(op_user)
    new_person(client, committee)
    response = client.post(
        f"/committees/{committee.pk}/members/add/", {"person": known.pk, "role": "chair"}
    )
    assert response.status_code == 302
    assert committee.memberships.get().person == known
    assert Person.objects.count() == 1


def test_creating_anyway_needs_the_explicit_confirm(client, op_user, department) -> None:
    committee = CommitteeFactory(department=department)
    PersonFactory(department=department, first_name="Jan", last_name="van den Berg")
    client.force_login(op_user)
    response = new_person(client, committee, confirm="yes")
    assert response.status_code == 302
    assert [p.full_name for p in Person.objects.all()] == ["Jan van den Berg"] * 2
    created = committee.memberships.get().person
    assert (created.particle, created.last_name) == ("van den", "Berg")


def test_without_a_match_the_person_is_created_at_once(client, op_user, department) -> None:
    committee = CommitteeFactory(department=department)
    PersonFactory(department=department, first_name="Piet", last_name="Puk")
    client.force_login(op_user)
    assert new_person(client, committee).status_code == 302
    assert committee.memberships.get().person.full_name == "Jan van den Berg"


def test_a_match_already_on_the_committee_is_marked_not_offered(
    client, op_user, department
) -> None:
    membership = MembershipFactory(
        committee__department=department, person__first_name="Jan", person__last_name="Berg"
    )
    client.force_login(op_user)
    response = new_person(client, membership.committee, last_name="Berg")
    html = response.content.decode()
    assert "al lid van deze commissie" in html
    assert f'value="{membership.person.pk}"' not in html


def test_people_of_another_ministry_are_not_offered_and_their_email_is_not_confirmed(
    client, op_user, department, other_department
) -> None:
    committee = CommitteeFactory(department=department)
    stranger = PersonFactory(
        department=other_department, first_name="Jan", last_name="van den Berg"
    )
    client.force_login(op_user)
    response = new_person(client, committee, email=stranger.email)
    assert response.status_code == 200
    assert response.context["matches"] == []
    html = response.content.decode()
    assert NEUTRAL in html
    assert stranger.email not in html.replace(f'value="{stranger.email}"', "")
    assert other_department.code not in html
    assert "Er bestaat al" not in html
    assert not CommitteeMembership.objects.exists()


def test_a_taken_employee_number_in_scope_links_to_the_person(client, op_user, department) -> None:
    committee = CommitteeFactory(department=department)
    known = PersonFactory(department=department, employee_number="12345")
    client.force_login(op_user)
    response = new_person(client, committee, employee_number="12345", confirm="yes")
    assert "employee_number" in response.context["form"].errors
    assert f'href="/people/{known.pk}/"' in response.content.decode()


def test_an_outsider_and_the_bureau_cannot_add_people(client, outsider, bureau, department) -> None:
    committee = CommitteeFactory(department=department)
    client.force_login(outsider)
    assert new_person(client, committee).status_code == 404
    client.force_login(bureau)
    assert new_person(client, committee).status_code == 403
    assert not Person.objects.exists()


def test_a_new_person_refused_by_strict_mode_is_not_left_behind(
    client, op_user, department
) -> None:
    department.enforcement_mode = "strict"
    department.save(update_fields=["enforcement_mode"])
    committee = CommitteeFactory(department=department, status="confirmed")
    client.force_login(op_user)
    response = new_person(client, committee)
    assert response.status_code == 200
    assert response.context["form"].non_field_errors()
    assert not Person.objects.exists()


def test_a_new_person_is_created_with_the_particle_in_its_own_field(
    client, op_user, department
) -> None:
    committee = CommitteeFactory(department=department)
    client.force_login(op_user)
    page = client.get(f"/committees/{committee.pk}/members/new-person/").content.decode()
    assert 'name="particle"' in page
    response = new_person(client, committee, first_name="Anna", particle="de", last_name="Vries")
    assert response.status_code == 302
    person = committee.memberships.get().person
    assert (person.first_name, person.particle, person.last_name) == ("Anna", "de", "Vries")
    assert person.full_name == "Anna de Vries"


@pytest.mark.parametrize(
    ("first_name", "particle", "last_name"),
    [
        ("Anna", "", "de Vries"),
        ("ANNA", "DE", "VRIES"),
        ("Anna de", "", "Vries"),
        ("Anna", "", "Vries, de"),
        ("Ánna", "de", "Vriës"),
    ],
)
def test_a_colleague_with_a_particle_is_offered_however_the_parts_are_typed(
    client, op_user, department, first_name, particle, last_name
) -> None:
    committee = CommitteeFactory(department=department)
    known = PersonFactory(
        department=department, first_name="Anna", particle="de", last_name="Vries"
    )
    client.force_login(op_user)
    response = new_person(
        client, committee, first_name=first_name, particle=particle, last_name=last_name
    )
    assert response.status_code == 200
    assert response.context["matches"] == [known]
    assert Person.objects.count() == 1
