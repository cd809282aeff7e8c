"""Apply the retention period now: anonymise or delete people without recent activity."""

from __future__ import annotations

import json
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser
from django.utils import timezone

from privacy.retention import people_apply_retention


class Command(BaseCommand):
    help = (
        "Anonymise or delete people without committee or training activity for "
        "RETENTION_YEARS years (what the monthly Celery beat job does)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--dry-run", action="store_true", help="Count what would change; change nothing."
        )
        parser.add_argument(
            "--years",
            type=int,
            default=None,
            help="Override RETENTION_YEARS for this run.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        years = options["years"] or settings.RETENTION_YEARS
        result = people_apply_retention(
            years=years, today=timezone.localdate(), dry_run=options["dry_run"]
        )
        self.stdout.write(json.dumps(result.as_dict(), indent=2))
