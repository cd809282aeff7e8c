"""Import a supplier's attendance list from the shell, as the /imports/ page does.

Exit status: 0 applied (or a dry run without errors), 1 rejected or errors, 2 usage error.
Rows that are no participants (totals, notes, repeated headers, empty rows) are skipped
with a note ("skipped_rows" in --json) and do not change the exit status.

Without --profile the supplier's profile saved for exactly the file's headers is used
(made in the column-mapping step of /imports/ or with --map). `--map FIELD=COLUMN` says
which column holds a field; it is saved as that profile, so the next file with these
headers needs no --map (also with --dry-run: it is how the file is read, not its data).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from departments.models import Department
from imports.models import ImportBatch, ImportProfile, ImportStatus
from imports.reading.fields import Field, header_signature, normalise_header
from imports.selectors import file_problems_of
from imports.services import (
    ImportNotAllowed,
    attendance_import_apply,
    attendance_import_preview,
    file_headers,
    import_batch_choose_profile,
    import_batch_create,
    import_file_delete,
    import_profile_for_headers,
    max_upload_bytes,
)
from trainings.models import Supplier

EXIT_OK, EXIT_ERRORS, EXIT_USAGE = 0, 1, 2


class Command(BaseCommand):
    help = "Import a supplier's attendance list (CSV, TSV/TXT, XLSX, XLS or ODS)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument("--supplier", required=True, help="The supplier's code.")
        parser.add_argument("--profile", help="The name of the supplier's import profile.")
        parser.add_argument("--sheet", help="The sheet to read (default: the first with data).")
        parser.add_argument(
            "--map",
            action="append",
            default=[],
            metavar="FIELD=COLUMN",
            help=(
                "The column (its header as in the file) that holds FIELD, one of: "
                + ", ".join(field.value for field in Field)
                + ". Repeatable; saved as the supplier's profile for these headers."
            ),
        )
        parser.add_argument(
            "--department",
            metavar="CODE",
            help="The ministry of every row that names none (a file of one ministry).",
        )
        parser.add_argument(
            "--scale",
            type=int,
            choices=(5, 10),
            help="The scale of the scores (1-5 or 1-10), when the file does not say.",
        )
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
        department = None
        if options["department"]:
            department = Department.objects.filter(code__iexact=options["department"]).first()
            if department is None:
                return self.usage_error(f"Unknown department: {options['department']}")
        if path.stat().st_size > max_upload_bytes():
            return self.usage_error(f"The file is larger than {max_upload_bytes()} bytes.")
        if options["map"]:
            try:
                profile = self.save_map(path, supplier, profile, options)
            except ValueError as error:
                return self.usage_error(str(error))
        with path.open("rb") as handle:
            batch = import_batch_create(
                file=handle,
                file_name=path.name,
                supplier=supplier,
                profile=profile,
                sheet=options["sheet"] or "",
                department=department,
                score_scale=options["scale"],
            )
        return self.import_batch(batch, options)

    def save_map(
        self,
        path: Path,
        supplier: Supplier,
        profile: ImportProfile | None,
        options: dict[str, Any],
    ) -> ImportProfile:
        """--map over the given (or saved) profile, saved as the supplier's profile for
        the file's headers. ValueError (a usage error) for a field or column unknown."""
        columns = parse_map(options["map"])
        headers = file_headers(path, file_name=path.name, sheet=options["sheet"] or "")
        by_key = {normalise_header(header): header for header in headers if header.strip()}
        if profile is None:
            signature = header_signature(headers)
            profile = ImportProfile.objects.filter(supplier=supplier, signature=signature).first()
        mapping = dict(profile.mapping) if profile is not None else {}
        for field, column in columns.items():
            header = by_key.get(normalise_header(column))
            if header is None:
                found = ", ".join(f"“{header}”" for header in by_key.values()) or "-"
                raise ValueError(f"No column “{column}” in {path.name}; its columns are: {found}")
            # The field's column is this one only: another given it before is ignored.
            for other, mapped in mapping.items():
                if mapped == field.value:
                    mapping[other] = ""
            mapping[header] = field.value
        return import_profile_for_headers(supplier=supplier, headers=headers, mapping=mapping)

    def import_batch(self, batch: ImportBatch, options: dict[str, Any]) -> int:
        if options["dry_run"]:
            attendance_import_preview(batch=batch)
            # A dry run is done once it has been counted: keep the figures, not the names.
            import_file_delete(batch=batch)
            failed = bool(file_problems_of(batch)) or bool(
                batch.counts.get("review") or batch.counts.get("rejected")
            )
        else:
            # The supplier's saved profile for these headers, when none was given (the
            # preview above chooses it itself).
            import_batch_choose_profile(batch=batch)
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


def parse_map(values: list[str]) -> dict[Field, str]:
    """The --map options as {field: column}; ValueError says what is wrong."""
    columns: dict[Field, str] = {}
    used: dict[str, Field] = {}
    for value in values:
        name, equals, column = (part.strip() for part in value.partition("="))
        if not equals or not name or not column:
            raise ValueError(f"--map wants FIELD=COLUMN, not “{value}”.")
        try:
            field = Field(name.lower())
        except ValueError:
            known = ", ".join(field.value for field in Field)
            raise ValueError(f"Unknown field “{name}” in --map; the fields are: {known}") from None
        if field in columns:
            raise ValueError(f"--map gives {field.value} twice.")
        if (key := normalise_header(column)) in used:
            raise ValueError(
                f"--map gives column “{column}” to both {used[key].value} and {field.value}."
            )
        columns[field] = column
        used[key] = field
    return columns
