"""The enforcement rule: advisory warns, justify asks a reason, strict refuses."""

from __future__ import annotations

import datetime

import pytest

from committees.enforcement import EnforcementError, committee_check_enforcement
from committees.models import CommitteeJustification, CommitteeStatus, MembershipRole
from committees.services import committee_change_status, committee_update
from departments.models import EnforcementMode
from tests.factories import CommitteeFactory, CompletionFactory, MembershipFactory
from trainings.models import CompletionStatus

pytestmark = pytest.mark.django_db

INTERVIEW = datetime.date(2025, 6, 16)


def committee_with(mode: str, *, trained: bool = False, registered: bool = False):
    committee = CommitteeFactory(interview_date=INTERVIEW, department__enforcement_mode=mode)
    committee.department.enforcement_mode = mode
    committee.department.save(update_fields=["enforcement_mode"])
    membership = MembershipFactory(committee=committee, person__last_name="Jansen")
    if trained:
        CompletionFactory(person=membership.person, session__date=INTERVIEW)
    if registered:
        CompletionFactory(
            person=membership.person, session__date=INTERVIEW, status=CompletionStatus.REGISTERED
        )
    return committee


def test_advisory_confirms_with_a_warning(op_user) -> None:
    committee = committee_with(EnforcementMode.ADVISORY)
    check = committee_check_enforcement(committee=committee, status=CommitteeStatus.CONFIRMED)
    assert check.warns
    assert not check.blocked
    assert not check.needs_justification
    committee_change_status(committee=committee, status=CommitteeStatus.CONFIRMED, user=op_user)
    committee.refresh_from_db()
    assert committee.status == CommitteeStatus.CONFIRMED


def test_justify_refuses_to_confirm_without_a_reason(op_user) -> None:
    committee = committee_with(EnforcementMode.JUSTIFY)
    with pytest.raises(EnforcementError, match="Jansen"):
        committee_change_status(committee=committee, status=CommitteeStatus.CONFIRMED, user=op_user)
    committee.refresh_from_db()
    assert committee.status == CommitteeStatus.PLANNED


def test_justify_stores_the_reason_with_who_and_when(op_user) -> None:
    committee = committee_with(EnforcementMode.JUSTIFY)
    committee_change_status(
        committee=committee,
        status=CommitteeStatus.HELD,
        user=op_user,
        justification="  Workshop vol, volgt in juli.  ",
    )
    justification = CommitteeJustification.objects.get(committee=committee)
    assert justification.text == "Workshop vol, volgt in juli."
    assert justification.created_by == op_user
    assert justification.created_at is not None
    assert "Jansen" in justification.untrained_members
    assert justification.status == CommitteeStatus.HELD


def test_justify_needs_no_reason_when_everyone_is_trained(op_user) -> None:
    committee = committee_with(EnforcementMode.JUSTIFY, trained=True)
    committee_change_status(committee=committee, status=CommitteeStatus.CONFIRMED, user=op_user)
    assert not CommitteeJustification.objects.exists()


def test_strict_refuses_to_confirm_an_untrained_committee(op_user) -> None:
    committee = committee_with(EnforcementMode.STRICT)
    with pytest.raises(EnforcementError) as error:
        committee_change_status(
            committee=committee,
            status=CommitteeStatus.CONFIRMED,
            user=op_user,
            justification="Een reden helpt niet",
        )
    assert error.value.code == "strict"
    committee.refresh_from_db()
    assert committee.status == CommitteeStatus.PLANNED


def test_strict_allows_a_member_registered_before_the_interview(op_user) -> None:
    committee = committee_with(EnforcementMode.STRICT, registered=True)
    committee_change_status(committee=committee, status=CommitteeStatus.HELD, user=op_user)
    committee.refresh_from_db()
    assert committee.status == CommitteeStatus.HELD


def test_strict_ignores_external_members(op_user) -> None:
    committee = committee_with(EnforcementMode.STRICT, trained=True)
    MembershipFactory(committee=committee, role=MembershipRole.EXTERNAL)
    committee_change_status(committee=committee, status=CommitteeStatus.CONFIRMED, user=op_user)
    committee.refresh_from_db()
    assert committee.status == CommitteeStatus.CONFIRMED


def test_strict_checks_the_new_interview_date(op_user) -> None:
    committee = committee_with(EnforcementMode.STRICT, trained=True)
    with pytest.raises(EnforcementError):
        committee_update(
            committee=committee,
            user=op_user,
            status=CommitteeStatus.CONFIRMED,
            interview_date=INTERVIEW - datetime.timedelta(days=1),
        )


def test_editing_notes_of_a_confirmed_committee_is_not_checked_again(op_user) -> None:
    committee = committee_with(EnforcementMode.STRICT)
    committee.status = CommitteeStatus.CONFIRMED
    committee.save(update_fields=["status"])
    committee_update(committee=committee, user=op_user, notes="Nieuwe notitie")
    committee.refresh_from_db()
    assert committee.notes == "Nieuwe notitie"


def test_cancelling_is_never_blocked(op_user) -> None:
    committee = committee_with(EnforcementMode.STRICT)
    committee_change_status(committee=committee, status=CommitteeStatus.CANCELLED, user=op_user)


def test_the_change_is_kept_in_history_with_the_user(op_user) -> None:
    committee = committee_with(EnforcementMode.ADVISORY)
    committee_change_status(committee=committee, status=CommitteeStatus.CONFIRMED, user=op_user)
    assert committee.history.latest("history_id").history_user == op_user
