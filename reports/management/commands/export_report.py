from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from reports.models import ReportKind, Trigger
from reports.selectors import QuarterNotReportable, reportable_quarter
from reports.services import report_compile, snapshot_file


class Command(BaseCommand):
    help = (
        "Write a quarter's report as XLSX, CSV (ZIP) or PDF; compiles it first when the "
        "data changed since the latest snapshot."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--quarter", required=True, help="The quarter, e.g. 2025Q4.")
        parser.add_argument("--kind", choices=ReportKind.values, required=True)
        parser.add_argument("--format", choices=["xlsx", "csv", "pdf"], required=True)
        parser.add_argument("-o", "--output", required=True, help="File to write; - is stdout.")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            quarter = reportable_quarter(options["quarter"])
        except QuarterNotReportable as error:
            raise CommandError(str(error)) from error
        snapshot, _created = report_compile(
            kind=options["kind"], quarter=quarter, requested_by=None, trigger=Trigger.COMMAND
        )
        content = bytes(snapshot_file(snapshot=snapshot, fmt=options["format"]).content)
        if options["output"] == "-":
            sys.stdout.buffer.write(content)
            return
        Path(options["output"]).write_bytes(content)
        self.stderr.write(
            f"{snapshot} -> {options['output']} ({len(content)} bytes)", style_func=None
        )
