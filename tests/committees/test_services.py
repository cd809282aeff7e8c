"""Adding and removing members, and creating people, through the services."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError

from committees.models import CommitteeMembership, CommitteeStatus, MembershipRole
from committees.services import (
    committee_add_member,
    committee_create,
    committee_remove_member,
    person_create,
)
from departments.models import EnforcementMode
from tests.factories import CommitteeFactory, CompletionFactory, PersonFactory

pytestmark = pytest.mark.django_db


def test_a_member_is_added_with_a_role(department, op_user) -> None:
    committee = CommitteeFactory(department=department)
    person = PersonFactory(department=department)
    membership = committee_add_member(
        committee=committee, person=person, role=MembershipRole.CHAIR, user=op_user
    )
    assert membership.role == MembershipRole.CHAIR
    assert CommitteeMembership.history.get(id=membership.pk).history_user == op_user


def test_the_same_person_twice_is_refused_with_a_clear_message(department) -> None:
    committee = CommitteeFactory(department=department)
    person = PersonFactory(department=department, first_name="Anna", last_name="Bakker")
    committee_add_member(committee=committee, person=person, role=MembershipRole.MEMBER)
    with pytest.raises(ValidationError, match="Anna Bakker"):
        committee_add_member(committee=committee, person=person, role=MembershipRole.CHAIR)
    assert committee.memberships.count() == 1


def test_strict_refuses_an_untrained_member_on_a_confirmed_committee(department) -> None:
    department.enforcement_mode = EnforcementMode.STRICT
    department.save(update_fields=["enforcement_mode"])
    committee = CommitteeFactory(department=department, status=CommitteeStatus.CONFIRMED)
    with pytest.raises(ValidationError):
        committee_add_member(
            committee=committee,
            person=PersonFactory(department=department),
            role=MembershipRole.MEMBER,
        )
    # A trained member and an external member may still join.
    trained = PersonFactory(department=department)
    CompletionFactory(person=trained, session__date=datetime.date(2025, 1, 1))
    committee_add_member(committee=committee, person=trained, role=MembershipRole.MEMBER)
    committee_add_member(
        committee=committee,
        person=PersonFactory(department=department),
        role=MembershipRole.EXTERNAL,
    )


def test_a_member_is_removed_and_the_removal_kept(department, op_user) -> None:
    committee = CommitteeFactory(department=department)
    membership = committee_add_member(
        committee=committee, person=PersonFactory(department=department), role="member"
    )
    membership_id = membership.pk
    committee_remove_member(membership=membership, user=op_user)
    assert not committee.memberships.exists()
    kept = CommitteeMembership.history.filter(id=membership_id).order_by("history_id")
    assert [h.history_type for h in kept] == ["+", "-"]


def test_a_new_person_is_normalised(department) -> None:
    person = person_create(
        department=department,
        first_name=" Piet ",
        last_name="de  Vries",
        email="mailto:P.deVries@Example.NL",
        employee_number=" ab 12 ",
    )
    assert (person.email, person.employee_number, person.particle, person.last_name) == (
        "p.devries@example.nl",
        "AB12",
        "de",
        "Vries",
    )


def test_a_new_person_with_a_known_email_is_refused(department, op_user) -> None:
    PersonFactory(department=department, email="al@example.nl")
    with pytest.raises(ValidationError) as error:
        person_create(
            department=department,
            first_name="Al",
            last_name="Dubbel",
            email="AL@example.nl",
            user=op_user,
        )
    assert "email" in error.value.message_dict


def test_a_committee_is_created(department, op_user) -> None:
    committee = committee_create(
        department=department,
        vacancy_reference="VAC-1",
        vacancy_title="Jurist",
        interview_date=datetime.date(2026, 1, 5),
        user=op_user,
    )
    assert committee.history.get().history_user == op_user
