"""Entering a completion by hand, and the second person who confirms or rejects it."""

from __future__ import annotations

import datetime

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from committees.models import CommitteeMembership, SelectionCommittee
from departments.models import Department
from tests.factories import (
    CommitteeFactory,
    CompletionFactory,
    MembershipFactory,
    PersonFactory,
    ProgrammeFactory,
    SessionFactory,
    SupplierFactory,
    op_staff,
)
from trainings.hand_entry import (
    HandEntryRefused,
    completion_confirm,
    completion_enter_by_hand,
    completion_reject,
    pending_for,
    sessions_to_choose,
)
from trainings.models import CompletionSource, CompletionStatus, TrainingCompletion, TrainingSession

pytestmark = pytest.mark.django_db

INTERVIEW = datetime.date(2025, 6, 16)
EVIDENCE = "Certificaat gezien, map P-12"


@pytest.fixture
def colleague(department: Department):
    """A second O&P member of the same department: the one who confirms."""
    return op_staff(department, username="op.aaa.2")


@pytest.fixture
def membership(department: Department) -> CommitteeMembership:
    committee = CommitteeFactory(department=department, interview_date=INTERVIEW)
    return MembershipFactory(committee=committee, person=PersonFactory(department=department))


@pytest.fixture
def session() -> TrainingSession:
    return SessionFactory(date=datetime.date(2025, 5, 1))


def enter(membership: CommitteeMembership, session: TrainingSession, user) -> TrainingCompletion:
    return completion_enter_by_hand(
        person=membership.person, session=session, evidence_note=EVIDENCE, user=user
    )


def is_trained(membership: CommitteeMembership) -> bool:
    return CommitteeMembership.objects.with_training_status().get(pk=membership.pk).is_trained


def is_compliant(committee: SelectionCommittee) -> bool:
    return SelectionCommittee.objects.with_compliance().get(pk=committee.pk).is_compliant


def test_a_hand_entry_records_who_entered_it_when_and_on_what_evidence(
    membership, session, op_user
) -> None:
    before = timezone.now()
    completion = enter(membership, session, op_user)
    completion.refresh_from_db()
    assert completion.source == CompletionSource.HAND
    assert completion.status == CompletionStatus.ATTENDED
    assert completion.entered_by == op_user
    assert completion.entered_at is not None
    assert completion.entered_at >= before
    assert completion.evidence_note == EVIDENCE
    assert completion.confirmed_at is None
    assert completion.awaiting_confirmation


def test_a_pending_hand_entry_leaves_the_member_untrained_and_the_committee_not_compliant(
    membership, session, op_user
) -> None:
    enter(membership, session, op_user)
    assert not is_trained(membership)
    assert not is_compliant(membership.committee)
    assert not TrainingCompletion.objects.attended().exists()


def test_a_confirmed_hand_entry_makes_the_member_trained(
    membership, session, op_user, colleague
) -> None:
    completion = enter(membership, session, op_user)
    completion_confirm(completion=completion, user=colleague)
    completion.refresh_from_db()
    assert completion.confirmed_by == colleague
    assert completion.confirmed_at is not None
    assert is_trained(membership)
    assert is_compliant(membership.committee)


def test_the_enterer_cannot_confirm_their_own_entry(membership, session, op_user) -> None:
    completion = enter(membership, session, op_user)
    with pytest.raises(HandEntryRefused):
        completion_confirm(completion=completion, user=op_user)
    assert not is_trained(membership)


def test_an_administrator_who_entered_it_cannot_confirm_it_either(
    membership, session, admin_user_
) -> None:
    completion = enter(membership, session, admin_user_)
    with pytest.raises(HandEntryRefused):
        completion_confirm(completion=completion, user=admin_user_)


def test_the_database_refuses_a_confirmer_who_is_the_enterer(membership, session, op_user) -> None:
    completion = enter(membership, session, op_user)
    with pytest.raises(IntegrityError), transaction.atomic():
        TrainingCompletion.objects.filter(pk=completion.pk).update(
            confirmed_by=op_user, confirmed_at=timezone.now()
        )


def test_an_outsider_can_neither_enter_nor_confirm_nor_reject(
    membership, session, op_user, outsider
) -> None:
    with pytest.raises(HandEntryRefused):
        enter(membership, session, outsider)
    completion = enter(membership, session, op_user)
    with pytest.raises(HandEntryRefused):
        completion_confirm(completion=completion, user=outsider)
    with pytest.raises(HandEntryRefused):
        completion_reject(completion=completion, user=outsider, reason="Onjuist")
    completion.refresh_from_db()
    assert completion.confirmed_at is None


def test_the_bureau_may_confirm_but_not_enter(membership, session, op_user, bureau) -> None:
    with pytest.raises(HandEntryRefused):
        enter(membership, session, bureau)
    completion = enter(membership, session, op_user)
    completion_confirm(completion=completion, user=bureau)
    assert is_trained(membership)


def test_an_administrator_may_enter_and_another_may_confirm(
    membership, session, admin_user_, colleague
) -> None:
    completion = enter(membership, session, admin_user_)
    completion_confirm(completion=completion, user=colleague)
    assert is_trained(membership)


def test_confirming_twice_changes_nothing(membership, session, op_user, colleague, bureau) -> None:
    completion = enter(membership, session, op_user)
    first = completion_confirm(completion=completion, user=colleague)
    again = completion_confirm(completion=completion, user=bureau)
    assert again.confirmed_by == colleague
    assert again.confirmed_at == first.confirmed_at


def test_the_history_records_who_confirmed(membership, session, op_user, colleague) -> None:
    completion = enter(membership, session, op_user)
    completion_confirm(completion=completion, user=colleague)
    latest = completion.history.first()
    assert latest.history_user == colleague
    assert latest.confirmed_by_id == colleague.pk
    assert completion.history.last().history_user == op_user


def test_an_imported_completion_needs_no_confirmation(membership, colleague) -> None:
    completion = CompletionFactory(person=membership.person, session__date=INTERVIEW)
    assert is_trained(membership)
    with pytest.raises(HandEntryRefused):
        completion_confirm(completion=completion, user=colleague)


def test_an_empty_evidence_note_is_refused(membership, session, op_user) -> None:
    with pytest.raises(HandEntryRefused):
        completion_enter_by_hand(
            person=membership.person, session=session, evidence_note="   ", user=op_user
        )
    assert not TrainingCompletion.objects.exists()


def test_a_session_already_recorded_for_the_person_is_refused(membership, session, op_user) -> None:
    CompletionFactory(person=membership.person, session=session, status=CompletionStatus.NO_SHOW)
    with pytest.raises(HandEntryRefused):
        enter(membership, session, op_user)


def test_cancelled_and_future_sessions_are_refused(membership, op_user) -> None:
    with pytest.raises(HandEntryRefused):
        enter(membership, SessionFactory(cancelled=True), op_user)
    future = timezone.localdate() + datetime.timedelta(days=3)
    with pytest.raises(HandEntryRefused):
        enter(membership, SessionFactory(date=future), op_user)
    assert not TrainingCompletion.objects.exists()


def test_an_own_training_gets_a_session_of_its_own_that_is_never_offered(
    membership, op_user
) -> None:
    supplier = SupplierFactory()
    completion = completion_enter_by_hand(
        person=membership.person,
        supplier=supplier,
        programme=ProgrammeFactory(supplier=supplier),
        date=datetime.date(2025, 4, 2),
        place="Utrecht",
        evidence_note=EVIDENCE,
        user=op_user,
    )
    assert completion.session.entered_by_hand
    assert completion.session.date == datetime.date(2025, 4, 2)
    assert completion.session not in sessions_to_choose(user=op_user)


def test_another_ministrys_own_session_is_refused(membership, op_user, other_department) -> None:
    with pytest.raises(HandEntryRefused):
        enter(membership, SessionFactory(department=other_department), op_user)
    assert not TrainingCompletion.objects.exists()


def test_an_own_training_with_another_suppliers_programme_is_refused(membership, op_user) -> None:
    with pytest.raises(HandEntryRefused):
        completion_enter_by_hand(
            person=membership.person,
            supplier=SupplierFactory(),
            programme=ProgrammeFactory(supplier=SupplierFactory()),
            date=datetime.date(2025, 4, 2),
            evidence_note=EVIDENCE,
            user=op_user,
        )
    assert not TrainingSession.objects.exists()


def test_rejecting_removes_the_entry_and_its_own_session_and_keeps_the_reason(
    membership, op_user, colleague
) -> None:
    supplier = SupplierFactory()
    completion = completion_enter_by_hand(
        person=membership.person,
        supplier=supplier,
        programme=ProgrammeFactory(supplier=supplier),
        date=datetime.date(2025, 4, 2),
        evidence_note=EVIDENCE,
        user=op_user,
    )
    pk = completion.pk
    completion_reject(completion=completion, user=colleague, reason="Geen certificaat in de map")
    assert not TrainingCompletion.objects.filter(pk=pk).exists()
    assert not TrainingSession.objects.filter(entered_by_hand=True).exists()
    removal = TrainingCompletion.history.filter(id=pk).first()
    assert removal.history_type == "-"
    assert removal.history_user == colleague
    assert removal.history_change_reason == "Geen certificaat in de map"


def test_a_confirmed_entry_cannot_be_rejected(membership, session, op_user, colleague) -> None:
    completion = enter(membership, session, op_user)
    completion_confirm(completion=completion, user=colleague)
    with pytest.raises(HandEntryRefused):
        completion_reject(completion=completion, user=colleague, reason="Toch niet")
    assert TrainingCompletion.objects.filter(pk=completion.pk).exists()


def test_pending_lists_hide_own_entries_and_other_departments(
    membership, session, op_user, colleague, outsider, bureau
) -> None:
    completion = enter(membership, session, op_user)
    assert list(pending_for(colleague)) == [completion]
    assert list(pending_for(bureau)) == [completion]
    assert list(pending_for(op_user)) == []
    assert list(pending_for(outsider)) == []
