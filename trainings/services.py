"""Attendance imports: from a parsed supplier file to people, sessions and completions.

Shared by the /imports/ pages, the Celery task and `manage.py import_attendance`:

    batch = import_batch_create(file=..., file_name=..., supplier=..., user=...)
    attendance_import_preview_queue(batch=batch)              # the pages: in the worker
    attendance_import_preview(batch=batch)                    # dry run: counts, problems
    import_batch_map_columns(batch=batch, columns={...})      # the column-mapping step
    attendance_import_apply(batch=batch, hold_invalid=True)   # committed chunk by chunk
    import_row_resolve(row=row, person=person, user=user)     # the review queue
    import_row_correct(row=row, values={...}, user=user)
    import_row_discard(row=row, user=user)

Matching works in bulk: the people, departments and the supplier's sessions are loaded
once per file into dictionaries; rows are then handled in chunks with a fixed number of
queries per chunk, so the number of queries does not grow with the rows of a file
smaller than one chunk, and grows by a handful per CHUNK_SIZE rows for large ones.
"""

from __future__ import annotations

import contextlib
import datetime
import hashlib
import json
import logging
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from django.conf import settings
from django.core.files.base import File
from django.core.serializers.json import DjangoJSONEncoder
from django.db import DatabaseError, connection, transaction
from django.db.models import Count
from django.db.models.functions import Coalesce, Now
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from departments.matching import DepartmentIndex
from departments.models import (
    Department,
    Person,
    normalise_email,
    normalise_employee_number,
)
from departments.names import (
    PARTICLES,
    NameParts,
    display_name,
    fold,
    name_key,
    split_full_name,
    split_particle,
)
from training_monitor.queueing import task_send
from trainings.imports import AttendanceRow, Field, ParsedFile, Problem, parse_attendance_file
from trainings.imports.fields import header_signature
from trainings.imports.messages import lazy_format
from trainings.imports.safety import DEFAULT_MAX_BYTES
from trainings.imports.values import Attendance
from trainings.models import (
    CompletionStatus,
    Evaluation,
    ImportBatch,
    ImportProfile,
    ImportRow,
    ImportStatus,
    RowOutcome,
    RowResolution,
    Supplier,
    TrainingCompletion,
    TrainingProgramme,
    TrainingSession,
)

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
    from django_stubs_ext import StrOrPromise

logger = logging.getLogger(__name__)

# Rows per chunk: an apply commits each chunk with its checkpoint (ImportBatch.rows_done).
CHUNK_SIZE = 5000
# pg_advisory_lock(space, supplier): one import per supplier at a time, for a whole file.
_LOCK_SPACE = 7001
OUTCOMES = ("new", "updated", "unchanged", "review", "rejected")
_STATUS: dict[Attendance, str] = {
    Attendance.ATTENDED: CompletionStatus.ATTENDED,
    Attendance.NO_SHOW: CompletionStatus.NO_SHOW,
    Attendance.CANCELLED: CompletionStatus.CANCELLED,
    Attendance.REGISTERED: CompletionStatus.REGISTERED,
}
_ONLINE_PLACES = frozenset({"online", "digitaal", "virtueel", "virtual", "teams", "zoom"})


class ImportNotAllowed(Exception):
    """The batch cannot be applied (already applied, rejected, duplicate...)."""

    def __init__(self, message: StrOrPromise) -> None:
        super().__init__(str(message))
        self.message = message


def max_upload_bytes() -> int:
    return int(getattr(settings, "IMPORT_MAX_UPLOAD_BYTES", DEFAULT_MAX_BYTES))


# --- COPY: the fast path for large inserts on PostgreSQL -------------------------------


def _copy_available() -> bool:
    return connection.vendor == "postgresql"


def _copy_into(table: str, columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> None:
    """Write `rows` into `table` with PostgreSQL's COPY (psycopg 3), in the transaction."""
    quote = connection.ops.quote_name
    sql = f"COPY {quote(table)} ({', '.join(quote(c) for c in columns)}) FROM STDIN"
    with connection.cursor() as cursor, cursor.cursor.copy(sql) as copy:
        for row in rows:
            copy.write_row(row)


def _next_ids(table: str, count: int) -> list[int]:
    """Reserve `count` primary keys from the table's identity sequence."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
            [table, count],
        )
        return [row[0] for row in cursor.fetchall()]


def _json(value: Any) -> str:
    return json.dumps(value, cls=DjangoJSONEncoder, ensure_ascii=False)


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
) -> ImportBatch:
    """Store an uploaded file as a new batch; notes when the same file was applied before.

    `department`: the ministry of every row that names none (a file of one ministry).

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


def duplicate_message(batch: ImportBatch) -> StrOrPromise | None:
    original = batch.duplicate_of
    if original is None:
        return None
    return lazy_format(
        _("This exact file was already imported on %(date)s (%(file)s)."),
        date=timezone.localtime(original.applied_at or original.created_at).strftime(
            "%d-%m-%Y %H:%M"
        ),
        file=original.file_name,
    )


# --- lookups loaded once per file ----------------------------------------------------


def _name_key(text: str | None) -> str:
    return " ".join((text or "").split()).casefold()


def _row_name_key(values: _Values) -> str:
    """The name key of a row (departments.names.name_key): "Vries, Anna de" is Anna de Vries."""
    if values.first_name and values.last_name:
        # Parts need no reading, which is most of the cost on a large file.
        return name_key(values.first_name, "", values.last_name)
    return name_key(values.full_name or "")


def _new_person_name(values: _Values) -> NameParts | None:
    """First name, particle and last name of a person the file creates, if it has them.

    From the name columns when both are filled ("de Vries" gives its particle to its own
    field), else read from a full-name column ("Vries, Anna de", "Fatima Öztürk").
    """
    if values.first_name and values.last_name:
        return NameParts(values.first_name, *split_particle(values.last_name))
    split = split_full_name(values.full_name or "")
    return split if split and split.first_name and split.last_name else None


@dataclass
class _PersonRef:
    """A person that exists, or will exist once the file is applied (pk None).

    `name` is departments.names.name_key(), so "Vries, Anna de" finds Anna de Vries;
    `shown` is the name as a message shows it; `surname` and `initials` (folded) let
    "A. de Vries" and "Vries, J.W. de" find the one person at a ministry they fit.
    """

    pk: int | None
    employee_number: str | None
    email: str | None
    name: str
    department_id: int
    new: Person | None = None
    shown: str = ""
    surname: str = ""
    initials: str = ""


def _surname(last_name: str) -> str:
    """The last name folded, without particles: "van der Linden" and "Linden" meet."""
    words = fold(last_name).split()
    return " ".join([word for word in words[:-1] if word not in PARTICLES] + words[-1:])


def _initials(first_name: str) -> str:
    """The first letters of the first names: "Jan-Willem" and "J.W." are both "jw"."""
    return "".join(word[0] for word in fold(first_name.replace(".", " ")).split())


def _only_initials(first_name: str) -> bool:
    """Whether the row gives initials ("J.", "J.W.", "A"), not a first name."""
    words = fold(first_name.replace(".", ". ")).split()
    return bool(words) and all(len(word) == 1 for word in words)


class _People:
    def __init__(self) -> None:
        self.by_number: dict[str, _PersonRef] = {}
        self.by_email: dict[str, _PersonRef] = {}
        self.by_name: dict[tuple[int, str], list[_PersonRef]] = defaultdict(list)
        self.by_surname: dict[tuple[int, str], list[_PersonRef]] = defaultdict(list)
        rows = Person.objects.values_list(
            "pk", "employee_number", "email", "first_name", "particle", "last_name", "department_id"
        )
        for pk, number, email, *name, department_id in rows.iterator(chunk_size=20000):
            key, shown = name_key(*name), display_name(*name)
            parts = NameParts(*name)
            self.add(_PersonRef(pk, number, email, key, department_id, shown=shown), parts)

    def add(self, ref: _PersonRef, parts: NameParts) -> None:
        if ref.employee_number:
            self.by_number[ref.employee_number] = ref
        if ref.email:
            self.by_email[ref.email] = ref
        self.by_name[(ref.department_id, ref.name)].append(ref)
        ref.surname, ref.initials = _surname(parts.last_name), _initials(parts.first_name)
        self.by_surname[(ref.department_id, ref.surname)].append(ref)

    def named(self, department_id: int, values: _Values) -> list[_PersonRef]:
        """The people at the ministry the row's name fits: the whole name, or else the
        last name with initials ("A. de Vries", "Bakker, J.")."""
        exact = self.by_name.get((department_id, _row_name_key(values)), [])
        if exact:
            return exact
        parts = _new_person_name(values)
        if parts is None or not _only_initials(parts.first_name):
            return []
        initials = _initials(parts.first_name)
        return [
            ref
            for ref in self.by_surname.get((department_id, _surname(parts.last_name)), [])
            if ref.initials.startswith(initials)
        ]

    @staticmethod
    def fits(ref: _PersonRef, values: _Values) -> bool:
        """Whether the row's name (if any) can be this person's: the same name, one of
        them with fewer names ("Anna", "Anna Maria de Vries"), or the last name with
        their initials."""
        key = _row_name_key(values)
        if not key or not ref.name or key == ref.name:
            return True
        words, known = set(key.split()), set(ref.name.split())
        if words <= known or known <= words:
            return True
        parts = _new_person_name(values)
        return (
            parts is not None
            and _only_initials(parts.first_name)
            and _surname(parts.last_name) == ref.surname
            and ref.initials.startswith(_initials(parts.first_name))
        )


@dataclass
class _SessionRef:
    pk: int | None
    date: datetime.date
    place: str
    programme: str
    external_id: str
    new: TrainingSession | None = None
    # Made by this file (the preview shows "new"), also once it has been saved.
    made: bool = False


class _Sessions:
    """The supplier's sessions and programmes; new ones are made in memory first."""

    def __init__(self, supplier: Supplier) -> None:
        self.supplier = supplier
        self.by_external: dict[str, _SessionRef] = {}
        self.by_date: dict[datetime.date, list[_SessionRef]] = defaultdict(list)
        self.programmes: dict[str, TrainingProgramme] = {}
        self.default_programme: TrainingProgramme | None = None
        programmes = {p.pk: p for p in TrainingProgramme.objects.filter(supplier=supplier)}
        for programme in programmes.values():
            self.programmes.setdefault(_name_key(programme.name), programme)
        latest: tuple[datetime.date, int] | None = None
        for pk, date, place, is_online, external_id, programme_id in TrainingSession.objects.filter(
            supplier=supplier
        ).values_list("pk", "date", "place", "is_online", "external_id", "programme_id"):
            found = programmes.get(programme_id)
            if found is None:  # another supplier's programme
                found = programmes[programme_id] = TrainingProgramme.objects.get(pk=programme_id)
            programme = found
            ref = _SessionRef(
                pk,
                date,
                "online" if is_online and not place else _name_key(place),
                _name_key(programme.name),
                external_id,
            )
            self._add(ref)
            if latest is None or (date, pk) > latest:
                latest = (date, pk)
                self.default_programme = programme
        if self.default_programme is None and len(programmes) == 1:
            self.default_programme = next(iter(programmes.values()))
        self.new_programmes: list[TrainingProgramme] = []
        self.new_sessions: list[_SessionRef] = []

    def _add(self, ref: _SessionRef) -> None:
        if ref.external_id:
            self.by_external[ref.external_id] = ref
        self.by_date[ref.date].append(ref)

    def resolve(self, values: _Values) -> _SessionRef | StrOrPromise:
        """The session a row means, found or made; or why there is none."""
        if values.session_id and values.session_id in self.by_external:
            return self.by_external[values.session_id]
        if values.session_date is None:
            return _("The row has no session date.")
        place = _name_key(values.session_place)
        programme = _name_key(values.programme)
        if not values.session_id:
            candidates = [
                ref
                for ref in self.by_date.get(values.session_date, [])
                if (not place or ref.place == place)
                and (not programme or ref.programme == programme)
            ]
            if candidates:
                return min(candidates, key=lambda ref: (ref.pk is None, ref.pk or 0))
        programme_obj = self._programme(values.programme)
        if programme_obj is None:
            return _(
                "No programme is known for this supplier. Add a programme column or create "
                "the programme first."
            )
        is_online = place in _ONLINE_PLACES
        session = TrainingSession(
            supplier=self.supplier,
            programme=programme_obj,
            date=values.session_date,
            place="" if is_online else (values.session_place or ""),
            is_online=is_online,
            external_id=values.session_id or "",
        )
        ref = _SessionRef(
            None,
            values.session_date,
            place,
            _name_key(programme_obj.name),
            values.session_id or "",
            session,
            made=True,
        )
        self._add(ref)
        self.new_sessions.append(ref)
        return ref

    def _programme(self, name: str | None) -> TrainingProgramme | None:
        if not name:
            return self.default_programme
        key = _name_key(name)
        if key not in self.programmes:
            programme = TrainingProgramme(supplier=self.supplier, name=name[:200])
            self.programmes[key] = programme
            self.new_programmes.append(programme)
        return self.programmes[key]

    def save_new(self) -> None:
        """Write the programmes and sessions made since the last call."""
        if self.new_programmes:
            TrainingProgramme.objects.bulk_create(self.new_programmes)
            self.new_programmes = []
        if self.new_sessions:
            sessions = [ref.new for ref in self.new_sessions if ref.new is not None]
            for session in sessions:
                session.programme_id = session.programme.pk
            TrainingSession.objects.bulk_create(sessions)
            for ref in self.new_sessions:
                if ref.new is not None:
                    ref.pk = ref.new.pk
            self.new_sessions = []


# --- one row -------------------------------------------------------------------------


@dataclass
class _Values:
    """The parsed values of a row, as stored in ImportRow.data for later correction."""

    employee_number: str | None = None
    first_name: str | None = None
    last_name: str | None = None
    full_name: str | None = None
    email: str | None = None
    department: str | None = None
    session_date: datetime.date | None = None
    session_place: str | None = None
    session_id: str | None = None
    programme: str | None = None
    attendance: Attendance | None = None
    score: Decimal | None = None

    @classmethod
    def from_row(cls, row: AttendanceRow) -> _Values:
        return cls(
            employee_number=normalise_employee_number(row.employee_number),
            first_name=row.first_name,
            last_name=row.last_name,
            full_name=row.full_name,
            email=normalise_email(row.email),
            department=row.department,
            session_date=row.session_date,
            session_place=row.session_place,
            session_id=row.session_id,
            programme=row.programme,
            attendance=row.attendance,
            score=row.score,
        )

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> _Values:
        date = data.get("session_date")
        attendance = data.get("attendance")
        score = data.get("score")
        first, last = data.get("first_name"), data.get("last_name")
        full = data.get("full_name") or " ".join(p for p in (first, last) if p) or None
        return cls(
            employee_number=normalise_employee_number(data.get("employee_number")),
            first_name=first or None,
            last_name=last or None,
            full_name=full,
            email=normalise_email(data.get("email")),
            department=data.get("department") or None,
            session_date=datetime.date.fromisoformat(date) if date else None,
            session_place=data.get("session_place") or None,
            session_id=data.get("session_id") or None,
            programme=data.get("programme") or None,
            attendance=Attendance(attendance) if attendance else None,
            score=Decimal(str(score)) if score not in (None, "") else None,
        )

    def as_json(self) -> dict[str, Any]:
        return {
            "employee_number": self.employee_number,
            "first_name": self.first_name,
            "last_name": self.last_name,
            "full_name": self.full_name,
            "email": self.email,
            "department": self.department,
            "session_date": self.session_date.isoformat() if self.session_date else None,
            "session_place": self.session_place,
            "session_id": self.session_id,
            "programme": self.programme,
            "attendance": self.attendance.value if self.attendance else None,
            "score": str(self.score) if self.score is not None else None,
        }


@dataclass
class _Planned:
    """What one row will do: its outcome and the objects it touches."""

    row_number: int
    values: _Values
    raw: dict[str, str]
    problems: list[dict[str, Any]] = field(default_factory=list)
    outcome: str = ""
    person: _PersonRef | None = None
    session: _SessionRef | None = None
    completion_id: int | None = None
    # How the person was found: "employee_number", "email", "name", "new" or "chosen".
    match: str = ""

    def match_json(self) -> dict[str, Any]:
        """Per row, for the preview: which person and which session, or "new"."""
        person, session = self.person, self.session
        return {
            "person": self.match,
            "person_id": None if self.match == "new" or person is None else person.pk,
            "person_name": person.shown if person is not None else "",
            "session": "new" if session is not None and session.made else "existing",
            "session_id": None if session is None or session.made else session.pk,
            "session_date": session.date.isoformat() if session is not None else None,
            "session_external_id": session.external_id if session is not None else "",
        }


def _no_department_message(values: _Values) -> StrOrPromise:
    if values.employee_number or values.email:
        return _(
            "No ministry in the file, and no person has this email address or employee "
            "number. Choose the ministry at upload or add a ministry column."
        )
    return _(
        "No ministry in the file, and no email address or employee number to find the "
        "person by. Choose the ministry at upload or add a ministry column."
    )


def _problem(
    row: int, code: str, message: StrOrPromise, column: str | None = None
) -> dict[str, Any]:
    return Problem(row, column, None, code, message).as_dict()


class _Importer:
    """Plans and (when `write`) applies the rows of one file for one supplier."""

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
        self.people = _People()
        self.departments = DepartmentIndex.load()
        # The ministry chosen at upload for a single-ministry file; a row's own wins.
        self.file_department: Department | None = getattr(batch, "department", None)
        self.sessions = _Sessions(batch.supplier)
        self.counts = dict.fromkeys(OUTCOMES, 0)
        self.counts["total"] = 0
        self.problems: list[dict[str, Any]] = []
        self.seen: dict[tuple[int, int], str] = {}  # (person, session) -> status in this file
        self.completion_ids: dict[tuple[int, int], int] = {}
        # The supplier's (person, session) -> status, when loaded for a whole file.
        self.known_status: dict[tuple[int, int], str] | None = None
        self.evaluation_ids: list[int] = []
        self.person_override = person_override or {}
        self.should_stop = should_stop
        # Rows of the file committed by an earlier run of this apply (its checkpoint).
        self.skip = skip
        self.history_user = batch.uploaded_by
        self.held: list[_Planned] = []

    # matching ---------------------------------------------------------------------

    def _unknown_department(self, written: str) -> Any:
        suggestions = self.departments.suggest(written)
        if not suggestions:
            return lazy_format(_("“%(value)s” is not a known ministry."), value=written)
        return lazy_format(
            _("“%(value)s” is not a known ministry. Did you mean: %(suggestions)s?"),
            value=written,
            suggestions=", ".join(department.code for department in suggestions),
        )

    def match_person(self, planned: _Planned) -> None:
        """Find the row's person, or plan a new one, or hold the row with the real cause.

        By employee number, then e-mail; a name the row also gives must fit the person
        found (an initial fits). Then by name within the row's ministry (or the one
        chosen for the file); a new person needs a name and a ministry, nothing more.
        """
        values = planned.values
        if planned.row_number in self.person_override:
            person = Person.objects.get(pk=self.person_override[planned.row_number])
            planned.person = _PersonRef(
                person.pk, person.employee_number, person.email, "", person.department_id
            )
            planned.match = "chosen"
            return
        found = self._by_identifier(planned)
        if found is not None or planned.outcome:
            planned.person = found
            return
        department = self.departments.resolve(values.department)
        if values.department and department is None:
            self._hold(planned, "unknown_department", self._unknown_department(values.department))
            return
        department = department or self.file_department
        if department is None:
            self._hold(planned, "no_department_no_match", _no_department_message(values))
            return
        self._by_name_or_new(planned, department)

    def _hold(self, planned: _Planned, code: str, message: StrOrPromise) -> None:
        planned.outcome = RowOutcome.REVIEW
        planned.problems.append(_problem(planned.row_number, code, message))

    def _by_identifier(self, planned: _Planned) -> _PersonRef | None:
        """The person the row's employee number or e-mail finds; holds a row whose
        identifiers (number, e-mail, name) point at different people."""
        values = planned.values
        by_number = self.people.by_number.get(values.employee_number or "")
        by_email = self.people.by_email.get(values.email or "")
        found = by_number or by_email
        if found is None:
            return None
        conflict: StrOrPromise | None = None
        if by_number is not None and by_email is not None and by_email is not by_number:
            conflict = _("The employee number and the email address belong to two people.")
        elif (
            by_number is None
            and values.employee_number
            and found.employee_number
            and found.employee_number != values.employee_number
        ):
            conflict = lazy_format(
                _(
                    "The email address belongs to a person with another employee number "
                    "(%(number)s)."
                ),
                number=found.employee_number,
            )
        elif not self.people.fits(found, values):
            conflict = lazy_format(
                _("Employee number %(number)s belongs to “%(person)s”, not to “%(name)s”.")
                if by_number is not None
                else _("The email address belongs to “%(person)s”, not to “%(name)s”."),
                number=values.employee_number,
                person=found.shown,
                name=values.full_name,
            )
        if conflict is not None:
            self._hold(planned, "conflicting_identity", conflict)
            return None
        planned.match = "employee_number" if by_number is not None else "email"
        return found

    def _by_name_or_new(self, planned: _Planned, department: Department) -> None:
        values = planned.values
        candidates = [
            ref
            for ref in self.people.named(department.pk, values)
            # Another e-mail address or number on record: someone else of that name.
            if not (values.employee_number and ref.employee_number)
            and not (values.email and ref.email)
        ]
        if len(candidates) > 1:
            self._hold(
                planned,
                "ambiguous_person",
                lazy_format(
                    _(
                        "%(count)s people at %(department)s are called %(name)s, and the "
                        "row has no email address or employee number to tell them apart."
                    ),
                    count=len(candidates),
                    department=department.code,
                    name=values.full_name,
                ),
            )
            return
        if candidates:
            planned.person, planned.match = candidates[0], "name"
            return
        parts = _new_person_name(values)
        if parts is None:
            self._hold(
                planned,
                "no_name",
                _("No person matches this row, and it has no first and last name to add one."),
            )
            return
        person = Person(
            employee_number=values.employee_number,
            first_name=parts.first_name[:100],
            particle=parts.particle[:30],
            last_name=parts.last_name[:150],
            email=values.email,
            department=department,
        )
        ref = _PersonRef(
            None, values.employee_number, values.email, name_key(*parts), department.pk, person,
            shown=person.full_name,
        )  # fmt: skip
        self.people.add(ref, parts)
        planned.person, planned.match = ref, "new"

    # the whole file ---------------------------------------------------------------

    def run(
        self, rows: Iterable[tuple[int, _Values, dict[str, str], list[dict[str, Any]]]]
    ) -> bool:
        """Plan (and when writing, apply) the rows after the first `skip`, chunk by chunk.

        Returns False when `should_stop` said so before a chunk: the chunks before it are
        committed (each with its checkpoint), the rest is left for the next run.
        """
        self.preload_completions()
        chunk: list[_Planned] = []
        for index, (number, values, raw, problems) in enumerate(rows):
            if index < self.skip:
                continue
            planned = _Planned(number, values, raw, list(problems))
            if problems:
                planned.outcome = RowOutcome.REJECTED
            chunk.append(planned)
            if len(chunk) >= CHUNK_SIZE:
                if not self._chunk(chunk):
                    return False
                chunk = []
        return self._chunk(chunk) if chunk else True

    def _chunk(self, chunk: list[_Planned]) -> bool:
        if self.should_stop is not None and self.should_stop():
            return False
        if not self.write:
            self.plan(chunk)
            self._count(chunk)
            return True
        with transaction.atomic():
            self.plan(chunk)
            self._count(chunk)
            self._write_rows(chunk)
            # The checkpoint, committed with the rows: a later run skips them.
            ImportBatch.objects.filter(pk=self.batch.pk).update(
                status=ImportStatus.APPLYING,
                rows_done=self.skip + self.counts["total"],
                apply_started_at=Coalesce("apply_started_at", Now()),
            )
        return True

    def _count(self, chunk: list[_Planned]) -> None:
        for planned in chunk:
            self.counts["total"] += 1
            self.counts[planned.outcome] += 1
            self.problems.extend(planned.problems)

    def plan(self, chunk: list[_Planned]) -> None:
        """Match and (when writing) apply the rows of one chunk; sets each outcome."""
        new_people: list[tuple[_PersonRef, Person]] = []
        for planned in chunk:
            if planned.outcome:
                continue
            self.match_person(planned)
            if planned.outcome:
                continue
            if planned.person is None:
                continue
            if planned.person.pk is None and planned.person.new is not None:
                new_people.append((planned.person, planned.person.new))
                planned.person.new = None  # created once, even if matched again
            session = self.sessions.resolve(planned.values)
            if isinstance(session, _SessionRef):
                planned.session = session
            else:
                planned.outcome = RowOutcome.REJECTED
                planned.problems.append(_problem(planned.row_number, "no_session", session))
        if self.write:
            self._write_people(new_people)
            self.sessions.save_new()
        self._completions(chunk)
        self._evaluations(chunk)

    def _write_people(self, new_people: list[tuple[_PersonRef, Person]]) -> None:
        """Create the chunk's new people and give their refs the keys (a new person may
        have neither e-mail nor number: the ref itself is the link)."""
        if not new_people:
            return
        bulk_create_with_history(
            [person for _, person in new_people],
            Person,
            batch_size=1000,
            default_user=self.history_user,
        )
        for ref, person in new_people:
            ref.pk = person.pk

    def _pair(self, planned: _Planned) -> tuple[int, int] | None:
        """(person, session) keys; in a dry run new ones get negative stand-in keys."""
        person, session = planned.person, planned.session
        if person is None or session is None:
            return None
        return (
            person.pk if person.pk is not None else -id(person),
            session.pk if session.pk is not None else -id(session),
        )

    def preload_completions(self) -> None:
        """Load the supplier's completions once, instead of one lookup per chunk.

        Used for whole files: one query however many chunks the file has.
        """
        self.known_status = {}
        rows = TrainingCompletion.objects.filter(session__supplier=self.batch.supplier_id)
        for pk, person_id, session_id, status in rows.values_list(
            "pk", "person_id", "session_id", "status"
        ).iterator(chunk_size=20000):
            self.known_status[(person_id, session_id)] = status
            self.completion_ids[(person_id, session_id)] = pk

    def _existing_completions(self, live: list[_Planned]) -> dict[tuple[int, int], str]:
        if self.known_status is not None:
            return self.known_status
        existing: dict[tuple[int, int], str] = {}
        pairs = {pair for p in live if (pair := self._pair(p)) is not None}
        known = [pair for pair in pairs if pair[0] > 0 and pair[1] > 0]
        if known:
            people = {person for person, _ in known}
            sessions = {session for _, session in known}
            for pk, person_id, session_id, status in TrainingCompletion.objects.filter(
                person_id__in=people, session_id__in=sessions
            ).values_list("pk", "person_id", "session_id", "status"):
                existing[(person_id, session_id)] = status
                self.completion_ids[(person_id, session_id)] = pk
        return existing

    def _completions(self, chunk: list[_Planned]) -> None:
        live = [p for p in chunk if not p.outcome]
        existing = self._existing_completions(live)
        to_create: dict[tuple[int, int], str] = {}
        to_update: dict[int, str] = {}
        for planned in live:
            pair = self._pair(planned)
            if planned.values.attendance is None or pair is None:
                continue
            status = _STATUS[planned.values.attendance]
            before = self.seen.get(pair, existing.get(pair))
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
                elif pair in self.completion_ids:
                    to_update[self.completion_ids[pair]] = status
        if not self.write:
            return
        if to_create:
            self.completion_ids.update(self._create_completions(to_create))
        if to_update:
            now = timezone.now()
            # The history needs whole rows: read them back in one query.
            changed = list(TrainingCompletion.objects.filter(pk__in=to_update))
            for completion in changed:
                completion.status = to_update[completion.pk]
                completion.import_batch_id = self.batch.pk
                completion.updated_at = now
            bulk_update_with_history(
                changed,
                TrainingCompletion,
                ["status", "import_batch", "updated_at"],
                batch_size=1000,
                default_user=self.history_user,
            )
        for planned in live:
            pair = self._pair(planned)
            if pair is not None:
                planned.completion_id = self.completion_ids.get(pair)

    def _create_completions(
        self, statuses: dict[tuple[int, int], str]
    ) -> dict[tuple[int, int], int]:
        """Insert new completions with their history rows (COPY on PostgreSQL); their pks."""
        batch_id = self.batch.pk
        if not _copy_available():
            created = bulk_create_with_history(
                [
                    TrainingCompletion(
                        person_id=person_id,
                        session_id=session_id,
                        status=status,
                        import_batch_id=batch_id,
                    )
                    for (person_id, session_id), status in statuses.items()
                ],
                TrainingCompletion,
                batch_size=1000,
                default_user=self.history_user,
            )
            return {(c.person_id, c.session_id): c.pk for c in created}
        table = TrainingCompletion._meta.db_table
        history_table = TrainingCompletion.history.model._meta.db_table
        now = timezone.now()
        user = self.history_user
        user_id = user.pk if user is not None and user.is_authenticated else None
        ids = dict(zip(statuses, _next_ids(table, len(statuses)), strict=True))
        completions = [(ids[pair], pair[0], pair[1], status) for pair, status in statuses.items()]
        _copy_into(
            table,
            [
                "id",
                "person_id",
                "session_id",
                "status",
                "created_at",
                "updated_at",
                "import_batch_id",
            ],
            (
                (pk, person, session, status, now, now, batch_id)
                for pk, person, session, status in completions
            ),
        )
        _copy_into(
            history_table,
            [
                "id",
                "person_id",
                "session_id",
                "status",
                "created_at",
                "updated_at",
                "import_batch_id",
                "history_date",
                "history_type",
                "history_user_id",
            ],
            (
                (pk, person, session, status, now, now, batch_id, now, "+", user_id)
                for pk, person, session, status in completions
            ),
        )
        return ids

    def _evaluations(self, chunk: list[_Planned]) -> None:
        scored = [
            p
            for p in chunk
            if p.values.score is not None
            and p.outcome in (RowOutcome.NEW, RowOutcome.UNCHANGED, RowOutcome.UPDATED)
        ]
        pairs = {pair: p for p in scored if (pair := self._pair(p)) is not None}
        if not pairs:
            return
        existing = {
            (e.person_id, e.session_id): e
            for e in Evaluation.objects.filter(
                person_id__in={person for person, _ in pairs},
                session_id__in={session for _, session in pairs},
            ).only("pk", "person_id", "session_id", "score", "scale")
        }
        scale = self.batch.score_scale or 10
        to_create: list[Evaluation] = []
        to_update: list[Evaluation] = []
        for pair, planned in pairs.items():
            score = planned.values.score or Decimal(0)
            evaluation = existing.get(pair)
            if evaluation is None:
                to_create.append(
                    Evaluation(person_id=pair[0], session_id=pair[1], score=score, scale=scale)
                )
                if planned.outcome == RowOutcome.UNCHANGED:
                    planned.outcome = RowOutcome.UPDATED
            elif evaluation.score != score:
                evaluation.score = score
                evaluation.scale = max(evaluation.scale, scale)
                to_update.append(evaluation)
                if planned.outcome == RowOutcome.UNCHANGED:
                    planned.outcome = RowOutcome.UPDATED
            if evaluation is not None:
                self.evaluation_ids.append(evaluation.pk)
        if self.write:
            created = Evaluation.objects.bulk_create(to_create, batch_size=1000)
            self.evaluation_ids.extend(e.pk for e in created)
            Evaluation.objects.bulk_update(to_update, ["score", "scale"], batch_size=1000)

    def finish_scale(self, scale: int | None) -> None:
        """Set the file's score scale (known only at the end) on its evaluations."""
        if self.write and scale and self.evaluation_ids:
            Evaluation.objects.filter(pk__in=self.evaluation_ids).exclude(scale=scale).filter(
                score__lte=scale
            ).update(scale=scale)

    def _write_rows(self, chunk: list[_Planned]) -> None:
        if _copy_available():
            self._copy_rows(chunk)
            return
        rows = []
        for planned in chunk:
            held = planned.outcome in (RowOutcome.REVIEW, RowOutcome.REJECTED)
            person = planned.person
            rows.append(
                ImportRow(
                    batch_id=self.batch.pk,
                    row_number=planned.row_number,
                    outcome=planned.outcome,
                    raw=planned.raw if held else {},
                    data=_row_data(planned, held=held),
                    problems=planned.problems,
                    person_id=person.pk if person is not None else None,
                    completion_id=planned.completion_id,
                )
            )
        ImportRow.objects.bulk_create(rows, batch_size=2000)

    def _copy_rows(self, chunk: list[_Planned]) -> None:
        """The same rows as `_write_rows`, written with COPY (no model instances)."""
        batch_id = self.batch.pk
        held_outcomes = (RowOutcome.REVIEW, RowOutcome.REJECTED)

        def rows() -> Iterator[tuple[Any, ...]]:
            for planned in chunk:
                held = planned.outcome in held_outcomes
                person = planned.person
                yield (
                    batch_id,
                    planned.row_number,
                    planned.outcome,
                    _json(planned.raw) if held else "{}",
                    _json(_row_data(planned, held=held)),
                    _json(planned.problems) if planned.problems else "[]",
                    person.pk if person is not None else None,
                    planned.completion_id,
                    "",
                )

        _copy_into(
            ImportRow._meta.db_table,
            [
                "batch_id",
                "row_number",
                "outcome",
                "raw",
                "data",
                "problems",
                "person_id",
                "completion_id",
                "resolution",
            ],
            rows(),
        )


def _row_data(planned: _Planned, *, held: bool) -> dict[str, Any]:
    """What ImportRow.data keeps: a held row's values (for correcting it), an applied
    row's match: how its person was found and whether its session is new."""
    if held:
        return planned.values.as_json()
    return {"match": planned.match_json()}


# --- reading the file ----------------------------------------------------------------


_ParsedRow = tuple[int, _Values, dict[str, str], list[dict[str, Any]]]


def _parsed_rows(
    batch: ImportBatch,
    file_problems: list[dict[str, Any]],
    scale_out: list[int | None],
    skipped_out: list[int],
) -> Iterator[_ParsedRow]:
    profile = batch.profile.mapping if batch.profile is not None else None
    with batch.file.open("rb") as stream:
        parsed = parse_attendance_file(
            stream,
            filename=batch.file_name,
            sheet=batch.sheet or None,
            profile=profile,
            max_bytes=max_upload_bytes(),
            score_scale=batch.score_scale,
        )
        if not parsed.file_problems:
            for row in parsed.rows():
                yield (
                    row.row_number,
                    _Values.from_row(row),
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
        batch.profile = _saved_profile(batch.supplier_id, signature)
    batch.save(update_fields=["profile", "column_guesses"])
    return batch.profile


def _saved_profile(supplier_id: int, signature: str) -> ImportProfile | None:
    return (
        ImportProfile.objects.filter(supplier_id=supplier_id, signature=signature)
        .order_by("-pk")
        .first()
    )


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
    profile = _saved_profile(supplier.pk, signature)
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
        file_problems.insert(0, _problem(0, "already_imported", duplicate) | {"row": None})
    batch.counts = importer.counts if not file_problems or duplicate else {}
    batch.problems = file_problems + importer.problems
    batch.score_scale = scale
    batch.status = ImportStatus.PREVIEWED
    batch.rows_done = 0  # the apply's checkpoint from here on
    batch.save(
        update_fields=[
            "counts", "problems", "skipped_rows", "column_guesses", "score_scale", "status",
            "rows_done",
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
    batch.counts, batch.problems, batch.skipped_rows = {}, [], []
    batch.rows_done = 0
    batch.error = ""
    batch.save(
        update_fields=[
            "status", "preview_started_at", "counts", "problems", "skipped_rows", "rows_done",
            "error",
        ]
    )  # fmt: skip
    transaction.on_commit(lambda: attendance_import_preview_enqueue(batch=batch))
    return batch


def attendance_import_preview_enqueue(*, batch: ImportBatch) -> bool:
    """Send a batch to the worker for its preview. When the task queue (Redis) cannot be
    reached, the batch is back to "uploaded" with a message and a button to try again."""
    from trainings.tasks import preview_attendance_import

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


def file_problems_of(batch: ImportBatch) -> list[dict[str, Any]]:
    return [p for p in batch.problems if p.get("row") is None]


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
    from trainings.tasks import apply_attendance_import

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
    before anything is committed. False when refused (the batch says why) or stopped.
    """
    if batch.hold_invalid and batch.score_scale is not None:
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


def _import_refuse(
    batch: ImportBatch, *, counts: dict[str, int], problems: list[dict[str, Any]]
) -> ImportBatch:
    batch.counts = counts
    batch.problems = problems
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
    batch.save(update_fields=["status"])
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
    row: ImportRow, values: _Values, *, person: Person | None, user: Any, resolution: str
) -> ImportRow:
    batch = row.batch
    batch.score_scale = batch.score_scale or 10
    importer = _Importer(
        batch=batch,
        write=True,
        person_override={row.row_number: person.pk} if person is not None else None,
    )
    importer.history_user = user
    planned = _Planned(row.row_number, values, row.raw)
    if values.attendance is None:
        planned.outcome = RowOutcome.REJECTED
        planned.problems.append(
            _problem(row.row_number, "no_attendance", _("The attendance is missing."))
        )
    with transaction.atomic():
        importer.plan([planned])
        if planned.outcome in (RowOutcome.REVIEW, RowOutcome.REJECTED):
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
    values = _Values.from_json(row.data)
    return _resolve_row(row, values, person=person, user=user, resolution=RowResolution.MATCHED)


def import_row_correct(*, row: ImportRow, values: dict[str, Any], user: Any) -> ImportRow:
    """Apply a held row with corrected values; matching runs again as for a file."""
    _check_pending(row)
    merged = {**row.data, **values}
    if ("first_name" in values or "last_name" in values) and "full_name" not in values:
        merged["full_name"] = None  # made again from the corrected parts
    return _resolve_row(
        row, _Values.from_json(merged), person=None, user=user, resolution=RowResolution.CORRECTED
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
    if row.outcome not in (RowOutcome.REVIEW, RowOutcome.REJECTED):
        raise ImportNotAllowed(_("This row was imported; there is nothing to resolve."))


def review_queue(*, batch: ImportBatch | None = None) -> Any:
    rows = ImportRow.objects.pending_review().select_related("batch", "batch__supplier")
    if batch is not None:
        rows = rows.filter(batch=batch)
    return rows


def completions_of(batch: ImportBatch) -> Any:
    return TrainingCompletion.objects.filter(import_batch=batch)


def people_matching(text: str) -> Any:
    return Person.objects.search(text).select_related("department")[:20] if text else []


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
