"""`visible_to(user)`: one scoping rule for every queryset."""

from __future__ import annotations

import pytest

from committees.models import CommitteeMembership, SelectionCommittee
from departments.models import Department, Person
from tests.factories import (
    CommitteeFactory,
    CompletionFactory,
    EvaluationFactory,
    MembershipFactory,
    PersonFactory,
    UserFactory,
)
from trainings.models import Evaluation, TrainingCompletion

pytestmark = pytest.mark.django_db


@pytest.fixture
def data(department, other_department):
    own = MembershipFactory(committee__department=department)
    foreign = MembershipFactory(committee__department=other_department)
    return {
        "own": own,
        "foreign": foreign,
        "own_completion": CompletionFactory(person=own.person),
        "foreign_completion": CompletionFactory(person=foreign.person),
    }


def test_op_staff_see_only_their_own_department(op_user, data, department) -> None:
    assert list(Department.objects.visible_to(op_user)) == [department]
    assert list(SelectionCommittee.objects.visible_to(op_user)) == [data["own"].committee]
    assert list(CommitteeMembership.objects.visible_to(op_user)) == [data["own"]]
    assert list(Person.objects.visible_to(op_user)) == [data["own"].person]
    assert list(TrainingCompletion.objects.visible_to(op_user)) == [data["own_completion"]]


def test_it_hides_other_departments_from_an_outsider(outsider, data) -> None:
    assert data["own"].committee not in SelectionCommittee.objects.visible_to(outsider)
    assert data["own"].person not in Person.objects.visible_to(outsider)
    assert data["own"] not in CommitteeMembership.objects.visible_to(outsider)
    assert data["own_completion"] not in TrainingCompletion.objects.visible_to(outsider)


def test_staff_of_two_departments_see_both(department, other_department, data) -> None:
    user = UserFactory(role="op_staff", departments=[department, other_department])
    assert SelectionCommittee.objects.visible_to(user).count() == 2


def test_a_person_from_elsewhere_on_an_own_committee_stays_invisible(op_user, department) -> None:
    # Sitting on an own committee does not bring a person into scope: a membership is
    # easy to create, and would otherwise open anyone's e-mail and training history.
    guest = PersonFactory(department__code="GST")
    MembershipFactory(committee=CommitteeFactory(department=department), person=guest)
    assert guest not in Person.objects.visible_to(op_user)
    assert guest not in Person.objects.editable_by(op_user)


def test_the_programme_bureau_reads_everything_and_edits_nothing(bureau, data) -> None:
    assert SelectionCommittee.objects.visible_to(bureau).count() == 2
    assert Person.objects.visible_to(bureau).count() == 2
    assert not SelectionCommittee.objects.editable_by(bureau).exists()


def test_administrators_see_and_edit_everything(admin_user_, data) -> None:
    assert SelectionCommittee.objects.visible_to(admin_user_).count() == 2
    assert SelectionCommittee.objects.editable_by(admin_user_).count() == 2


def test_a_user_without_department_sees_nothing(data) -> None:
    user = UserFactory(role="op_staff")
    assert not SelectionCommittee.objects.visible_to(user).exists()
    assert not Person.objects.visible_to(user).exists()
    assert not Department.objects.visible_to(user).exists()


def test_a_user_without_a_role_sees_nothing_even_when_linked(department, data) -> None:
    user = UserFactory(departments=[department])
    assert not SelectionCommittee.objects.visible_to(user).exists()


def test_a_deactivated_user_sees_nothing(op_user, data) -> None:
    op_user.is_active = False
    assert not SelectionCommittee.objects.visible_to(op_user).exists()


def test_session_evaluations_are_shared_but_participant_scores_are_scoped(
    op_user, outsider, data
) -> None:
    aggregate = EvaluationFactory(response_count=12)
    personal = EvaluationFactory(person=data["own"].person, session=aggregate.session)
    assert set(Evaluation.objects.visible_to(op_user)) == {aggregate, personal}
    assert set(Evaluation.objects.visible_to(outsider)) == {aggregate}
