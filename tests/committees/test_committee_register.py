"""Registering a committee with its members in one step (committee_register): the steps
and the rule of the pages, in one transaction."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError

from committees.models import (
    CommitteeJustification,
    CommitteeMembership,
    CommitteeStatus,
    MembershipRole,
    SelectionCommittee,
)
from committees.services import committee_register
from departments.models import Department, EnforcementMode
from tests.factories import CompletionFactory, PersonFactory

pytestmark = pytest.mark.django_db

INTERVIEW = datetime.date(2025, 6, 16)


def _mode(department: Department, mode: str) -> Department:
    department.enforcement_mode = mode
    department.save(update_fields=["enforcement_mode"])
    return department


def _register(department: Department, members, **extra):
    return committee_register(
        department=department,
        vacancy_reference="VAC-1",
        vacancy_title="Beleidsmedewerker",
        interview_date=INTERVIEW,
        members=members,
        **extra,
    )


def test_a_planned_committee_is_created_with_its_members_and_the_user_as_actor(
    department, op_user
) -> None:
    chair, member = PersonFactory(department=department), PersonFactory(department=department)
    registration = _register(
        department, [(chair, MembershipRole.CHAIR), (member, MembershipRole.MEMBER)], user=op_user
    )
    committee = registration.committee
    assert committee.status == CommitteeStatus.PLANNED
    assert set(committee.memberships.values_list("person", "role")) == {
        (chair.pk, MembershipRole.CHAIR),
        (member.pk, MembershipRole.MEMBER),
    }
    assert registration.warnings == ()
    assert {h.history_user for h in committee.history.all()} == {op_user}
    assert {
        h.history_user for h in CommitteeMembership.history.filter(committee_id=committee.pk)
    } == {op_user}


def test_advisory_confirms_with_the_warning_of_the_edit_page(department, op_user) -> None:
    _mode(department, EnforcementMode.ADVISORY)
    person = PersonFactory(department=department, first_name="Anna", last_name="Bakker")
    registration = _register(
        department, [(person, MembershipRole.MEMBER)], status=CommitteeStatus.CONFIRMED
    )
    assert registration.committee.status == CommitteeStatus.CONFIRMED
    assert registration.warnings == ("Nog niet getraind: Anna Bakker.",)


def test_justify_asks_a_reason_and_leaves_nothing_behind(department, op_user) -> None:
    _mode(department, EnforcementMode.JUSTIFY)
    person = PersonFactory(department=department, last_name="Jansen")
    with pytest.raises(ValidationError) as refused:
        _register(department, [(person, MembershipRole.MEMBER)], status=CommitteeStatus.CONFIRMED)
    assert list(refused.value.message_dict) == ["justification"]
    assert "Jansen" in refused.value.message_dict["justification"][0]
    assert not SelectionCommittee.objects.exists()
    assert not CommitteeMembership.objects.exists()


def test_justify_stores_the_reason_given_with_the_user(department, op_user) -> None:
    _mode(department, EnforcementMode.JUSTIFY)
    person = PersonFactory(department=department, last_name="Jansen")
    registration = _register(
        department,
        [(person, MembershipRole.MEMBER)],
        status=CommitteeStatus.CONFIRMED,
        justification="Workshop vol, volgt in juli.",
        user=op_user,
    )
    justification = CommitteeJustification.objects.get(committee=registration.committee)
    assert justification.text == "Workshop vol, volgt in juli."
    assert justification.created_by == op_user


def test_strict_refuses_an_unplanned_member_on_the_status(department) -> None:
    _mode(department, EnforcementMode.STRICT)
    trained = PersonFactory(department=department)
    CompletionFactory(person=trained, session__date=datetime.date(2025, 1, 1))
    untrained = PersonFactory(department=department, last_name="Visser")
    with pytest.raises(ValidationError) as refused:
        _register(
            department,
            [(trained, MembershipRole.CHAIR), (untrained, MembershipRole.MEMBER)],
            status=CommitteeStatus.CONFIRMED,
        )
    assert list(refused.value.message_dict) == ["status"]
    assert "Visser" in refused.value.message_dict["status"][0]
    assert not SelectionCommittee.objects.exists()


def test_strict_confirms_when_every_member_is_trained(department) -> None:
    _mode(department, EnforcementMode.STRICT)
    trained = PersonFactory(department=department)
    CompletionFactory(person=trained, session__date=datetime.date(2025, 1, 1))
    registration = _register(
        department,
        [(trained, MembershipRole.CHAIR), (PersonFactory(department=department), "external")],
        status=CommitteeStatus.CONFIRMED,
    )
    assert registration.committee.status == CommitteeStatus.CONFIRMED
    assert registration.warnings == ()


def test_an_incomplete_committee_is_refused_in_every_mode(department) -> None:
    external = PersonFactory(department=department)
    with pytest.raises(ValidationError) as refused:
        _register(department, [(external, MembershipRole.EXTERNAL)], status=CommitteeStatus.HELD)
    assert list(refused.value.message_dict) == ["status"]
    assert not SelectionCommittee.objects.exists()


def test_the_same_person_twice_is_refused_on_the_second_entry(department) -> None:
    person = PersonFactory(department=department, first_name="Anna", last_name="Bakker")
    with pytest.raises(ValidationError) as refused:
        _register(department, [(person, "chair"), (person, "member")])
    assert refused.value.message_dict == {"members.1": ["Anna Bakker zit al in deze commissie."]}
    assert not SelectionCommittee.objects.exists()
