"""A send the SMTP server refuses is kept as failed, with the error, tried again after a
growing wait, and shown to administrators in the admin, who can retry it at once."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from notifications.models import Notification, NotificationStatus
from notifications.rendering import Rendered
from notifications.services import backoff, notification_queue, notifications_send_pending

pytestmark = pytest.mark.django_db

MESSAGE = Rendered(subject="Onderwerp", text="Tekst", html="")


def test_a_refused_message_waits_longer_after_each_failure(smtp_server) -> None:
    smtp_server.refuse = True
    notification_queue(key="k", to="x@example.nl", message=MESSAGE)
    before = timezone.now()
    assert notifications_send_pending(limit=10).failed == 1
    row = Notification.objects.get()
    assert row.status == NotificationStatus.FAILED
    assert row.attempts == 1
    assert "554" in row.last_error
    assert row.next_attempt_at is not None
    assert row.next_attempt_at >= before + datetime.timedelta(minutes=1)
    # Not due yet: nothing is tried.
    assert notifications_send_pending(limit=10).done == 0
    assert [backoff(n) for n in (1, 2, 3, 4)] == [
        datetime.timedelta(minutes=m) for m in (1, 2, 4, 8)
    ]
    assert backoff(30) == datetime.timedelta(days=1)

    # Its time comes; the server takes it now.
    Notification.objects.update(next_attempt_at=timezone.now())
    smtp_server.refuse = False
    assert notifications_send_pending(limit=10).sent == 1
    row.refresh_from_db()
    assert (row.status, row.attempts, row.last_error) == (NotificationStatus.SENT, 2, "")
    assert len(smtp_server.received()) == 1


def test_after_the_last_attempt_it_waits_for_an_administrator(
    smtp_server, settings, client, admin_user_
) -> None:
    settings.NOTIFICATION_MAX_ATTEMPTS = 2
    smtp_server.refuse = True
    notification_queue(key="k", to="x@example.nl", message=MESSAGE)
    notifications_send_pending(limit=10)
    Notification.objects.update(next_attempt_at=timezone.now())
    notifications_send_pending(limit=10)
    row = Notification.objects.get()
    assert (row.status, row.attempts, row.next_attempt_at) == (NotificationStatus.FAILED, 2, None)

    client.force_login(admin_user_)
    listing = client.get(reverse("admin:notifications_notification_changelist"))
    assert listing.status_code == 200
    assert "x@example.nl" in listing.content.decode()
    detail = client.get(reverse("admin:notifications_notification_change", args=[row.pk]))
    assert "554" in detail.content.decode()

    smtp_server.refuse = False
    response = client.post(
        reverse("admin:notifications_notification_changelist"),
        {"action": "retry_now", "_selected_action": [row.pk]},
    )
    assert response.status_code == 302
    row.refresh_from_db()
    assert row.status == NotificationStatus.PENDING
    assert notifications_send_pending(limit=10).sent == 1
    assert len(smtp_server.received()) == 1


def test_op_staff_and_the_bureau_do_not_see_the_outbox(client, op_user, bureau) -> None:
    url = reverse("admin:notifications_notification_changelist")
    for user in (op_user, bureau):
        client.force_login(user)
        assert client.get(url).status_code in (302, 403, 404)
