"""Cancelling a member's registration: who and when, the warning when a confirmed
committee relied on it, and the committee shown as not meeting its rule afterwards."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from committees.models import CommitteeStatus, SelectionCommittee
from committees.selectors import committees_relying_on
from departments.models import EnforcementMode
from tests.factories import CommitteeFactory, MembershipFactory, PersonFactory, SessionFactory
from trainings.models import CompletionStatus, TrainingCompletion
from trainings.services import registration_create, waitlist_join

pytestmark = pytest.mark.django_db


def day(offset: int) -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=offset)


@pytest.fixture
def world(department, op_user):
    department.enforcement_mode = EnforcementMode.STRICT
    department.save()
    committee = CommitteeFactory(department=department, interview_date=day(30))
    membership = MembershipFactory(committee=committee)
    session = SessionFactory(date=day(10), capacity=1)
    completion = registration_create(
        person=membership.person, session=session, user=op_user
    ).completion
    committee.status = CommitteeStatus.CONFIRMED
    committee.save()
    return committee, membership, completion


def url(committee, membership, completion) -> str:
    return reverse(
        "committees:registration_cancel", args=[committee.pk, membership.pk, completion.pk]
    )


def test_a_confirmed_strict_committee_relying_on_it_is_named_before_confirming(
    client, op_user, world
) -> None:
    committee, _membership, completion = world
    assert list(committees_relying_on(completion)) == [committee]
    client.force_login(op_user)
    page = client.get(url(*world)).content.decode()
    assert "Let op: bevestigde commissies rekenen op deze inschrijving." in page
    assert committee.vacancy_reference in page
    assert "Toch annuleren" in page
    completion.refresh_from_db()
    assert completion.status == CompletionStatus.REGISTERED


def test_cancelling_records_who_and_when_and_the_committee_shows_the_breach(
    client, op_user, world
) -> None:
    committee, _membership, completion = world
    client.force_login(op_user)
    response = client.post(url(*world), follow=True)
    completion.refresh_from_db()
    assert completion.status == CompletionStatus.CANCELLED
    assert completion.status_changed_by == op_user
    assert timezone.now() - completion.status_changed_at < datetime.timedelta(minutes=1)
    page = response.content.decode()
    assert "Deze bevestigde commissie voldoet niet meer aan de regel" in page
    assert not SelectionCommittee.objects.with_compliance().get(pk=committee.pk).is_compliant


def test_an_advisory_committee_does_not_rely_on_it(world) -> None:
    committee, _membership, completion = world
    committee.department.enforcement_mode = EnforcementMode.ADVISORY
    committee.department.save()
    assert not committees_relying_on(completion).exists()


def test_another_registration_in_time_means_nobody_relies_on_this_one(world, op_user) -> None:
    _committee, membership, completion = world
    registration_create(
        person=membership.person, session=SessionFactory(date=day(25)), user=op_user
    )
    assert not committees_relying_on(completion).exists()


def test_the_first_on_the_waiting_list_moves_up(client, op_user, world, department) -> None:
    _committee, _membership, completion = world
    waiting = PersonFactory(department=department)
    waitlist_join(person=waiting, session=completion.session, user=op_user)
    client.force_login(op_user)
    client.post(url(*world))
    moved = TrainingCompletion.objects.get(person=waiting)
    assert moved.session == completion.session
    assert moved.status == CompletionStatus.REGISTERED


def test_the_outsider_gets_404_and_the_bureau_403(client, outsider, bureau, world) -> None:
    client.force_login(outsider)
    assert client.post(url(*world)).status_code == 404
    client.force_login(bureau)
    assert client.post(url(*world)).status_code == 403
    _committee, _membership, completion = world
    completion.refresh_from_db()
    assert completion.status == CompletionStatus.REGISTERED


def test_a_registration_of_someone_else_is_404(client, op_user, world, department) -> None:
    committee, membership, _completion = world
    stranger = registration_create(
        person=PersonFactory(department=department), session=SessionFactory(date=day(9)), user=None
    ).completion
    client.force_login(op_user)
    assert client.post(url(committee, membership, stranger)).status_code == 404
