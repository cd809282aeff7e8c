"""A sent message keeps its key (the decision stays made) but loses its text and address
after SENT_KEEP_DAYS, in the monthly retention run; a pending or failed one is kept."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from notifications.models import Notification, NotificationStatus
from notifications.rendering import Rendered
from notifications.services import SENT_KEEP_DAYS, notification_queue
from privacy.retention import people_apply_retention

pytestmark = pytest.mark.django_db

MESSAGE = Rendered(subject="Volg de workshop, Cees", text="Beste Cees", html="<p>Beste Cees</p>")


def test_old_sent_messages_are_blanked_and_keep_their_key() -> None:
    now = timezone.now()
    for key in ("old", "recent", "waiting"):
        notification_queue(key=key, to=f"{key}@example.nl", message=MESSAGE)
    Notification.objects.filter(key="old").update(
        status=NotificationStatus.SENT, sent_at=now - datetime.timedelta(days=SENT_KEEP_DAYS + 1)
    )
    Notification.objects.filter(key="recent").update(
        status=NotificationStatus.SENT, sent_at=now - datetime.timedelta(days=1)
    )
    dry = people_apply_retention(years=7, today=timezone.localdate(), dry_run=True)
    assert dry.notifications_scrubbed == 1
    assert Notification.objects.get(key="old").body_text == "Beste Cees"

    result = people_apply_retention(years=7, today=timezone.localdate())
    assert result.notifications_scrubbed == 1
    old = Notification.objects.get(key="old")
    assert (old.subject, old.body_text, old.body_html, old.recipient_email) == ("", "", "", "")
    assert old.status == NotificationStatus.SENT
    assert Notification.objects.get(key="recent").body_text == "Beste Cees"
    assert Notification.objects.get(key="waiting").recipient_email == "waiting@example.nl"
    # A decision that comes again finds its key: nothing new is queued.
    assert not notification_queue(key="old", to="old@example.nl", message=MESSAGE)
