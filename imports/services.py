"""Attendance imports: from an uploaded supplier file to people, sessions and completions.

Shared by the /imports/ pages, the Celery tasks, the admin and `manage.py
import_attendance`:

    batch = import_batch_create(file=..., file_name=..., supplier=..., user=...)
    attendance_import_preview_queue(batch=batch)              # the pages: in the worker
    attendance_import_preview(batch=batch)                    # dry run: counts, problems
    import_batch_map_columns(batch=batch, columns={...})      # the column-mapping step
    attendance_import_apply(batch=batch, hold_invalid=True)   # committed chunk by chunk
    import_row_resolve(row=row, person=person, user=user)     # the review queue
    import_row_correct(row=row, values={...}, user=user)
    import_row_discard(row=row, user=user)

The work is split in three: imports.reading turns the file into rows (pure),
imports.matching finds each row's person and session in indexes held in memory (pure),
imports.writing writes a chunk's results in bulk. This module plans the rows chunk by
chunk with those and keeps the batch's state. The indexes are loaded once per file
(imports.selectors), so the number of queries does not grow with the rows of a file
smaller than one chunk, and grows by a handful per CHUNK_SIZE rows for large ones.
"""

from __future__ import annotations

import contextlib
import datetime
import hashlib
import io
import json
import logging
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from decimal import Decimal
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from django.conf import settings
from django.core.files.base import File
from django.db import DatabaseError, connection, transaction
from django.db.models import Count, Min
from django.db.models.functions import Coalesce, Now
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from departments.matching import DepartmentIndex
from departments.models import Department, Person
from departments.touched import figures_touched
from imports.matching import (
    Hold,
    Pair,
    PersonRef,
    PlannedRow,
    RowValues,
    SessionRef,
    person_match,
    problem,
)
from imports.models import (
    HELD_OUTCOMES,
    ImportBatch,
    ImportProfile,
    ImportRow,
    ImportSource,
    ImportStatus,
    RowOutcome,
    RowResolution,
)
from imports.reading import Field, ParsedFile, parse_attendance_file
from imports.reading.fields import header_signature
from imports.reading.messages import lazy_format
from imports.reading.records import ParsedRecords
from imports.reading.safety import DEFAULT_MAX_BYTES
from imports.reading.values import Attendance
from imports.selectors import (
    completion_statuses,
    completion_statuses_of,
    duplicate_message,
    evaluations_of,
    people_index_load,
    saved_profile,
    session_index_load,
)
from imports.writing import (
    completions_create,
    completions_update,
    evaluations_rescale,
    evaluations_write,
    people_write,
    rows_write,
    sessions_write,
)
from training_monitor.queueing import task_send
from trainings.models import (
    CompletionStatus,
    Evaluation,
    Supplier,
    TrainingCompletion,
    TrainingSession,
)

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
    from django_stubs_ext import StrOrPromise

logger = logging.getLogger(__name__)

# Rows per chunk: an apply commits each chunk with its checkpoint (ImportBatch.rows_done).
CHUNK_SIZE = 5000
# The rows a preview shows one by one (who and which session each matched); the counts
# and problems cover every row.
PREVIEW_ROWS = 200
# pg_advisory_lock(space, supplier): one import per supplier at a time, for a whole file.
_LOCK_SPACE = 7001
OUTCOMES = ("new", "updated", "unchanged", "review", "rejected")
# A row as read from the file: its number, values, cells and problems.
_ParsedRow = tuple[int, RowValues, dict[str, str], list[dict[str, Any]]]
_STATUS: dict[Attendance, str] = {
    Attendance.ATTENDED: CompletionStatus.ATTENDED,
    Attendance.NO_SHOW: CompletionStatus.NO_SHOW,
    Attendance.CANCELLED: CompletionStatus.CANCELLED,
    Attendance.REGISTERED: CompletionStatus.REGISTERED,
}


class ImportNotAllowed(Exception):
    """The batch cannot be applied (already applied, rejected, duplicate...)."""

    def __init__(self, message: StrOrPromise) -> None:
        super().__init__(str(message))
        self.message = message


def max_upload_bytes() -> int:
    return int(getattr(settings, "IMPORT_MAX_UPLOAD_BYTES", DEFAULT_MAX_BYTES))


# --- creating a batch ----------------------------------------------------------------


def file_sha256(stream: IO[bytes]) -> str:
    digest = hashlib.sha256()
    stream.seek(0)
    for chunk in iter(lambda: stream.read(1024 * 1024), b""):
        digest.update(chunk)
    stream.seek(0)
    return digest.hexdigest()


def import_batch_create(
    *,
    file: IO[bytes],
    file_name: str,
    supplier: Supplier,
    user: AbstractBaseUser | AnonymousUser | None = None,
    profile: ImportProfile | None = None,
    sheet: str = "",
    department: Department | None = None,
    score_scale: int | None = None,
    source: str = ImportSource.FILE,
) -> ImportBatch:
    """Store an uploaded file as a new batch; notes when the same file was applied before.

    `department`: the ministry of every row that names none (a file of one ministry).
    `score_scale` (5 or 10): the scale of the file's scores, when the file does not say
    ("Score (1-5)") and its highest score may not show it.

    A file over IMPORT_MAX_UPLOAD_BYTES is refused here too (ImportNotAllowed), whatever
    path it came by: the forms and the command check first, this keeps any new path safe.
    """
    file.seek(0, 2)
    size = file.tell()
    file.seek(0)
    if size > max_upload_bytes():
        raise ImportNotAllowed(
            lazy_format(
                _("The file is larger than %(limit)s MB."),
                limit=max_upload_bytes() // (1024 * 1024),
            )
        )
    sha256 = file_sha256(file)
    batch = ImportBatch(
        supplier=supplier,
        profile=profile,
        file_name=Path(file_name).name[:255],
        file_size=size,
        sha256=sha256,
        sheet=sheet,
        department=department,
        score_scale=score_scale,
        source=source,
        uploaded_by=user if user is not None and user.is_authenticated else None,  # type: ignore[misc]
        duplicate_of=ImportBatch.objects.filter(
            supplier=supplier, sha256=sha256, status=ImportStatus.APPLIED
        )
        .order_by("-applied_at")
        .first(),
    )
    batch.file.save(batch.file_name, File(file), save=False)
    batch.save()
    return batch


def attendance_records_import(
    *,
    records: Sequence[dict[str, Any]],
    supplier: Supplier,
    user: AbstractBaseUser | AnonymousUser | None = None,
    score_scale: int | None = None,
) -> ImportBatch:
    """The records entry point (POST /api/v1/attendance): one batch per call, queued to
    be applied like a file with "hold the others for review".

    The records are kept as the batch's JSON file (imports.reading.records reads them),
    so they pass the same value rules, matching, review queue and apply as a spreadsheet,
    and are kept and deleted by the same rules (IMPORT_FILE_RETENTION_DAYS). The valid
    records are applied; the others wait in the review queue. The same records sent again
    once applied are refused, as the same file is (ImportNotAllowed), and nothing is stored.
    """
    content = json.dumps({"records": list(records)}, sort_keys=True, ensure_ascii=False)
    data = content.encode()
    earlier = (
        ImportBatch.objects.filter(
            supplier=supplier, sha256=hashlib.sha256(data).hexdigest(), status=ImportStatus.APPLIED
        )
        .order_by("-applied_at")
        .first()
    )
    if earlier is not None:
        raise ImportNotAllowed(duplicate_message(ImportBatch(duplicate_of=earlier)) or "")
    stamp = timezone.now().strftime("%Y%m%dT%H%M%S")
    with transaction.atomic():
        batch = import_batch_create(
            file=io.BytesIO(data),
            file_name=f"api-{stamp}.json",
            supplier=supplier,
            user=user,
            score_scale=score_scale,
            source=ImportSource.API,
        )
        return attendance_import_queue(batch=batch, hold_invalid=True)


# --- planning and applying the rows -------------------------------------------------


class _Importer:
    """Plans and (when `write`) applies the rows of one file for one supplier.

    Matching is imports.matching's, over indexes loaded once (imports.selectors);
    writing is imports.writing's, a chunk at a time.
    """

    def __init__(
        self,
        *,
        batch: ImportBatch,
        write: bool,
        person_override: dict[int, int] | None = None,
        should_stop: Callable[[], bool] | None = None,
        skip: int = 0,
    ) -> None:
        self.batch = batch
        self.write = write
        self.people = people_index_load()
        self.departments = DepartmentIndex.load()
        # The ministry chosen at upload for a single-ministry file; a row's own wins.
        self.file_department: Department | None = batch.department
        self.sessions = session_index_load(batch.supplier)
        self.counts = dict.fromkeys(OUTCOMES, 0)
        self.counts["total"] = 0
        self.problems: list[dict[str, Any]] = []
        self.seen: dict[Pair, str] = {}  # (person, session) -> status in this file
        # The supplier's (person, session) -> (completion, status), for a whole file.
        self.known: dict[Pair, tuple[int, str]] | None = None
        self.evaluation_ids: list[int] = []
        self.person_override = person_override or {}
        self.should_stop = should_stop
        # Rows of the file committed by an earlier run of this apply (its checkpoint).
        self.skip = skip
        self.history_user = batch.uploaded_by
        # A dry run's first rows, for the preview (ImportBatch.preview_rows).
        self.preview: list[dict[str, Any]] = []

    # the whole file ---------------------------------------------------------------

    def run(self, rows: Iterable[_ParsedRow]) -> bool:
        """Plan (and when writing, apply) the rows after the first `skip`, chunk by chunk.

        Returns False when `should_stop` said so before a chunk: the chunks before it are
        committed (each with its checkpoint), the rest is left for the next run.
        """
        self.known = completion_statuses(self.batch.supplier_id)
        chunk: list[PlannedRow] = []
        for index, (number, values, raw, problems) in enumerate(rows):
            if index < self.skip:
                continue
            planned = PlannedRow(number, values, raw, list(problems))
            if problems:
                planned.outcome = RowOutcome.REJECTED
            chunk.append(planned)
            if len(chunk) >= CHUNK_SIZE:
                if not self._chunk(chunk):
                    return False
                chunk = []
        return self._chunk(chunk) if chunk else True

    def _chunk(self, chunk: list[PlannedRow]) -> bool:
        if self.should_stop is not None and self.should_stop():
            return False
        if not self.write:
            self.plan(chunk)
            self._count(chunk)
            return True
        with transaction.atomic():
            self.plan(chunk)
            self._count(chunk)
            rows_write(self.batch.pk, chunk)
            # The checkpoint, committed with the rows: a later run skips them.
            ImportBatch.objects.filter(pk=self.batch.pk).update(
                status=ImportStatus.APPLYING,
                rows_done=self.skip + self.counts["total"],
                apply_started_at=Coalesce("apply_started_at", Now()),
            )
        return True

    def _count(self, chunk: list[PlannedRow]) -> None:
        for planned in chunk:
            self.counts["total"] += 1
            self.counts[planned.outcome] += 1
            self.problems.extend(planned.problems)
            if not self.write and len(self.preview) < PREVIEW_ROWS:
                held = planned.outcome in HELD_OUTCOMES
                match = None if held else planned.match_json()
                self.preview.append(
                    {"row": planned.row_number, "outcome": planned.outcome, "match": match}
                )

    # one chunk --------------------------------------------------------------------

    def plan(self, chunk: list[PlannedRow]) -> None:
        """Match and (when writing) apply the rows of one chunk; sets each outcome."""
        new_people: list[tuple[PersonRef, Person]] = []
        for planned in chunk:
            if not planned.outcome:
                self._match(planned)
            person = planned.person
            if planned.outcome or person is None:
                continue
            if person.pk is None and person.new is not None:
                new_people.append((person, person.new))
                person.new = None  # created once, even if matched again
            session = self.sessions.resolve(planned.values)
            if isinstance(session, SessionRef):
                planned.session = session
            else:
                planned.hold(Hold("no_session", session), outcome=RowOutcome.REJECTED)
        if self.write:
            people_write(new_people, user=self.history_user)
            sessions_write(self.sessions)
        self._completions(chunk)
        self._evaluations(chunk)

    def _match(self, planned: PlannedRow) -> None:
        chosen = self.person_override.get(planned.row_number)
        if chosen is not None:
            person = Person.objects.get(pk=chosen)
            planned.person = PersonRef(
                person.pk, person.employee_number, person.email, "", person.department_id
            )
            planned.match = "chosen"
            return
        found = person_match(
            planned.values,
            people=self.people,
            departments=self.departments,
            file_department=self.file_department,
        )
        if isinstance(found, Hold):
            planned.hold(found)
        else:
            planned.person, planned.match = found

    @staticmethod
    def _pair(planned: PlannedRow) -> Pair | None:
        """(person, session) keys; in a dry run new ones get negative stand-in keys."""
        person, session = planned.person, planned.session
        if person is None or session is None:
            return None
        return (
            person.pk if person.pk is not None else -id(person),
            session.pk if session.pk is not None else -id(session),
        )

    def _known(self, live: list[PlannedRow]) -> dict[Pair, tuple[int, str]]:
        if self.known is not None:
            return self.known
        return completion_statuses_of(p for p in map(self._pair, live) if p is not None)

    def _completions(self, chunk: list[PlannedRow]) -> None:
        live = [p for p in chunk if not p.outcome]
        known = self._known(live)
        to_create: dict[Pair, str] = {}
        to_update: dict[int, str] = {}
        for planned in live:
            pair = self._pair(planned)
            if planned.values.attendance is None or pair is None:
                continue
            status = _STATUS[planned.values.attendance]
            existing = known.get(pair)
            before = self.seen.get(pair, existing[1] if existing else None)
            self.seen[pair] = status
            if before is None:
                planned.outcome = RowOutcome.NEW
                to_create[pair] = status
            elif before == status:
                planned.outcome = RowOutcome.UNCHANGED
            else:
                planned.outcome = RowOutcome.UPDATED
                if pair in to_create:
                    to_create[pair] = status
                elif existing is not None:
                    to_update[existing[0]] = status
        if not self.write:
            return
        created = completions_create(to_create, user=self.history_user)
        completions_update(to_update, user=self.history_user)
        _figures_touched(to_create, to_update)
        for pair, pk in created.items():
            known[pair] = (pk, to_create[pair])
        for planned in live:
            pair = self._pair(planned)
            if pair is not None and pair in known:
                planned.completion_id = known[pair][0]

    def _evaluations(self, chunk: list[PlannedRow]) -> None:
        scored = [
            p
            for p in chunk
            if p.values.score is not None
            and p.outcome in (RowOutcome.NEW, RowOutcome.UNCHANGED, RowOutcome.UPDATED)
        ]
        pairs = {pair: p for p in scored if (pair := self._pair(p)) is not None}
        if not pairs:
            return
        existing = evaluations_of(pairs)
        scale = self.batch.score_scale or 10
        to_create: list[Evaluation] = []
        to_update: list[Evaluation] = []
        for pair, planned in pairs.items():
            score = planned.values.score or Decimal(0)
            evaluation = existing.get(pair)
            if evaluation is not None:
                self.evaluation_ids.append(evaluation.pk)
            if evaluation is None:
                to_create.append(
                    Evaluation(person_id=pair[0], session_id=pair[1], score=score, scale=scale)
                )
            elif evaluation.score != score:
                evaluation.score = score
                evaluation.scale = max(evaluation.scale, scale)
                to_update.append(evaluation)
            else:
                continue
            # A new or changed score changes the row, even if its attendance did not.
            if planned.outcome == RowOutcome.UNCHANGED:
                planned.outcome = RowOutcome.UPDATED
        if self.write:
            self.evaluation_ids.extend(evaluations_write(to_create, to_update))

    def finish_scale(self, scale: int | None) -> None:
        """Set the file's score scale (known only at the end) on its evaluations."""
        if self.write and scale and self.evaluation_ids:
            evaluations_rescale(self.evaluation_ids, scale)


# --- reading the file ----------------------------------------------------------------


def _parse_stored(batch: ImportBatch, stream: IO[bytes]) -> ParsedFile:
    """The batch's stored file as its options say: profile, sheet, score scale. Records
    sent to the API are read from their JSON file with the same value rules."""
    if batch.source == ImportSource.API:
        return ParsedRecords(json.load(stream)["records"], score_scale=batch.score_scale)
    return parse_attendance_file(
        stream,  # type: ignore[arg-type]
        filename=batch.file_name,
        sheet=batch.sheet or None,
        profile=batch.profile.mapping if batch.profile is not None else None,
        max_bytes=max_upload_bytes(),
        score_scale=batch.score_scale,
    )


def _parsed_rows(
    batch: ImportBatch,
    file_problems: list[dict[str, Any]],
    scale_out: list[int | None],
    skipped_out: list[int],
) -> Iterator[_ParsedRow]:
    with batch.file.open("rb") as stream:
        parsed = _parse_stored(batch, stream)
        if not parsed.file_problems:
            for row in parsed.rows():
                yield (
                    row.row_number,
                    RowValues.from_row(row),
                    row.raw,
                    [problem.as_dict() for problem in row.problems],
                )
        file_problems.extend(problem.as_dict() for problem in parsed.file_problems)
        scale_out.append(parsed.score_scale)
        # Rows that are no participants never reach the importer: noted on the batch.
        batch.skipped_rows = [skipped.as_dict() for skipped in parsed.skipped]
        skipped_out.append(parsed.skipped_count)
        batch.column_guesses = _column_guesses(parsed, batch.column_guesses.get("signature", ""))


# The file problems the column-mapping step can solve.
_MAPPING_PROBLEMS = frozenset(("missing_columns", "duplicate_column"))


def _column_guesses(parsed: ParsedFile, signature: str) -> dict[str, Any]:
    """What ImportBatch.column_guesses keeps of a parsed file for the mapping step."""
    return {
        "signature": signature,
        "headers": parsed.headers,
        "samples": [list(samples) for samples in parsed.samples],
        "guesses": [guess.as_dict() for guess in parsed.guesses],
        "columns": {field.value: index for field, index in parsed.columns.items()},
        "ties": {field.value: indexes for field, indexes in parsed.ties.items()},
        "needs_mapping": bool(parsed.headers)
        and any(problem.code in _MAPPING_PROBLEMS for problem in parsed.file_problems),
    }


# --- which column is which: saved profiles and the column-mapping step ------------------


def file_headers(source: IO[bytes] | Path, *, file_name: str, sheet: str = "") -> list[str]:
    """The header row of a file as read without a profile (the row naming the most
    fields, or filling the most cells when none is recognised); only its top rows are
    read. Empty when the file cannot be read (the preview says why)."""
    parsed = parse_attendance_file(
        source,  # type: ignore[arg-type]
        filename=file_name,
        sheet=sheet or None,
        max_bytes=max_upload_bytes(),
    )
    parsed.close()
    return parsed.headers


def import_file_headers(*, batch: ImportBatch) -> list[str]:
    """file_headers() of the batch's stored file."""
    with batch.file.open("rb") as stream:
        return file_headers(stream, file_name=batch.file_name, sheet=batch.sheet)


def import_batch_choose_profile(*, batch: ImportBatch) -> ImportProfile | None:
    """Note the file's header signature and, when no profile was chosen, take the
    supplier's saved profile for exactly these headers (made in the mapping step or
    with --map): a file read before is read the same way without asking again."""
    signature = header_signature(import_file_headers(batch=batch))
    batch.column_guesses = {**batch.column_guesses, "signature": signature}
    if batch.profile_id is None and signature:
        batch.profile = saved_profile(batch.supplier_id, signature)
    batch.save(update_fields=["profile", "column_guesses"])
    return batch.profile


def import_profile_for_headers(
    *,
    supplier: Supplier,
    headers: Sequence[str],
    mapping: dict[str, str],
    user: AbstractBaseUser | AnonymousUser | None = None,
) -> ImportProfile:
    """Save `mapping` ({header: field value, or "" to ignore}) as the supplier's profile
    for files with these headers: a new one, or the one saved for them before, updated."""
    signature = header_signature(headers)
    profile = saved_profile(supplier.pk, signature)
    if profile is not None:
        profile.mapping = mapping
        profile.save(update_fields=["mapping"])
        return profile
    shown = ", ".join(header for header in headers if header)
    suffix = f" ({signature[:8]})"
    name = str(lazy_format(_("Columns: %(headers)s"), headers=shown))
    if len(name) + len(suffix) > 100:
        name = name[: 99 - len(suffix)] + "…"
    return ImportProfile.objects.create(
        supplier=supplier,
        name=name + suffix,
        mapping=mapping,
        signature=signature,
        created_by=user if user is not None and user.is_authenticated else None,  # type: ignore[misc]
    )


def import_batch_map_columns(
    *,
    batch: ImportBatch,
    columns: dict[Field, int | None],
    user: AbstractBaseUser | AnonymousUser | None = None,
) -> ImportBatch:
    """The column-mapping step: save which column holds which field as the supplier's
    profile for these headers (every other column ignored) and preview the file again
    with it, in the worker."""
    if not batch.needs_mapping:
        raise ImportNotAllowed(_("The columns of this file need no choosing (any more)."))
    headers: list[str] = batch.column_guesses["headers"]
    chosen = {index: field.value for field, index in columns.items() if index is not None}
    mapping = {
        header: chosen.get(index, "") for index, header in enumerate(headers) if header.strip()
    }
    batch.profile = import_profile_for_headers(
        supplier=batch.supplier, headers=headers, mapping=mapping, user=user
    )
    batch.save(update_fields=["profile"])
    return attendance_import_preview_queue(batch=batch)


def _reporting(
    rows: Iterator[_ParsedRow], report: Callable[[int], None] | None
) -> Iterator[_ParsedRow]:
    """The rows, telling `report` how many have been read every CHUNK_SIZE rows."""
    if report is None:
        yield from rows
        return
    for read, row in enumerate(rows, start=1):
        if read % CHUNK_SIZE == 0:
            report(read)  # before the row: its chunk is matched before this resumes
        yield row


def _run(
    batch: ImportBatch,
    *,
    write: bool,
    should_stop: Callable[[], bool] | None = None,
    skip: int = 0,
    report: Callable[[int], None] | None = None,
) -> tuple[_Importer, list[dict[str, Any]], int | None] | None:
    """Run the rows after the first `skip` through an importer; None when it stopped.
    `report` is told how many rows have been read, now and then (the preview's bar)."""
    importer = _Importer(batch=batch, write=write, should_stop=should_stop, skip=skip)
    file_problems: list[dict[str, Any]] = []
    scale: list[int | None] = []
    skipped: list[int] = []
    rows = _parsed_rows(batch, file_problems, scale, skipped)
    if not importer.run(_reporting(rows, report)):
        return None
    if sum(skipped):
        importer.counts["skipped"] = sum(skipped)
    file_scale = scale[0] if scale else None
    importer.finish_scale(file_scale)
    return importer, file_problems, file_scale


# --- the services --------------------------------------------------------------------


# A preview may run on a batch in these states (the command's runs straight after upload).
_PREVIEWABLE = (ImportStatus.UPLOADED, ImportStatus.PREVIEWING, ImportStatus.PREVIEWED)


def attendance_import_preview(
    *, batch: ImportBatch, should_stop: Callable[[], bool] | None = None
) -> ImportBatch:
    """Dry run: count what each row would do and list every problem; writes only the batch.

    Run by the worker (preview_attendance_import) for the pages and directly by the
    command. While it reads, rows_done says how many rows it has read (the progress bar).
    `should_stop` is asked before each chunk: when it answers True the batch is returned
    still "being previewed", for the caller to send again (a preview starts over).
    """
    if batch.status not in _PREVIEWABLE:
        raise ImportNotAllowed(_("This import has already been applied or refused."))
    if not batch.file:
        raise ImportNotAllowed(_("The file of this import has been deleted. Upload it again."))
    import_batch_choose_profile(batch=batch)

    def report(read: int) -> None:
        ImportBatch.objects.filter(pk=batch.pk).update(rows_done=read)

    run = _run(batch, write=False, should_stop=should_stop, report=report)
    if run is None:
        return batch
    importer, file_problems, scale = run
    duplicate = duplicate_message(batch)
    if duplicate is not None:
        file_problems.insert(0, problem(0, "already_imported", duplicate) | {"row": None})
    batch.counts = importer.counts if not file_problems or duplicate else {}
    batch.problems = file_problems + importer.problems
    batch.preview_rows = importer.preview
    batch.score_scale = scale
    batch.status = ImportStatus.PREVIEWED
    batch.rows_done = 0  # the apply's checkpoint from here on
    batch.save(
        update_fields=[
            "counts", "problems", "skipped_rows", "column_guesses", "preview_rows",
            "score_scale", "status", "rows_done",
        ]
    )  # fmt: skip
    return batch


def attendance_import_preview_queue(*, batch: ImportBatch) -> ImportBatch:
    """Mark the batch "being previewed" and send it to the worker once the transaction
    commits. The figures of an earlier preview go: they may no longer be right."""
    if batch.status not in _PREVIEWABLE:
        raise ImportNotAllowed(_("This import has already been applied or refused."))
    batch.status = ImportStatus.PREVIEWING
    batch.preview_started_at = None
    batch.counts, batch.problems, batch.skipped_rows, batch.preview_rows = {}, [], [], []
    batch.rows_done = 0
    batch.error = ""
    batch.save(
        update_fields=[
            "status", "preview_started_at", "counts", "problems", "skipped_rows",
            "preview_rows", "rows_done", "error",
        ]
    )  # fmt: skip
    transaction.on_commit(lambda: attendance_import_preview_enqueue(batch=batch))
    return batch


def attendance_import_preview_enqueue(*, batch: ImportBatch) -> bool:
    """Send a batch to the worker for its preview. When the task queue (Redis) cannot be
    reached, the batch is back to "uploaded" with a message and a button to try again."""
    from imports.tasks import preview_attendance_import

    if preview_attendance_import.app.conf.task_always_eager:
        # No broker (the demo): the preview runs here, in the request.
        preview_attendance_import.apply_async((batch.pk,))
        return True
    if not task_send(preview_attendance_import, batch.pk):
        ImportBatch.objects.filter(pk=batch.pk, status=ImportStatus.PREVIEWING).update(
            status=ImportStatus.UPLOADED,
            error=str(
                _(
                    "The task queue cannot be reached right now, so the file has not been "
                    "previewed. Nothing is lost: try again in a moment."
                )
            ),
        )
        return False
    return True


def attendance_import_queue(*, batch: ImportBatch, hold_invalid: bool) -> ImportBatch:
    """Mark the batch for the worker and enqueue it once the transaction commits."""
    _check_can_apply(batch, force=False)
    batch.status = ImportStatus.QUEUED
    batch.hold_invalid = hold_invalid
    batch.rows_done = 0
    batch.error = ""
    batch.save(update_fields=["status", "hold_invalid", "rows_done", "error"])
    transaction.on_commit(lambda: attendance_import_enqueue(batch=batch))
    return batch


def attendance_import_enqueue(*, batch: ImportBatch) -> bool:
    """Send a queued batch to the worker. When the task queue (Redis) cannot be reached,
    put the batch back to "previewed" with a message, so nothing is lost and the
    administrator can press "Apply" again once the queue is back."""
    from imports.tasks import apply_attendance_import

    if apply_attendance_import.app.conf.task_always_eager:
        # No broker (the demo): the task runs here and records its own outcome.
        apply_attendance_import.apply_async((batch.pk,))
        return True
    if not task_send(apply_attendance_import, batch.pk):
        ImportBatch.objects.filter(pk=batch.pk, status=ImportStatus.QUEUED).update(
            status=ImportStatus.PREVIEWED,
            error=str(
                _(
                    "The task queue cannot be reached right now, so the file has not been "
                    "applied. Nothing is lost: try “Apply this file” again in a moment."
                )
            ),
        )
        return False
    return True


def attendance_import_retry(*, batch: ImportBatch) -> bool:
    """Send a stopped batch (ImportBatch.is_stopped) to the worker again.

    A stopped apply: its worker died between checkpoints: the chunks it committed stay,
    and the apply continues after the last of them (rows_done), so every row is applied
    once. The apply itself is exactly-once (the supplier lock, the checkpoint and the
    "applied" check in attendance_import_apply): should the stopped task's own message
    still be delivered again too, the second run finds the work done and does nothing.
    A stopped preview, or one that never reached the queue (uploaded, with the error
    saying so), is previewed again from the start: it writes nothing but the batch.
    Returns False when the batch is not stopped (any more) or the queue is unreachable.
    """
    stopped = ImportBatch.objects.stopped().filter(pk=batch.pk)
    if stopped.filter(status=ImportStatus.PREVIEWING).exists() or (
        batch.status == ImportStatus.UPLOADED and batch.error and batch.file
    ):
        attendance_import_preview_queue(batch=batch)
        return True
    queued = stopped.update(status=ImportStatus.QUEUED, error="")
    batch.refresh_from_db()
    if not queued:
        return False
    transaction.on_commit(lambda: attendance_import_enqueue(batch=batch))
    return True


def _check_can_apply(batch: ImportBatch, *, force: bool) -> None:
    if batch.status in (ImportStatus.APPLIED, ImportStatus.REJECTED, ImportStatus.FAILED):
        raise ImportNotAllowed(_("This import has already been applied or refused."))
    if not batch.file:
        raise ImportNotAllowed(_("The file of this import has been deleted. Upload it again."))
    if batch.duplicate_of_id is not None and not force:
        raise ImportNotAllowed(
            duplicate_message(batch) or _("This exact file was already imported.")
        )


def _figures_touched(created: dict[Pair, str], updated: dict[int, str]) -> None:
    """Tell the stored figures which people's trainings changed from which date, in the
    chunk's transaction (departments.touched: imports may not import reports)."""
    if not created and not updated:
        return
    changed = TrainingCompletion.objects.filter(pk__in=list(updated))
    pairs = set(created) | set(changed.values_list("person", "session"))
    since = TrainingSession.objects.filter(pk__in={s for _p, s in pairs}).aggregate(
        first=Min("date")
    )["first"]
    if since is not None:
        figures_touched(since=since, people={p for p, _s in pairs})


@contextmanager
def _supplier_lock(supplier_id: int) -> Iterator[None]:
    """One import per supplier at a time, for the whole file: its chunks commit one by one,
    so a row lock (held only within a transaction) is not enough. A PostgreSQL session
    lock, released on leaving, and by PostgreSQL itself when a killed worker's
    connection closes. SQLite (the demo) has one writer at a time anyway."""
    if connection.vendor != "postgresql":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_lock(%s, %s)", [_LOCK_SPACE, supplier_id])
    try:
        yield
    finally:
        # A connection that broke (the error being raised) took the lock with it.
        with contextlib.suppress(DatabaseError), connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_unlock(%s, %s)", [_LOCK_SPACE, supplier_id])


def attendance_import_apply(
    *,
    batch: ImportBatch,
    hold_invalid: bool,
    force: bool = False,
    should_stop: Callable[[], bool] | None = None,
) -> ImportBatch:
    """Apply the file chunk by chunk (CHUNK_SIZE rows), each chunk in its own transaction
    together with its checkpoint (rows_done), so a killed or stopped apply continues
    after its last committed chunk when it is run again: every row is applied once.

    With `hold_invalid` the valid rows are applied and the rows held for review or
    rejected wait in the review queue; without it a file with any such row is refused
    and nothing is written (a dry run over the whole file decides that first). `force`
    applies a byte-identical file again (which changes nothing that did not change).
    `should_stop` is asked before each chunk; when it answers True the batch is returned
    "queued" again (with its checkpoint), for the caller to send again. An applied batch
    is left alone.
    """
    if batch.status == ImportStatus.APPLIED:
        return batch
    _check_can_apply(batch, force=force)
    with _supplier_lock(batch.supplier_id):
        # A redelivered task may have waited for that lock while another worker applied
        # this very batch, or part of it: go on from what is committed.
        batch.refresh_from_db(fields=_PROGRESS)
        if batch.status == ImportStatus.APPLIED:
            return batch
        batch.hold_invalid = hold_invalid
        done = ImportRow.objects.filter(batch=batch).count()
        if not done and not _passes_dry_run(batch, should_stop=should_stop):
            return batch if batch.is_finished else _import_wait(batch)
        run = _run(batch, write=True, should_stop=should_stop, skip=done)
        if run is None:
            return _import_wait(batch)
        importer, file_problems, scale = run
        if file_problems:  # the file was unreadable: it had no rows to write
            return _import_refuse(batch, counts={}, problems=file_problems)
        return _import_finish(batch, scale=scale, skipped=importer.counts.get("skipped", 0))


def _import_wait(batch: ImportBatch) -> ImportBatch:
    """Stopped at a checkpoint: waiting for a worker again, with the rows done so far."""
    ImportBatch.objects.filter(pk=batch.pk, status__in=_BUSY).update(status=ImportStatus.QUEUED)
    batch.refresh_from_db(fields=_PROGRESS)
    return batch


def _passes_dry_run(batch: ImportBatch, *, should_stop: Callable[[], bool] | None) -> bool:
    """Before the first chunk is written: refuse a file that may not be applied.

    Without hold_invalid one held row refuses the whole file, and without a known score
    scale the first chunks would be scored on the wrong one: both need every row read
    before anything is committed (a file without scores needs no scale). False when
    refused (the batch says why) or stopped.
    """
    if batch.hold_invalid and (batch.score_scale is not None or not _has_scores(batch)):
        return True
    run = _run(batch, write=False, should_stop=should_stop)
    if run is None:
        return False
    importer, file_problems, scale = run
    held = importer.counts["review"] + importer.counts["rejected"]
    if file_problems or (held and not batch.hold_invalid):
        counts = importer.counts if not file_problems else {}
        _import_refuse(batch, counts=counts, problems=file_problems + importer.problems)
        return False
    batch.score_scale = scale
    batch.save(update_fields=["score_scale", "hold_invalid"])
    return True


def _has_scores(batch: ImportBatch) -> bool:
    """Whether the file has a score column (only its header is read): without one the
    scale does not matter, and a file whose held rows wait for review needs no dry run."""
    with batch.file.open("rb") as stream:
        parsed = _parse_stored(batch, stream)
        parsed.close()
    # An unreadable file has no columns: the apply's own read says why.
    return Field.SCORE in parsed.columns or bool(parsed.file_problems)


def _import_refuse(
    batch: ImportBatch, *, counts: dict[str, int], problems: list[dict[str, Any]]
) -> ImportBatch:
    batch.counts = counts
    batch.problems = problems
    batch.preview_rows = []  # names that are of no use any more
    batch.status = ImportStatus.REJECTED
    batch.rows_done = 0
    with transaction.atomic():
        batch.save()
        # A refused file is never applied: its list of names has no further use.
        import_file_delete(batch=batch)
    return batch


def _import_finish(batch: ImportBatch, *, scale: int | None, skipped: int) -> ImportBatch:
    """Mark the batch applied, with counts and problems of all its committed rows (also
    those of earlier, interrupted runs: the rows are the record, not one run's memory).
    `skipped`: the rows that are no participants (totals, notes), which have no ImportRow."""
    rows = ImportRow.objects.filter(batch=batch)
    counts = dict.fromkeys(OUTCOMES, 0)
    for outcome, number in rows.values_list("outcome").annotate(n=Count("pk")).order_by():
        counts[outcome] = number
    counts["total"] = sum(counts.values())
    if skipped:
        counts["skipped"] = skipped
    batch.counts = counts
    batch.problems = [
        problem
        for problems in rows.exclude(problems=[])
        .order_by("row_number")
        .values_list("problems", flat=True)
        for problem in problems
    ]
    batch.score_scale = scale
    batch.rows_done = counts["total"]
    batch.preview_rows = []  # the rows themselves show what became of them now
    batch.status = ImportStatus.APPLIED
    batch.applied_at = timezone.now()
    batch.save()
    return batch


def attendance_import_fail(*, batch: ImportBatch, error: str) -> None:
    """The apply raised an error. The chunks committed before it stay (rows_done says how
    many rows), as do their rows and completions; the batch is not applied again."""
    ImportBatch.objects.filter(pk=batch.pk).update(status=ImportStatus.FAILED, error=error[:2000])


# --- the uploaded file ---------------------------------------------------------------

# The batch may be waiting or being worked on: its file is still needed.
_BUSY = (ImportStatus.QUEUED, ImportStatus.APPLYING)
# What another run of the same apply may have changed (the caller's other fields stay).
_PROGRESS = ["status", "rows_done", "apply_started_at", "error"]


def import_file_delete(*, batch: ImportBatch) -> bool:
    """Delete a batch's uploaded file from storage; the batch, its rows and counts stay.

    The file holds the names and e-mail addresses of everyone on the attendance list,
    so it goes as soon as it is no longer needed (refused, discarded, a dry run) and
    otherwise after IMPORT_FILE_RETENTION_DAYS. The record forgets the file at once;
    storage deletes it only when the transaction commits, so a rollback never leaves a
    record pointing at a file that is gone. Safe to call twice. Returns whether there
    was a file to delete.
    """
    name = batch.file.name
    if not name:
        return False
    storage = batch.file.storage
    ImportBatch.objects.filter(pk=batch.pk).update(file="")
    batch.file.name = ""
    # Two uploads never share a name (storage makes the second unique), but be sure.
    if not ImportBatch.objects.filter(file=name).exists():
        transaction.on_commit(lambda: storage.delete(name))
    return True


def import_batch_discard(*, batch: ImportBatch, user: Any = None) -> ImportBatch:
    """Refuse a file that was uploaded but not applied, and delete it from storage."""
    if batch.status not in (ImportStatus.UPLOADED, ImportStatus.PREVIEWED, ImportStatus.FAILED):
        raise ImportNotAllowed(_("Only a file that has not been applied can be discarded."))
    batch.status = ImportStatus.REJECTED
    batch.preview_rows = []
    batch.save(update_fields=["status", "preview_rows"])
    import_file_delete(batch=batch)
    # Who discarded it, by id only: the log must hold no personal data.
    logger.info("Import %s discarded by user_id=%s", batch.pk, getattr(user, "pk", None))
    return batch


def import_files_expire(*, days: int, now: datetime.datetime) -> int:
    """Delete the files of batches uploaded more than `days` days ago; returns how many.

    Files still waiting for or being previewed or applied are kept; every other file is
    deleted.
    """
    expired = (
        ImportBatch.objects.filter(created_at__lt=now - datetime.timedelta(days=days))
        .exclude(file="")
        .exclude(status__in=(*_BUSY, ImportStatus.PREVIEWING))
    )
    return sum(import_file_delete(batch=batch) for batch in expired.only("pk", "file"))


# --- the review queue ----------------------------------------------------------------


def _resolve_row(
    row: ImportRow, values: RowValues, *, person: Person | None, user: Any, resolution: str
) -> ImportRow:
    batch = row.batch
    batch.score_scale = batch.score_scale or 10
    importer = _Importer(
        batch=batch,
        write=True,
        person_override={row.row_number: person.pk} if person is not None else None,
    )
    importer.history_user = user
    planned = PlannedRow(row.row_number, values, row.raw)
    if values.attendance is None:
        planned.outcome = RowOutcome.REJECTED
        planned.problems.append(
            problem(row.row_number, "no_attendance", _("The attendance is missing."))
        )
    with transaction.atomic():
        importer.plan([planned])
        if planned.outcome in HELD_OUTCOMES:
            raise ImportNotAllowed(" ".join(p["message"] for p in planned.problems))
        row.person_id = planned.person.pk if planned.person is not None else None
        row.completion_id = planned.completion_id
        row.data = values.as_json()
        row.resolution = resolution
        row.resolved_by = user
        row.resolved_at = timezone.now()
        row.save()
    return row


def import_row_resolve(*, row: ImportRow, person: Person, user: Any) -> ImportRow:
    """Apply a held row to the person an administrator chose."""
    _check_pending(row)
    values = RowValues.from_json(row.data)
    return _resolve_row(row, values, person=person, user=user, resolution=RowResolution.MATCHED)


def import_row_correct(*, row: ImportRow, values: dict[str, Any], user: Any) -> ImportRow:
    """Apply a held row with corrected values; matching runs again as for a file."""
    _check_pending(row)
    merged = {**row.data, **values}
    if ("first_name" in values or "last_name" in values) and "full_name" not in values:
        merged["full_name"] = None  # made again from the corrected parts
    return _resolve_row(
        row, RowValues.from_json(merged), person=None, user=user, resolution=RowResolution.CORRECTED
    )


def import_row_discard(*, row: ImportRow, user: Any) -> ImportRow:
    """Leave a held row out for good, recording who decided and when."""
    _check_pending(row)
    row.resolution = RowResolution.DISCARDED
    row.resolved_by = user
    row.resolved_at = timezone.now()
    row.save(update_fields=["resolution", "resolved_by", "resolved_at"])
    return row


def _check_pending(row: ImportRow) -> None:
    if row.resolution:
        raise ImportNotAllowed(_("This row has already been dealt with."))
    if row.outcome not in HELD_OUTCOMES:
        raise ImportNotAllowed(_("This row was imported; there is nothing to resolve."))


__all__ = [
    "ImportNotAllowed",
    "attendance_import_apply",
    "attendance_import_preview",
    "attendance_import_preview_queue",
    "attendance_import_queue",
    "import_batch_create",
    "import_batch_discard",
    "import_file_delete",
    "import_files_expire",
    "import_row_correct",
    "import_row_discard",
    "import_row_resolve",
]
