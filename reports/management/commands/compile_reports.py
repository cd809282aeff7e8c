from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from reports.models import ReportKind, Trigger
from reports.quarters import Quarter
from reports.selectors import QuarterNotReportable, reportable_quarter
from reports.services import report_compile


class Command(BaseCommand):
    help = "Compile the quarterly Regiegroep and/or ICOP report into a frozen snapshot."

    def add_arguments(self, parser: CommandParser) -> None:
        which = parser.add_mutually_exclusive_group(required=True)
        which.add_argument("--quarter", help="The quarter, e.g. 2025Q4.")
        which.add_argument(
            "--latest", action="store_true", help="The quarter that ended most recently."
        )
        parser.add_argument(
            "--kind", choices=["regiegroep", "icop", "all"], default="all", help="Which report."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            quarter = reportable_quarter(
                Quarter.last_ended(timezone.localdate())
                if options["latest"]
                else options["quarter"]
            )
        except QuarterNotReportable as error:
            raise CommandError(str(error)) from error
        kinds = list(ReportKind.values) if options["kind"] == "all" else [options["kind"]]
        for kind in kinds:
            snapshot, created = report_compile(
                kind=kind, quarter=quarter, requested_by=None, trigger=Trigger.COMMAND
            )
            state = "new version" if created else "unchanged"
            self.stdout.write(f"{kind} {quarter}: version {snapshot.version} ({state})")
