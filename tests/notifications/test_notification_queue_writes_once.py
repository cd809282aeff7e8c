"""Queueing writes a row in the caller's transaction, once per key."""

from __future__ import annotations

import pytest
from django.db import transaction

from notifications.models import Notification, NotificationStatus
from notifications.rendering import Rendered
from notifications.services import Draft, notification_queue, notifications_queue_many

pytestmark = pytest.mark.django_db

MESSAGE = Rendered(subject="Onderwerp / Subject", text="Tekst", html="<p>Tekst</p>")


def test_the_same_key_twice_writes_one_row_and_says_so(django_capture_on_commit_callbacks) -> None:
    with django_capture_on_commit_callbacks() as callbacks:
        assert notification_queue(key="a", to="x@example.nl", message=MESSAGE) is True
        assert notification_queue(key="a", to="other@example.nl", message=MESSAGE) is False
    assert Notification.objects.get().recipient_email == "x@example.nl"
    assert Notification.objects.get().status == NotificationStatus.PENDING
    # Sending is asked for once, after the commit, for the new row only.
    assert len(callbacks) == 1


def decide_then_fail() -> None:
    with transaction.atomic():
        notification_queue(key="b", to="x@example.nl", message=MESSAGE)
        raise RuntimeError("the decision failed")


def test_a_rolled_back_decision_leaves_no_row() -> None:
    with pytest.raises(RuntimeError):
        decide_then_fail()
    assert not Notification.objects.exists()


def test_many_drafts_take_two_queries_and_skip_the_keys_that_exist(
    django_assert_num_queries,
) -> None:
    notification_queue(key="k0", to="x@example.nl", message=MESSAGE)
    drafts = [Draft(key=f"k{n}", to=f"p{n}@example.nl", message=MESSAGE) for n in range(50)]
    with django_assert_num_queries(2):
        new = notifications_queue_many(drafts=drafts)
    assert len(new) == 49
    assert "k0" not in new
    assert Notification.objects.count() == 50
