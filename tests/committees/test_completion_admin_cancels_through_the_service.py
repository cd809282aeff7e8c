"""A registration set to cancelled in the admin is cancelled by the same service as on the
pages: the waiting list moves up, the e-mails go out, and the O&P staff of a confirmed
committee that relied on it are told."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from committees.models import CommitteeStatus
from departments.models import EnforcementMode
from notifications.models import Notification
from tests.factories import (
    CommitteeFactory,
    MembershipFactory,
    PersonFactory,
    SessionFactory,
    administrator,
)
from trainings.models import CompletionStatus, TrainingCompletion, WaitlistEntry
from trainings.services import registration_create, waitlist_join

pytestmark = pytest.mark.django_db


def day(offset: int) -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=offset)


@pytest.fixture
def world(department, op_user):
    op_user.email = "op@aaa.example.nl"
    op_user.save()
    department.enforcement_mode = EnforcementMode.JUSTIFY
    department.save()
    membership = MembershipFactory(
        committee=CommitteeFactory(department=department, interview_date=day(30)),
        person__email="cees@aaa.example.nl",
    )
    session = SessionFactory(date=day(10), capacity=1)
    completion = registration_create(person=membership.person, session=session, user=None)
    membership.committee.status = CommitteeStatus.CONFIRMED
    membership.committee.save()
    waiting = PersonFactory(department=department, email="bram@aaa.example.nl")
    assert waitlist_join(person=waiting, session=session, user=None).waitlist_entry
    Notification.objects.all().delete()
    return completion.completion, waiting


def post_status(client, completion: TrainingCompletion, status: str):
    url = reverse("admin:trainings_trainingcompletion_change", args=[completion.pk])
    return client.post(
        url,
        {"person": completion.person_id, "session": completion.session_id, "status": status},
    )


def test_cancelling_in_the_admin_moves_the_waiting_list_up_and_sends_the_mail(
    client, world
) -> None:
    completion, waiting = world
    admin_user = administrator()
    client.force_login(admin_user)
    assert post_status(client, completion, CompletionStatus.CANCELLED).status_code == 302

    completion.refresh_from_db()
    assert completion.status == CompletionStatus.CANCELLED
    assert completion.status_changed_by == admin_user
    promoted = TrainingCompletion.objects.get(person=waiting)
    assert promoted.status == CompletionStatus.REGISTERED
    assert not WaitlistEntry.objects.exists()
    sent = sorted(Notification.objects.values_list("kind", "recipient_email"))
    assert sent == [
        ("registration", "bram@aaa.example.nl"),
        ("registration_cancel", "cees@aaa.example.nl"),
        ("relied_cancellation", "op@aaa.example.nl"),
    ]
    # Saving the cancelled row again changes and sends nothing.
    assert post_status(client, completion, CompletionStatus.CANCELLED).status_code == 302
    assert Notification.objects.count() == 3


def test_o_and_p_staff_and_an_outsider_cannot_use_the_admin(
    client, world, op_user, outsider
) -> None:
    completion, _waiting = world
    for user in (op_user, outsider):
        client.force_login(user)
        response = post_status(client, completion, CompletionStatus.CANCELLED)
        assert response.status_code == 302
        assert "/login/" in response["Location"]
    completion.refresh_from_db()
    assert completion.status == CompletionStatus.REGISTERED
    assert not Notification.objects.exists()


def test_a_cancelled_place_is_not_given_back_by_hand(client, world) -> None:
    completion, waiting = world
    client.force_login(administrator())
    post_status(client, completion, CompletionStatus.CANCELLED)
    Notification.objects.all().delete()

    response = post_status(client, completion, CompletionStatus.REGISTERED)

    assert response.status_code == 200
    assert "Schrijf de persoon opnieuw in" in response.content.decode()
    completion.refresh_from_db()
    assert completion.status == CompletionStatus.CANCELLED
    # The place stays with whoever moved up: the session is not overbooked.
    assert TrainingCompletion.objects.get(person=waiting).status == CompletionStatus.REGISTERED
    assert not Notification.objects.exists()
