"""Import a supplier's schedule of upcoming sessions (the "sessions" profile).

Exit status: 0 no problems (written, or a dry run), 1 the file is refused or has problem
rows (also with --hold-invalid, when the good rows were written: `written` in the
output says so), 2 usage error (unknown supplier or profile, no such file).
`--profile NAME` reads the supplier's import profile whose mapping names session fields
(imports.sessions.SessionField).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils.translation import gettext as _

from imports.models import ImportProfile
from imports.reading.safety import FileRejected
from imports.sessions import SessionField, sessions_import
from trainings.models import Supplier

EXIT_OK, EXIT_ERRORS, EXIT_USAGE = 0, 1, 2


class Command(BaseCommand):
    help = "Import a supplier's schedule of upcoming sessions (CSV, TSV/TXT, XLSX, XLS or ODS)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument("--supplier", required=True, help="The supplier's code.")
        parser.add_argument(
            "--profile",
            help="An import profile mapping headers to: "
            + ", ".join(f.value for f in SessionField),
        )
        parser.add_argument("--dry-run", action="store_true", help="Count, write nothing.")
        parser.add_argument(
            "--hold-invalid", action="store_true", help="Write the good rows, report the others."
        )
        parser.add_argument("--json", action="store_true", help="Print the result as JSON.")

    def handle(self, *args: Any, **options: Any) -> None:
        supplier = Supplier.objects.filter(code__iexact=options["supplier"]).first()
        if supplier is None:
            self.stderr.write(_("Unknown supplier: %(code)s") % {"code": options["supplier"]})
            sys.exit(EXIT_USAGE)
        if not options["file"].is_file():
            self.stderr.write(_("No such file: %(path)s") % {"path": options["file"]})
            sys.exit(EXIT_USAGE)
        mapping: dict[str, str] | None = None
        if options["profile"]:
            profile = ImportProfile.objects.filter(
                supplier=supplier, name=options["profile"]
            ).first()
            if profile is None:
                self.stderr.write(_("Unknown profile: %(name)s") % {"name": options["profile"]})
                sys.exit(EXIT_USAGE)
            mapping = profile.mapping
        try:
            result = sessions_import(
                supplier=supplier,
                source=options["file"],
                filename=options["file"].name,
                profile=mapping,
                dry_run=options["dry_run"],
                hold_invalid=options["hold_invalid"],
            )
        except FileRejected as refused:
            self.stderr.write(str(refused.message))
            sys.exit(EXIT_ERRORS)
        report = {
            "written": result.written,
            "created": result.created,
            "updated": result.updated,
            "unchanged": result.unchanged,
            "problems": [{"row": p.row_number, "message": p.message} for p in result.problems],
        }
        if options["json"]:
            self.stdout.write(json.dumps(report, ensure_ascii=False))
        else:
            self.stdout.write(
                f"new {result.created}, updated {result.updated}, unchanged {result.unchanged}, "
                f"problems {len(result.problems)}"
                + ("" if result.written else " (nothing written)")
            )
            for problem in result.problems:
                self.stdout.write(f"row {problem.row_number}: {problem.message}")
        if result.problems:
            sys.exit(EXIT_ERRORS)
