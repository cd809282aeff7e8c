"""Queue today's reminders, escalations and weekly overviews (what beat does daily)."""

from __future__ import annotations

import datetime
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from worklists.reminders import reminders_run


class Command(BaseCommand):
    help = (
        "Decide today's reminders to committee members, escalations to O&P directors and "
        "weekly overviews, and put the new ones in the outbox. --dry-run lists them and "
        "writes nothing."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--today", help="the day to decide for, YYYY-MM-DD (default: today)")
        parser.add_argument(
            "--dry-run", action="store_true", help="list what would be sent; write nothing"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        today = _day(options["today"]) if options["today"] else None
        run = reminders_run(today=today, dry_run=options["dry_run"])
        for draft in run.new:
            self.stdout.write(f"{draft.kind}\t{draft.to}\t{draft.message.subject}")
        verb = "would be queued" if options["dry_run"] else "queued"
        self.stdout.write(
            f"{run.today}: {len(run.new)} new messages {verb}, "
            f"{len(run.decided) - len(run.new)} sent before."
        )


# A day outside these is a typing error, not a catch-up or a rehearsal: nothing was
# registered before the central tender of 2021, and 9999-12-31 has no day after it.
FIRST_DAY = datetime.date(2021, 1, 1)
LAST_DAY = datetime.date(2099, 12, 31)


def _day(text: str) -> datetime.date:
    try:
        day = datetime.date.fromisoformat(text)
    except ValueError as error:
        raise CommandError(f"--today: {error}") from error
    if not FIRST_DAY <= day <= LAST_DAY:
        raise CommandError(f"--today: {day} is not between {FIRST_DAY} and {LAST_DAY}")
    return day
