"""The sender hands each waiting row to a real SMTP server (aiosmtpd) and marks it sent:
what arrives has the row's fixed Message-ID, its languages, both parts and attachments."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from notifications.models import Notification, NotificationStatus
from notifications.rendering import Rendered
from notifications.services import (
    attachment,
    message_id_for,
    notification_queue,
    notifications_send_pending,
)

pytestmark = pytest.mark.django_db

MESSAGE = Rendered(
    subject="Volg de workshop / Follow the workshop",
    text="Beste Anna,\n\nDe workshop.\n\n---- English ----\n\nDear Anna,",
    html='<div lang="nl"><p>Beste Anna,</p></div><div lang="en"><p>Dear Anna,</p></div>',
)


def test_a_queued_message_arrives_with_its_headers_parts_and_attachment(
    smtp_server, settings
) -> None:
    settings.DEFAULT_FROM_EMAIL = "Training Monitor <noreply@tm.example.nl>"
    ics = b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nEND:VCALENDAR\r\n"
    assert notification_queue(
        key="member-reminder:1:2026-01-20:7",
        to="anna.devries@example.nl",
        message=MESSAGE,
        attachments=[attachment(filename="sessie.ics", mimetype="text/calendar", content=ics)],
    )
    result = notifications_send_pending(limit=10)
    assert (result.sent, result.failed) == (1, 0)

    [received] = smtp_server.received()
    headers = received.message
    assert headers["Message-ID"] == message_id_for("member-reminder:1:2026-01-20:7")
    assert re.fullmatch(r"<[0-9a-f]{32}@tm\.example\.nl>", headers["Message-ID"])
    assert headers["From"] == "Training Monitor <noreply@tm.example.nl>"
    assert headers["To"] == "anna.devries@example.nl"
    assert received.rcpt_tos == ["anna.devries@example.nl"]
    assert headers["Subject"] == "Volg de workshop / Follow the workshop"
    assert headers["Content-Language"] == "nl, en"
    assert headers["Auto-Submitted"] == "auto-generated"
    assert received.part("text/plain").startswith("Beste Anna,")
    assert "Dear Anna," in received.part("text/plain")
    assert '<div lang="en"><p>Dear Anna,</p></div>' in received.part("text/html")
    assert received.attachments() == [("sessie.ics", "text/calendar", ics)]

    row = Notification.objects.get()
    assert row.status == NotificationStatus.SENT
    assert (row.attempts, row.next_attempt_at, row.last_error) == (1, None, "")
    assert row.sent_at is not None


def test_the_message_id_depends_on_the_key_only(settings) -> None:
    settings.DEFAULT_FROM_EMAIL = "noreply@tm.example.nl"
    first = message_id_for("escalation:5:2026-02-01:d@example.nl")
    assert first == message_id_for("escalation:5:2026-02-01:d@example.nl")
    assert first != message_id_for("escalation:6:2026-02-01:d@example.nl")
    assert first.endswith("@tm.example.nl>")


def test_a_sent_row_is_not_sent_again(smtp_server) -> None:
    notification_queue(key="k1", to="a@example.nl", message=MESSAGE)
    assert notifications_send_pending(limit=10).sent == 1
    assert notifications_send_pending(limit=10).sent == 0
    assert len(smtp_server.received()) == 1


def test_sending_many_takes_a_fixed_number_of_queries_per_message(smtp_server) -> None:
    for number in range(12):
        notification_queue(key=f"k{number}", to=f"p{number}@example.nl", message=MESSAGE)
    with CaptureQueriesContext(connection) as queries:
        assert notifications_send_pending(limit=100).sent == 12
    # Per message its own transaction (a savepoint inside the test's): begin, the locked
    # select, the update, commit; at the end one more select finds nothing due.
    assert len(queries) == 12 * 4 + 3
    assert len(smtp_server.received()) == 12
