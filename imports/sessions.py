"""A supplier's schedule of upcoming sessions, read with the import's readers.

The "sessions" profile: the same file formats, safety checks and header normalisation
as the attendance import (imports.reading), with fields of their own: the date, start
and end time, place or online link, programme, capacity, the supplier's session id and,
for a ministry's own session, the ministry. A profile (`ImportProfile.mapping`, with the
values of `SessionField`) maps a supplier's own headers and wins from the aliases.

Each row becomes a session of the supplier: found again by the supplier's session id
when the file has one, else by date, start time and place, so importing the same file
twice changes nothing. Rows of one file that describe the same session are all problems
(never merged, the last row does not win). A row with problems is reported with each of
them and its row number and writes nothing; a file with any problem row writes nothing
unless `hold_invalid` is given.
"""

from __future__ import annotations

import dataclasses
import datetime
import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from functools import partial
from pathlib import Path
from typing import IO, BinaryIO, TypeVar

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
from training_monitor.spreadsheets import FORMULA_TRIGGERS
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
# 9:30, 09.30, 9u30, 9:30:00, 9.30 uur; also 930 or 0930 (hours and minutes, as in a
# timetable). A bare hour ("9") is refused: it could as well be a capacity or a typo.
_TIME = re.compile(r"^(\d{1,2})(?:[:.u](\d{2})(?::\d{2})?|(\d{2}))(?:\s*uur)?$")
# A time exported from Excel as its number: a fraction of a day (0.3958 is 9:30).
_DAY_FRACTION = re.compile(r"^0?[.,]\d+$")
# A text cell that a spreadsheet would run as a formula (training_monitor.spreadsheets):
# refused rather than stored, as no place, link, programme or id starts this way.
_FORMULA_START = tuple(trigger for trigger in FORMULA_TRIGGERS if trigger.strip())
_LINK = re.compile(r"^https?://[^\s/]+\.[^\s]+$", re.IGNORECASE)
_T = TypeVar("_T")
_TEXT_FIELDS = (
    SessionField.PLACE,
    SessionField.ONLINE_LINK,
    SessionField.PROGRAMME,
    SessionField.SESSION_ID,
)


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
    # Empty: the programme's latest version (a schedule names no version).
    programme_version: str = ""


@dataclass(frozen=True)
class RowProblem:
    row_number: int
    message: str
    # The field the problem is about, when it is one field's (the API's invalid-params).
    field: str = ""


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


def _time_from_fraction(fraction: float, value: object) -> datetime.time:
    if not 0 <= fraction < 1:
        raise ValueProblem("invalid_time", _("“%(value)s” is not a time.") % {"value": value})
    minutes = round(fraction * 24 * 60)
    if minutes == 24 * 60:
        minutes -= 1
    return datetime.time(minutes // 60, minutes % 60)


def parse_time(value: object) -> datetime.time | None:
    """A time such as 9:30, 09.30, 9u30, 930 or an Excel time (also its day fraction,
    0.3958 is 9:30); empty is no time."""
    if is_blank(value):
        return None
    if isinstance(value, datetime.datetime):
        return value.time().replace(second=0, microsecond=0)
    if isinstance(value, datetime.time):
        return value.replace(second=0, microsecond=0)
    if isinstance(value, datetime.timedelta):
        return _time_from_fraction(value / datetime.timedelta(days=1), value)
    if isinstance(value, float) and not value.is_integer():
        return _time_from_fraction(value, value)
    text = cell_text(value).strip().lower()
    if _DAY_FRACTION.match(text):
        return _time_from_fraction(float(text.replace(",", ".")), value)
    match = _TIME.match(text)
    if match is None or int(match[1]) > 23 or int(match[2] or match[3]) > 59:
        raise ValueProblem("invalid_time", _("“%(value)s” is not a time.") % {"value": value})
    return datetime.time(int(match[1]), int(match[2] or match[3]))


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
    if int(text) == 0:
        raise ValueProblem("invalid_capacity", _("A session needs at least 1 place."))
    return int(text)


def _text(value: object, name: SessionField) -> str:
    text = cell_text(value).strip()
    if text.startswith(_FORMULA_START):
        raise ValueProblem(
            "formula",
            _("“%(value)s” looks like a spreadsheet formula; write the text itself.")
            % {"value": text},
        )
    if name == SessionField.ONLINE_LINK and text and not _LINK.match(text):
        raise ValueProblem(
            "invalid_link",
            _("“%(value)s” is not a web address (https://…).") % {"value": text},
        )
    return text


class _Cells:
    """One row's cells by field; `read` keeps every problem instead of stopping."""

    def __init__(self, cells: Sequence[object], columns: Mapping[SessionField, int]) -> None:
        self.cells, self.columns = cells, columns
        self.problems: list[tuple[str, str]] = []  # (field, message)

    def raw(self, name: SessionField) -> object:
        index = self.columns.get(name)
        return self.cells[index] if index is not None and index < len(self.cells) else None

    def read(self, name: SessionField, parse: Callable[[object], _T], blank: _T) -> _T:
        try:
            return parse(self.raw(name))
        except ValueProblem as problem:
            self.problems.append((name.value, str(problem.message)))
            return blank


def _department(text: str, departments: DepartmentIndex) -> Department | None:
    department = departments.resolve(text) if text else None
    if text and department is None:
        raise ValueProblem(
            "unknown_department", _("“%(value)s” is not a known ministry.") % {"value": text}
        )
    return department


def _row(
    number: int,
    cells: Sequence[object],
    columns: Mapping[SessionField, int],
    departments: DepartmentIndex,
    *,
    allow_past: bool = False,
) -> PlannedSession | list[RowProblem] | None:
    """The row's session, or every problem of the row (None for an empty row).
    `allow_past`: a past session is no problem (the API records past sessions too)."""
    if all(is_blank(value) for value in cells):
        return None
    row = _Cells(cells, columns)
    date = row.read(SessionField.DATE, parse_date, None)
    if date is not None and date < timezone.localdate() and not allow_past:
        row.problems.append((SessionField.DATE.value, _("This session lies in the past.")))
    starts_at = row.read(SessionField.START, parse_time, None)
    ends_at = row.read(SessionField.END, parse_time, None)
    if starts_at and ends_at and ends_at <= starts_at:
        row.problems.append((SessionField.END.value, _("The session ends before it starts.")))
    texts = {name: row.read(name, partial(_text, name=name), "") for name in _TEXT_FIELDS}
    if not texts[SessionField.PLACE] and not texts[SessionField.ONLINE_LINK]:
        row.problems.append(
            (
                SessionField.PLACE.value,
                _("The session has neither a place nor an online link."),
            )
        )
    capacity = row.read(SessionField.CAPACITY, _capacity, None)
    department = row.read(
        SessionField.DEPARTMENT,
        lambda value: _department(cell_text(value).strip(), departments),
        None,
    )
    if row.problems or date is None:
        return [RowProblem(number, message, field) for field, message in row.problems]
    return PlannedSession(
        row_number=number,
        date=date,
        starts_at=starts_at,
        ends_at=ends_at,
        place=texts[SessionField.PLACE],
        online_link=texts[SessionField.ONLINE_LINK],
        programme=texts[SessionField.PROGRAMME],
        capacity=capacity,
        external_id=texts[SessionField.SESSION_ID],
        department=department,
    )


def _session_key(row: PlannedSession) -> tuple[object, ...]:
    """What finds a session again (see `_existing`): its id, else date, time and place."""
    if row.external_id:
        return ("id", row.external_id)
    return ("slot", row.date, row.starts_at, row.place)


def _duplicates(planned: list[PlannedSession]) -> list[RowProblem]:
    """Rows that describe the same session: each is a problem naming the others.

    Merging them would let the last row win silently, and a second import of the same
    file would report changes; so none of them is written.
    """
    groups: dict[tuple[object, ...], list[int]] = {}
    for row in planned:
        groups.setdefault(_session_key(row), []).append(row.row_number)
    problems: list[RowProblem] = []
    for numbers in groups.values():
        for number in numbers if len(numbers) > 1 else ():
            others = ", ".join(str(other) for other in numbers if other != number)
            message = _(
                "This row describes the same session as row %(rows)s; "
                "neither is imported. Keep one of them."
            )
            problems.append(RowProblem(number, message % {"rows": others}))
    return problems


def read_schedule(
    source: BinaryIO | Path,
    *,
    filename: str,
    profile: Mapping[str, str] | None = None,
    sheet: str | None = None,
    max_bytes: int = DEFAULT_MAX_BYTES,
) -> tuple[list[PlannedSession], list[RowProblem]]:
    """Read the schedule's rows (nothing is written); raises FileRejected for the file.

    Every problem of a row is reported; rows that describe the same session (the same
    supplier id, or without ids the same date, start time and place) are all problems.
    """
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
                problems += result
    finally:
        if owned:
            stream.close()
    duplicates = _duplicates(planned)
    held = {problem.row_number for problem in duplicates}
    planned = [row for row in planned if row.row_number not in held]
    return planned, sorted(problems + duplicates, key=lambda problem: problem.row_number)


def _programme(
    supplier: Supplier,
    name: str,
    cache: dict[tuple[str, str], TrainingProgramme],
    version: str = "",
) -> TrainingProgramme:
    """The supplier's programme of that name: of that version when one is given (made if
    new), else its latest version."""
    key = name or "Workshop"
    if (key, version) not in cache:
        programmes = TrainingProgramme.objects.filter(supplier=supplier, name__iexact=key)
        if version:
            programmes = programmes.filter(version=version)
        found = programmes.order_by("-version").first()
        cache[key, version] = found or TrainingProgramme.objects.create(
            supplier=supplier, name=key, version=version
        )
    return cache[key, version]


def _existing(supplier: Supplier, row: PlannedSession) -> TrainingSession | None:
    sessions = TrainingSession.objects.filter(supplier=supplier, entered_by_hand=False)
    if row.external_id:
        return sessions.filter(external_id=row.external_id).first()
    return sessions.filter(
        external_id="", date=row.date, starts_at=row.starts_at, place=row.place
    ).first()


def _write(
    supplier: Supplier, row: PlannedSession, programmes: dict[tuple[str, str], TrainingProgramme]
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
        "programme": _programme(supplier, row.programme, programmes, row.programme_version),
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
    result = SessionsImportResult(problems=problems)
    writes = not dry_run and not (problems and not hold_invalid)
    programmes: dict[tuple[str, str], TrainingProgramme] = {}
    with transaction.atomic():
        for row in planned:
            outcome = _write(supplier, row, programmes)
            setattr(result, outcome, getattr(result, outcome) + 1)
        # A dry run (or a refused file) counts what would change, then writes nothing.
        transaction.set_rollback(not writes)
    result.written = writes
    return result


@dataclass
class SessionPut:
    """What session_put did: "created", "updated" or "unchanged", and the session; or
    the problems that stopped it (nothing written)."""

    outcome: str = ""
    session: TrainingSession | None = None
    problems: list[RowProblem] = field(default_factory=list)


def session_put(
    *,
    supplier: Supplier,
    external_id: str,
    values: Mapping[SessionField, object],
    programme_version: str = "",
) -> SessionPut:
    """Create or update one session by the supplier's own id (PUT /api/v1/sessions/{id}).

    The values go through the schedule import's own rules and messages (`_row`); unlike a
    schedule, a past session may be written too: the API also records sessions that were
    held. Writing the same values twice changes nothing.
    """
    cells = [values.get(name) for name in SessionField]
    columns = {name: index for index, name in enumerate(SessionField)}
    cells[columns[SessionField.SESSION_ID]] = external_id
    result = _row(1, cells, columns, DepartmentIndex.load(), allow_past=True)
    if not isinstance(result, PlannedSession):
        return SessionPut(problems=result or [])
    planned = dataclasses.replace(result, programme_version=programme_version)
    with transaction.atomic():
        outcome = _write(supplier, planned, {})
    session = TrainingSession.objects.select_related("programme", "department").get(
        supplier=supplier, external_id=external_id, entered_by_hand=False
    )
    return SessionPut(outcome=outcome, session=session)
