"""The daily run: every message decision of the day, written to the outbox at once.

Celery beat runs it every morning (`send-daily-reminders`), and so does `manage.py
send_reminders [--today YYYY-MM-DD] [--dry-run]`. It asks each decision for the messages
it wants (committees: reminders to members and escalations to O&P directors; worklists:
the weekly overview for O&P staff) and writes the ones whose key is new in one
transaction. Run twice on a day, the second run writes nothing; a dry run only reports.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from committees.reminders import escalation_drafts, member_reminder_drafts
from notifications.services import Draft, notifications_new_keys, notifications_queue_many
from worklists.digest import weekly_digest_drafts


@dataclass(frozen=True)
class ReminderRun:
    today: datetime.date
    # Every message the decisions want today, and those of them not sent before.
    decided: list[Draft]
    new: list[Draft]


def reminders_decide(*, today: datetime.date) -> list[Draft]:
    return [
        *member_reminder_drafts(today=today),
        *escalation_drafts(today=today),
        *weekly_digest_drafts(today=today),
    ]


def reminders_run(*, today: datetime.date | None = None, dry_run: bool = False) -> ReminderRun:
    """Decide today's messages and queue the new ones (nothing is written on a dry run)."""
    today = today or timezone.localdate()
    with transaction.atomic():
        decided = reminders_decide(today=today)
        if dry_run:
            new_keys = notifications_new_keys([draft.key for draft in decided])
        else:
            new_keys = set(notifications_queue_many(drafts=decided))
    return ReminderRun(today=today, decided=decided, new=[d for d in decided if d.key in new_keys])
