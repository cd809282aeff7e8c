"""A supplier's schedule of upcoming sessions, read with the import's readers.

The "sessions" profile: the same file formats, safety checks and header normalisation
as the attendance import (imports.reading), with fields of their own: the date, start
and end time, place or online link, programme, capacity, the supplier's session id and,
for a ministry's own session, the ministry. A profile (`ImportProfile.mapping`, with the
values of `SessionField`) maps a supplier's own headers and wins from the aliases.

Each row becomes a session of the supplier: found again by the supplier's session id
when the file has one, else by date, start time and place, so importing the same file
twice changes nothing. A row with a problem is reported with its row number and writes
nothing; a file with any problem row writes nothing unless `hold_invalid` is given.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import IO, BinaryIO

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from departments.matching import DepartmentIndex
from departments.models import Department
from departments.touched import figures_touched
from imports.reading.fields import normalise_header
from imports.reading.parsing import FORMATS
from imports.reading.safety import DEFAULT_MAX_BYTES, FileRejected, check_signature, open_upload
from imports.reading.sources import HEADER_SEARCH_ROWS, open_calamine, open_csv, open_xlsx
from imports.reading.values import ValueProblem, cell_text, is_blank, parse_date
from imports.reading.xlsx import Row
from trainings.models import Supplier, TrainingProgramme, TrainingSession


class SessionField(StrEnum):
    DATE = "session_date"
    START = "start_time"
    END = "end_time"
    PLACE = "session_place"
    ONLINE_LINK = "online_link"
    PROGRAMME = "programme"
    CAPACITY = "capacity"
    SESSION_ID = "session_id"
    DEPARTMENT = "department"


# Headers a schedule may use (compared after imports.reading.fields.normalise_header).
SESSION_ALIASES: dict[str, SessionField] = {
    **dict.fromkeys(["datum", "date", "sessiedatum", "datum sessie", "dag"], SessionField.DATE),
    **dict.fromkeys(
        ["begintijd", "starttijd", "aanvang", "van", "start", "start time", "tijd"],
        SessionField.START,
    ),
    **dict.fromkeys(["eindtijd", "einde", "tot", "end", "end time"], SessionField.END),
    **dict.fromkeys(["plaats", "locatie", "place", "location", "adres"], SessionField.PLACE),
    **dict.fromkeys(
        ["link", "online link", "teams link", "weblink", "url", "deelnamelink"],
        SessionField.ONLINE_LINK,
    ),
    **dict.fromkeys(
        ["programma", "training", "workshop", "programme", "program"], SessionField.PROGRAMME
    ),
    **dict.fromkeys(
        ["capaciteit", "plaatsen", "aantal plaatsen", "max deelnemers", "capacity", "places"],
        SessionField.CAPACITY,
    ),
    **dict.fromkeys(
        ["sessie id", "evenement id", "session id", "event id", "code"], SessionField.SESSION_ID
    ),
    **dict.fromkeys(
        ["ministerie", "departement", "eigen sessie van", "department", "ministry"],
        SessionField.DEPARTMENT,
    ),
}
_NORMALISED = {normalise_header(header): name for header, name in SESSION_ALIASES.items()}
REQUIRED = (SessionField.DATE,)
_TIME = re.compile(r"^(\d{1,2})[:.u](\d{2})(?::\d{2})?$")


@dataclass(frozen=True)
class PlannedSession:
    row_number: int
    date: datetime.date
    starts_at: datetime.time | None
    ends_at: datetime.time | None
    place: str
    online_link: str
    programme: str
    capacity: int | None
    external_id: str
    department: Department | None


@dataclass(frozen=True)
class RowProblem:
    row_number: int
    message: str


@dataclass
class SessionsImportResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    written: bool = False
    problems: list[RowProblem] = field(default_factory=list)


def _field_lookup(profile: Mapping[str, str] | None) -> dict[str, SessionField | None]:
    lookup: dict[str, SessionField | None] = dict(_NORMALISED)
    for header, name in (profile or {}).items():
        lookup[normalise_header(header)] = SessionField(name) if name else None
    return lookup


def _open_rows(stream: IO[bytes], extension: str, sheet: str | None) -> Iterator[Row]:
    check_signature(stream.read(8), extension)
    stream.seek(0)
    if FORMATS.get(extension) == "csv":
        return open_csv(stream, lambda text: normalise_header(text) in _NORMALISED).rows
    if extension == ".xlsx":
        return open_xlsx(stream, sheet).rows
    return open_calamine(stream, extension, sheet).rows


def _header(
    rows: Iterator[Row], lookup: Mapping[str, SessionField | None]
) -> dict[SessionField, int]:
    """The columns of the first row (among the first few) that names the date."""
    for _number, cells in (next(rows, (0, ())) for _row_index in range(HEADER_SEARCH_ROWS)):
        columns: dict[SessionField, int] = {}
        for index, cell in enumerate(cells):
            found = lookup.get(normalise_header(cell_text(cell)))
            if found is not None and found not in columns:
                columns[found] = index
        if all(required in columns for required in REQUIRED):
            return columns
    raise FileRejected("no_header", _("No column with the date of the session was found."))


def parse_time(value: object) -> datetime.time | None:
    """A time such as 9:30, 09.30, 13u00 or an Excel time; empty is no time."""
    if is_blank(value):
        return None
    if isinstance(value, datetime.datetime):
        return value.time().replace(second=0, microsecond=0)
    if isinstance(value, datetime.time):
        return value.replace(second=0, microsecond=0)
    match = _TIME.match(cell_text(value).strip().lower())
    if match is None or int(match[1]) > 23 or int(match[2]) > 59:
        raise ValueProblem("invalid_time", _("“%(value)s” is not a time.") % {"value": value})
    return datetime.time(int(match[1]), int(match[2]))


def _capacity(value: object) -> int | None:
    if is_blank(value):
        return None
    text = cell_text(value).strip()
    if text.endswith(".0"):
        text = text[:-2]
    if not text.isdigit():
        raise ValueProblem(
            "invalid_capacity", _("“%(value)s” is not a number of places.") % {"value": value}
        )
    return int(text)


def _row(
    number: int,
    cells: Sequence[object],
    columns: Mapping[SessionField, int],
    departments: DepartmentIndex,
) -> PlannedSession | RowProblem | None:
    def cell(name: SessionField) -> object:
        index = columns.get(name)
        return cells[index] if index is not None and index < len(cells) else None

    if all(is_blank(value) for value in cells):
        return None
    try:
        starts_at, ends_at = (
            parse_time(cell(SessionField.START)),
            parse_time(cell(SessionField.END)),
        )
        if starts_at and ends_at and ends_at <= starts_at:
            raise ValueProblem("invalid_time", _("The session ends before it starts."))
        department_text = cell_text(cell(SessionField.DEPARTMENT)).strip()
        department = departments.resolve(department_text) if department_text else None
        if department_text and department is None:
            raise ValueProblem(
                "unknown_department",
                _("“%(value)s” is not a known ministry.") % {"value": department_text},
            )
        return PlannedSession(
            row_number=number,
            date=parse_date(cell(SessionField.DATE)),
            starts_at=starts_at,
            ends_at=ends_at,
            place=cell_text(cell(SessionField.PLACE)).strip(),
            online_link=cell_text(cell(SessionField.ONLINE_LINK)).strip(),
            programme=cell_text(cell(SessionField.PROGRAMME)).strip(),
            capacity=_capacity(cell(SessionField.CAPACITY)),
            external_id=cell_text(cell(SessionField.SESSION_ID)).strip(),
            department=department,
        )
    except ValueProblem as problem:
        return RowProblem(number, str(problem.message))


def read_schedule(
    source: BinaryIO | Path,
    *,
    filename: str,
    profile: Mapping[str, str] | None = None,
    sheet: str | None = None,
    max_bytes: int = DEFAULT_MAX_BYTES,
) -> tuple[list[PlannedSession], list[RowProblem]]:
    """Read the schedule's rows (nothing is written); raises FileRejected for the file."""
    extension = Path(filename).suffix.lower()
    if extension not in FORMATS:
        raise FileRejected("unsupported_extension", _("Files of this type cannot be imported."))
    stream, owned = open_upload(source, max_bytes)
    try:
        rows = _open_rows(stream, extension, sheet)
        columns = _header(rows, _field_lookup(profile))
        departments = DepartmentIndex.load()
        planned: list[PlannedSession] = []
        problems: list[RowProblem] = []
        for number, cells in rows:
            result = _row(number, cells, columns, departments)
            if isinstance(result, PlannedSession):
                planned.append(result)
            elif result is not None:
                problems.append(result)
        return planned, problems
    finally:
        if owned:
            stream.close()


def _programme(
    supplier: Supplier, name: str, cache: dict[str, TrainingProgramme]
) -> TrainingProgramme:
    key = name or "Workshop"
    if key not in cache:
        found = (
            TrainingProgramme.objects.filter(supplier=supplier, name__iexact=key)
            .order_by("-version")
            .first()
        )
        cache[key] = found or TrainingProgramme.objects.create(supplier=supplier, name=key)
    return cache[key]


def _existing(supplier: Supplier, row: PlannedSession) -> TrainingSession | None:
    sessions = TrainingSession.objects.filter(supplier=supplier, entered_by_hand=False)
    if row.external_id:
        return sessions.filter(external_id=row.external_id).first()
    return sessions.filter(
        external_id="", date=row.date, starts_at=row.starts_at, place=row.place
    ).first()


def _write(
    supplier: Supplier, row: PlannedSession, programmes: dict[str, TrainingProgramme]
) -> str:
    values = {
        "date": row.date,
        "starts_at": row.starts_at,
        "ends_at": row.ends_at,
        "place": row.place,
        "is_online": bool(row.online_link) and not row.place,
        "online_link": row.online_link,
        "capacity": row.capacity,
        "department": row.department,
        "programme": _programme(supplier, row.programme, programmes),
    }
    session = _existing(supplier, row)
    if session is None:
        TrainingSession.objects.create(supplier=supplier, external_id=row.external_id, **values)
        return "created"
    changed = [name for name, value in values.items() if getattr(session, name) != value]
    if not changed:
        return "unchanged"
    earlier = session.date
    for name in changed:
        setattr(session, name, values[name])
    session.save(update_fields=changed)
    if "date" in changed:
        # A moved session moves its places (who is registered when) with it.
        people = list(session.completions.values_list("person", flat=True))
        if people:
            figures_touched(since=min(earlier, session.date), people=people)
    return "updated"


def sessions_import(
    *,
    supplier: Supplier,
    source: BinaryIO | Path,
    filename: str,
    profile: Mapping[str, str] | None = None,
    dry_run: bool = False,
    hold_invalid: bool = False,
) -> SessionsImportResult:
    """Read a supplier's schedule and create or update its sessions (one transaction).

    Upcoming sessions only: a row dated before today is a problem (a schedule does not
    change the past; attendance lists do). Raises FileRejected for an unreadable file.
    """
    planned, problems = read_schedule(source, filename=filename, profile=profile)
    today = timezone.localdate()
    past = [row for row in planned if row.date < today]
    problems += [RowProblem(row.row_number, _("This session lies in the past.")) for row in past]
    planned = [row for row in planned if row.date >= today]
    result = SessionsImportResult(problems=sorted(problems, key=lambda p: p.row_number))
    writes = not dry_run and not (problems and not hold_invalid)
    programmes: dict[str, TrainingProgramme] = {}
    with transaction.atomic():
        for row in planned:
            outcome = _write(supplier, row, programmes)
            setattr(result, outcome, getattr(result, outcome) + 1)
        # A dry run (or a refused file) counts what would change, then writes nothing.
        transaction.set_rollback(not writes)
    result.written = writes
    return result
