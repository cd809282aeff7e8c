"""Adding a member on the pages applies the department's rule to confirmed committees.

Justify mode asks a justification on a step of its own (person and role kept); strict
refuses; a new person the rule refuses is not created either.
"""

from __future__ import annotations

import datetime

import pytest

from committees.models import (
    CommitteeJustification,
    CommitteeMembership,
    CommitteeStatus,
    MembershipRole,
)
from departments.models import EnforcementMode, Person
from tests.factories import CommitteeFactory, CompletionFactory, MembershipFactory, PersonFactory

pytestmark = pytest.mark.django_db

INTERVIEW = datetime.date(2031, 6, 16)


def confirmed_committee(department, mode: str):
    department.enforcement_mode = mode
    department.save(update_fields=["enforcement_mode"])
    committee = CommitteeFactory(
        department=department, interview_date=INTERVIEW, status=CommitteeStatus.CONFIRMED
    )
    chair = MembershipFactory(committee=committee, role=MembershipRole.CHAIR)
    CompletionFactory(person=chair.person, session__date=datetime.date(2030, 1, 1))
    return committee


def add(client, committee, person, **extra):
    data = {"person": person.pk, "role": MembershipRole.MEMBER, **extra}
    return client.post(f"/committees/{committee.pk}/members/add/", data)


def test_justify_mode_asks_a_justification_and_keeps_the_choice(
    client, op_user, department
) -> None:
    committee = confirmed_committee(department, EnforcementMode.JUSTIFY)
    person = PersonFactory(department=department, last_name="Ongetraind")
    client.force_login(op_user)
    response = add(client, committee, person)
    assert response.status_code == 200
    assert response.templates[0].name == "committees/member_justify.html"
    page = response.content.decode()
    assert f'name="person" value="{person.pk}"' in page
    assert 'name="role" value="member"' in page
    assert not CommitteeMembership.objects.filter(person=person).exists()


def test_an_empty_justification_is_an_error_linked_to_its_field(
    client, op_user, department
) -> None:
    committee = confirmed_committee(department, EnforcementMode.JUSTIFY)
    person = PersonFactory(department=department)
    client.force_login(op_user)
    response = add(client, committee, person, justification="   ")
    page = response.content.decode()
    assert 'id="id_justification_error"' in page
    assert 'href="#id_justification"' in page
    assert not CommitteeMembership.objects.filter(person=person).exists()


def test_with_a_justification_the_member_is_added_and_it_is_stored(
    client, op_user, department
) -> None:
    committee = confirmed_committee(department, EnforcementMode.JUSTIFY)
    person = PersonFactory(department=department, first_name="Ada", last_name="Ongetraind")
    client.force_login(op_user)
    response = add(client, committee, person, justification="Vervanger bij ziekte.")
    assert response.status_code == 302
    assert CommitteeMembership.objects.filter(committee=committee, person=person).exists()
    stored = CommitteeJustification.objects.get(committee=committee)
    assert stored.text == "Vervanger bij ziekte."
    assert stored.untrained_members == "Ada Ongetraind"
    assert stored.created_by == op_user


def test_strict_mode_refuses_an_untrained_member(client, op_user, department) -> None:
    committee = confirmed_committee(department, EnforcementMode.STRICT)
    person = PersonFactory(department=department)
    client.force_login(op_user)
    response = add(client, committee, person, justification="Toch graag.")
    assert response.status_code == 302
    assert not CommitteeMembership.objects.filter(person=person).exists()
    assert not CommitteeJustification.objects.exists()


def test_an_outsider_cannot_add_to_another_departments_committee(
    client, outsider, department
) -> None:
    committee = confirmed_committee(department, EnforcementMode.ADVISORY)
    person = PersonFactory(department=outsider.staff_departments.get())
    client.force_login(outsider)
    assert add(client, committee, person).status_code == 404
    assert not CommitteeMembership.objects.filter(person=person).exists()


def new_person(client, committee, **extra):
    data = {
        "first_name": "Nieuw",
        "last_name": "Lid",
        "email": "nieuw.lid@example.nl",
        "employee_number": "",
        "role": MembershipRole.MEMBER,
        **extra,
    }
    return client.post(f"/committees/{committee.pk}/members/new-person/", data)


def test_a_new_person_on_a_confirmed_justify_committee_needs_a_justification(
    client, op_user, department
) -> None:
    committee = confirmed_committee(department, EnforcementMode.JUSTIFY)
    client.force_login(op_user)
    assert (
        "justification"
        in client.get(f"/committees/{committee.pk}/members/new-person/").context["form"].fields
    )
    refused = new_person(client, committee)
    assert refused.status_code == 200
    assert refused.context["form"].errors["justification"]
    assert not Person.objects.filter(email="nieuw.lid@example.nl").exists()
    assert new_person(client, committee, justification="Vervanger.").status_code == 302
    assert CommitteeMembership.objects.filter(
        committee=committee, person__email="nieuw.lid@example.nl"
    ).exists()


def test_strict_mode_creates_no_person_it_would_refuse_to_add(client, op_user, department) -> None:
    committee = confirmed_committee(department, EnforcementMode.STRICT)
    client.force_login(op_user)
    response = new_person(client, committee)
    assert response.status_code == 200
    assert response.context["form"].non_field_errors()
    assert "justification" not in response.context["form"].fields
    assert not Person.objects.filter(email="nieuw.lid@example.nl").exists()
