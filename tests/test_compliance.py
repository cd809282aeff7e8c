"""The compliance rules on every edge the foundation issue names."""

from __future__ import annotations

import datetime

import pytest

from committees.models import CommitteeMembership, MembershipRole, SelectionCommittee
from tests.factories import (
    CommitteeFactory,
    CompletionFactory,
    MembershipFactory,
    PersonFactory,
    SessionFactory,
)
from trainings.models import CompletionStatus

pytestmark = pytest.mark.django_db

INTERVIEW = datetime.date(2025, 6, 16)


def trained(membership: CommitteeMembership) -> bool:
    return CommitteeMembership.objects.with_training_status().get(pk=membership.pk).is_trained


def committee_row(committee: SelectionCommittee) -> SelectionCommittee:
    return SelectionCommittee.objects.with_compliance().get(pk=committee.pk)


def member_with_training(session_date: datetime.date, **completion: object) -> CommitteeMembership:
    membership = MembershipFactory(committee__interview_date=INTERVIEW)
    CompletionFactory(person=membership.person, session__date=session_date, **completion)
    return membership


def test_a_member_trained_on_the_interview_day_counts_as_trained() -> None:
    assert trained(member_with_training(INTERVIEW))


def test_a_member_trained_the_day_after_the_interview_is_not_trained() -> None:
    assert not trained(member_with_training(INTERVIEW + datetime.timedelta(days=1)))


def test_a_member_trained_long_ago_is_trained_when_no_validity_is_set(settings) -> None:
    settings.TRAINING_VALIDITY_DAYS = None
    assert trained(member_with_training(datetime.date(2015, 1, 1)))


def test_a_training_older_than_the_validity_period_has_expired(settings) -> None:
    settings.TRAINING_VALIDITY_DAYS = 365
    assert not trained(member_with_training(INTERVIEW - datetime.timedelta(days=366)))


def test_a_training_exactly_at_the_validity_limit_still_counts(settings) -> None:
    settings.TRAINING_VALIDITY_DAYS = 365
    assert trained(member_with_training(INTERVIEW - datetime.timedelta(days=365)))


def test_a_cancelled_session_trains_nobody() -> None:
    assert not trained(member_with_training(INTERVIEW, session__cancelled=True))


@pytest.mark.parametrize(
    "status", [CompletionStatus.NO_SHOW, CompletionStatus.CANCELLED, CompletionStatus.REGISTERED]
)
def test_only_attendance_counts_as_trained(status: str) -> None:
    assert not trained(member_with_training(INTERVIEW - datetime.timedelta(days=7), status=status))


def test_another_persons_training_does_not_count() -> None:
    membership = MembershipFactory(committee__interview_date=INTERVIEW)
    CompletionFactory(person=PersonFactory(), session__date=INTERVIEW)
    assert not trained(membership)


def test_an_external_member_needs_no_training_and_does_not_block_compliance() -> None:
    committee = CommitteeFactory(interview_date=INTERVIEW)
    chair = MembershipFactory(committee=committee, role=MembershipRole.CHAIR)
    MembershipFactory(committee=committee, role=MembershipRole.EXTERNAL)
    CompletionFactory(person=chair.person, session__date=INTERVIEW)

    row = committee_row(committee)

    assert (row.required_count, row.trained_count, row.is_compliant) == (1, 1, True)
    statuses = CommitteeMembership.objects.with_training_status().filter(committee=committee)
    assert {m.role: m.requires_training for m in statuses} == {
        MembershipRole.CHAIR: True,
        MembershipRole.EXTERNAL: False,
    }


def test_the_required_roles_are_configurable(settings) -> None:
    settings.TRAINING_REQUIRED_ROLES = ["chair", "member", "hr_adviser", "external"]
    committee = CommitteeFactory(interview_date=INTERVIEW)
    MembershipFactory(committee=committee, role=MembershipRole.EXTERNAL)
    assert not committee_row(committee).is_compliant


def test_a_committee_complies_only_when_every_required_member_is_trained() -> None:
    committee = CommitteeFactory(interview_date=INTERVIEW)
    members = MembershipFactory.create_batch(3, committee=committee)
    for member in members[:2]:
        CompletionFactory(
            person=member.person, session__date=INTERVIEW - datetime.timedelta(days=30)
        )

    row = committee_row(committee)
    assert (row.required_count, row.trained_count, row.is_compliant) == (3, 2, False)

    CompletionFactory(person=members[2].person, session__date=INTERVIEW)
    row = committee_row(committee)
    assert (row.required_count, row.trained_count, row.is_compliant) == (3, 3, True)


def test_training_counts_against_each_committees_own_interview_date() -> None:
    person = PersonFactory()
    early = MembershipFactory(person=person, committee__interview_date=datetime.date(2025, 1, 10))
    late = MembershipFactory(person=person, committee__interview_date=datetime.date(2025, 9, 1))
    CompletionFactory(person=person, session__date=datetime.date(2025, 3, 1))
    assert (trained(early), trained(late)) == (False, True)


def test_a_registration_before_the_interview_is_shown_but_is_not_training() -> None:
    membership = member_with_training(
        INTERVIEW - datetime.timedelta(days=3), status=CompletionStatus.REGISTERED
    )
    row = CommitteeMembership.objects.with_training_status().get(pk=membership.pk)
    assert (row.is_trained, row.is_registered) == (False, True)


def test_compliance_is_one_query_whatever_the_number_of_committees(
    django_assert_num_queries,
) -> None:
    for _ in range(5):
        committee = CommitteeFactory(interview_date=INTERVIEW)
        MembershipFactory.create_batch(3, committee=committee)
    SessionFactory()
    with django_assert_num_queries(1):
        rows = list(SelectionCommittee.objects.with_compliance())
    assert len(rows) == 5
    assert all(row.required_count == 3 for row in rows)
