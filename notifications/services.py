"""The outbox: queue a message with the decision to send it, send what is waiting.

`notifications_queue` is called inside the caller's transaction: the row commits (or
rolls back) with the decision, and a unique key makes a second decision write nothing.
`notifications_send_pending` sends one row per transaction: it locks the row (skipping
rows another sender holds), hands the message to the SMTP server and marks it sent in
that same transaction. A sender that dies in between leaves the row pending: the next
run sends it again, with the same Message-ID (the one repeat the README describes).
"""

from __future__ import annotations

import base64
import datetime
import hashlib
import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from email.utils import parseaddr
from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import transaction
from django.utils import timezone

from notifications.models import Notification, NotificationKind, NotificationStatus
from notifications.rendering import CONTENT_LANGUAGE, Rendered
from notifications.reset_links import ResetNotSendable, password_reset_fill

logger = logging.getLogger(__name__)

# Back-off after a failed send: 1, 2, 4, ... minutes, at most a day.
BACKOFF_BASE = datetime.timedelta(minutes=1)
BACKOFF_MAX = datetime.timedelta(days=1)


def message_id_for(key: str) -> str:
    """The Message-ID of the message with `key`: the same on every attempt."""
    digest = hashlib.sha256(key.encode()).hexdigest()[:32]
    domain = parseaddr(settings.DEFAULT_FROM_EMAIL)[1].rpartition("@")[2] or "localhost"
    return f"<{digest}@{domain}>"


@dataclass(frozen=True)
class Draft:
    """A message a decision wants sent: the row it becomes."""

    key: str
    to: str
    message: Rendered
    kind: str = NotificationKind.OTHER
    user_id: int | None = None
    department_id: int | None = None
    language: str = CONTENT_LANGUAGE
    attachments: Sequence[dict[str, str]] = field(default_factory=tuple)

    def row(self) -> Notification:
        return Notification(
            key=self.key,
            kind=self.kind,
            recipient_email=self.to,
            recipient_user_id=self.user_id,
            department_id=self.department_id,
            language=self.language,
            subject=self.message.subject[:300],
            body_text=self.message.text,
            body_html=self.message.html,
            attachments=list(self.attachments),
            message_id=message_id_for(self.key),
        )


def attachment(*, filename: str, mimetype: str, content: bytes) -> dict[str, str]:
    """An attachment as a Notification stores it."""
    return {
        "filename": filename,
        "mimetype": mimetype,
        "content_base64": base64.b64encode(content).decode("ascii"),
    }


def notifications_new_keys(keys: Sequence[str]) -> set[str]:
    """Of `keys`, those no row has yet (one query)."""
    taken = set(Notification.objects.filter(key__in=list(keys)).values_list("key", flat=True))
    return set(keys) - taken


def notifications_queue_many(*, drafts: Sequence[Draft]) -> list[str]:
    """Write the drafts whose key is new (INSERT ... ON CONFLICT DO NOTHING), in the
    caller's transaction; send them once it commits. Returns the new keys.

    Two queries whatever the number of drafts. A key written meanwhile by a concurrent
    transaction is skipped by the database (the unique key), not written twice.
    """
    unique = list({draft.key: draft for draft in drafts}.values())
    if not unique:
        return []
    new = notifications_new_keys([draft.key for draft in unique])
    rows = [draft.row() for draft in unique if draft.key in new]
    Notification.objects.bulk_create(rows, ignore_conflicts=True, batch_size=500)
    if rows:
        transaction.on_commit(notifications_enqueue_sending)
    return [row.key for row in rows]


def notification_queue(
    *,
    key: str,
    to: str,
    message: Rendered,
    kind: str = NotificationKind.OTHER,
    user_id: int | None = None,
    department_id: int | None = None,
    attachments: Sequence[dict[str, str]] = (),
) -> bool:
    """Queue one message in the caller's transaction; True when its key is new."""
    draft = Draft(
        key=key,
        to=to,
        message=message,
        kind=kind,
        user_id=user_id,
        department_id=department_id,
        attachments=tuple(attachments),
    )
    return bool(notifications_queue_many(drafts=[draft]))


def notifications_enqueue_sending() -> bool:
    """Ask the notifications worker to send what is waiting (beat does it too)."""
    from notifications import tasks
    from training_monitor.queueing import task_send

    return task_send(tasks.send_pending_notifications)


def email_message(row: Notification, connection: Any = None) -> EmailMultiAlternatives:
    """The message of `row`, with its fixed Message-ID, languages and attachments (and,
    for a password reset, the link made now: ResetNotSendable when it may not be)."""
    text, html = password_reset_fill(row)
    message = EmailMultiAlternatives(
        subject=row.subject,
        body=text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[row.recipient_email],
        connection=connection,
        headers={
            "Message-ID": row.message_id,
            "Content-Language": row.language,
            "Auto-Submitted": "auto-generated",
        },
    )
    if html:
        message.attach_alternative(html, "text/html")
    for item in row.attachments:
        message.attach(item["filename"], base64.b64decode(item["content_base64"]), item["mimetype"])
    return message


def _deliver(message: EmailMultiAlternatives) -> None:
    """Hand the message to the mail server (a seam the worker-kill test wraps)."""
    message.send(fail_silently=False)


def backoff(attempts: int) -> datetime.timedelta:
    return min(BACKOFF_BASE * 2 ** max(attempts - 1, 0), BACKOFF_MAX)


@dataclass
class SendResult:
    sent: int = 0
    failed: int = 0

    @property
    def done(self) -> int:
        return self.sent + self.failed


def _send_one(connection: Any, now: datetime.datetime) -> bool | None:
    """Send the next due row in its own transaction: True sent, False failed, None when
    nothing is due."""
    with transaction.atomic():
        row = (
            Notification.objects.due(now)
            .select_for_update(skip_locked=True)
            .order_by("next_attempt_at", "pk")
            .first()
        )
        if row is None:
            return None
        attempts = row.attempts + 1
        try:
            # Opened once for the whole run (a no-op when open), not per message.
            connection.open()
            _deliver(email_message(row, connection))
        except Exception as error:  # Any SMTP or network failure: retried with back-off.
            logger.warning("sending notification %s failed: %s", row.pk, error)
            # A reset the account may no longer make stays refused: no point in retrying.
            give_up = attempts >= settings.NOTIFICATION_MAX_ATTEMPTS or isinstance(
                error, ResetNotSendable
            )
            Notification.objects.filter(pk=row.pk).update(
                status=NotificationStatus.FAILED,
                attempts=attempts,
                last_error=f"{type(error).__name__}: {error}"[:2000],
                next_attempt_at=None if give_up else timezone.now() + backoff(attempts),
            )
            return False
        Notification.objects.filter(pk=row.pk).update(
            status=NotificationStatus.SENT,
            attempts=attempts,
            sent_at=timezone.now(),
            next_attempt_at=None,
            last_error="",
        )
        return True


def notifications_send_pending(*, limit: int = 200) -> SendResult:
    """Send up to `limit` due messages over one connection to the mail server."""
    result = SendResult()
    now = timezone.now()
    connection = get_connection(fail_silently=False)
    try:
        while result.done < limit:
            outcome = _send_one(connection, now)
            if outcome is None:
                break
            if outcome:
                result.sent += 1
            else:
                result.failed += 1
                # The connection may be broken: the next message opens a new one.
                connection.close()
                connection = get_connection(fail_silently=False)
    finally:
        connection.close()
    return result


def notifications_retry(*, ids: Sequence[int]) -> int:
    """Administrators' "retry now": failed rows are sent at the next run, attempts kept."""
    with transaction.atomic():
        count = Notification.objects.filter(
            pk__in=list(ids), status=NotificationStatus.FAILED
        ).update(status=NotificationStatus.PENDING, next_attempt_at=timezone.now())
        if count:
            transaction.on_commit(notifications_enqueue_sending)
    return count


# Sent messages keep their key (so a decision stays made) but lose what they said and to
# whom after this many days: the monthly retention run (privacy/retention.py) scrubs them.
SENT_KEEP_DAYS = 90


def notifications_scrub_sent(*, before: datetime.datetime) -> int:
    """Blank the subject, texts, attachments and address of messages sent before
    `before`; their key, kind, status and times stay. Returns the rows scrubbed."""
    return (
        Notification.objects.filter(status=NotificationStatus.SENT, sent_at__lt=before)
        .exclude(recipient_email="")
        .update(subject="", body_text="", body_html="", attachments=[], recipient_email="")
    )
