"""Import a supplier's attendance list from the shell, as the /imports/ page does.

Exit status: 0 applied (or a dry run without errors), 1 rejected or errors, 2 usage error.
Rows that are no participants (totals, notes, repeated headers, empty rows) are skipped
with a note ("skipped_rows" in --json) and do not change the exit status.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from trainings.models import ImportBatch, ImportProfile, ImportStatus, Supplier
from trainings.services import (
    ImportNotAllowed,
    attendance_import_apply,
    attendance_import_preview,
    file_problems_of,
    import_batch_create,
    import_file_delete,
    max_upload_bytes,
)

EXIT_OK, EXIT_ERRORS, EXIT_USAGE = 0, 1, 2


class Command(BaseCommand):
    help = "Import a supplier's attendance list (CSV, TSV/TXT, XLSX, XLS or ODS)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument("--supplier", required=True, help="The supplier's code.")
        parser.add_argument("--profile", help="The name of the supplier's import profile.")
        parser.add_argument("--sheet", help="The sheet to read (default: the first with data).")
        parser.add_argument("--dry-run", action="store_true", help="Only show what would happen.")
        parser.add_argument(
            "--hold-invalid",
            action="store_true",
            help="Apply the valid rows and hold the others in the review queue.",
        )
        parser.add_argument(
            "--force", action="store_true", help="Apply a file that was imported before."
        )
        parser.add_argument("--json", action="store_true", help="Print the outcome as JSON.")

    def handle(self, *args: Any, **options: Any) -> None:
        sys.exit(self.run(options))

    def usage_error(self, message: str) -> int:
        self.stderr.write(message)
        return EXIT_USAGE

    def run(self, options: dict[str, Any]) -> int:
        path: Path = options["file"]
        supplier = Supplier.objects.filter(code__iexact=options["supplier"]).first()
        if supplier is None:
            return self.usage_error(f"Unknown supplier: {options['supplier']}")
        if not path.is_file():
            return self.usage_error(f"No such file: {path}")
        profile = None
        if options["profile"]:
            profile = ImportProfile.objects.filter(
                supplier=supplier, name=options["profile"]
            ).first()
            if profile is None:
                return self.usage_error(f"Unknown import profile: {options['profile']}")
        if path.stat().st_size > max_upload_bytes():
            return self.usage_error(f"The file is larger than {max_upload_bytes()} bytes.")
        with path.open("rb") as handle:
            batch = import_batch_create(
                file=handle,
                file_name=path.name,
                supplier=supplier,
                profile=profile,
                sheet=options["sheet"] or "",
            )
        if options["dry_run"]:
            attendance_import_preview(batch=batch)
            # A dry run is done once it has been counted: keep the figures, not the names.
            import_file_delete(batch=batch)
            failed = bool(file_problems_of(batch)) or bool(
                batch.counts.get("review") or batch.counts.get("rejected")
            )
        else:
            try:
                attendance_import_apply(
                    batch=batch, hold_invalid=options["hold_invalid"], force=options["force"]
                )
            except ImportNotAllowed as refused:
                batch.status = ImportStatus.REJECTED
                batch.problems = [
                    {"row": None, "column": None, "field": None, "code": "refused",
                     "message": str(refused.message)}
                ]  # fmt: skip
                batch.save(update_fields=["status", "problems"])
                import_file_delete(batch=batch)
            failed = batch.status != ImportStatus.APPLIED or bool(
                batch.counts.get("review") or batch.counts.get("rejected")
            )
        self.report(batch, as_json=options["json"])
        return EXIT_ERRORS if failed else EXIT_OK

    def report(self, batch: ImportBatch, *, as_json: bool) -> None:
        if as_json:
            self.stdout.write(
                json.dumps(
                    {
                        "import": batch.pk,
                        "status": batch.status,
                        "file": batch.file_name,
                        "sha256": batch.sha256,
                        "counts": batch.counts,
                        "problems": batch.problems,
                        "skipped_rows": batch.skipped_rows,
                    },
                    ensure_ascii=False,
                    indent=2,
                )
            )
            return
        self.stdout.write(f"{batch.file_name}: {batch.get_status_display()}")
        for key in ("total", "new", "updated", "unchanged", "review", "rejected", "skipped"):
            if key in batch.counts:
                self.stdout.write(f"  {key}: {batch.counts[key]}")
        for problem in batch.problems:
            where = f"row {problem['row']}" if problem.get("row") else "file"
            column = f", {problem['column']}" if problem.get("column") else ""
            self.stdout.write(f"  {where}{column}: {problem['message']}")
        for skipped in batch.skipped_rows:
            rows = f"rows {skipped['row']}-{skipped['last_row']}"
            where = f"row {skipped['row']}" if skipped["row"] == skipped["last_row"] else rows
            text = f" ({skipped['text']})" if skipped["text"] else ""
            self.stdout.write(f"  {where}: {skipped['message']}{text}")
