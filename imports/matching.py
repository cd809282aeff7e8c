"""Matching a file's rows to people and sessions: pure, over indexes held in memory.

Nothing here queries the database. The indexes are filled once per file from what is
known (imports.selectors loads them) and grow as the file plans new people and sessions,
so a name seen twice in one file is one new person. imports.services plans each row with
these functions; imports.writing writes what they planned.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.utils.translation import gettext_lazy as _

from departments.matching import DepartmentIndex
from departments.models import Department, Person, normalise_email, normalise_employee_number
from departments.names import (
    PARTICLES,
    NameParts,
    display_name,
    fold,
    name_key,
    split_full_name,
    split_particle,
)
from imports.reading import AttendanceRow, Problem
from imports.reading.messages import lazy_format
from imports.reading.values import Attendance
from trainings.models import Supplier, TrainingProgramme, TrainingSession

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

_ONLINE_PLACES = frozenset({"online", "digitaal", "virtueel", "virtual", "teams", "zoom"})

# A person as PeopleIndex is filled: pk, employee number, e-mail, first name, particle,
# last name, department.
PersonRecord = tuple[int, str | None, str | None, str, str, str, int]
# (person, session) keys of a completion.
Pair = tuple[int, int]
# A session as SessionIndex is filled: pk, date, place, online, external id, programme.
SessionRecord = tuple[int, datetime.date, str, bool, str, int]


# --- one row's values --------------------------------------------------------------------


@dataclass
class RowValues:
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
    def from_row(cls, row: AttendanceRow) -> RowValues:
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
    def from_json(cls, data: dict[str, Any]) -> RowValues:
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


def _name_key(text: str | None) -> str:
    return " ".join((text or "").split()).casefold()


def _row_name_key(values: RowValues) -> str:
    """The name key of a row (departments.names.name_key): "Vries, Anna de" is Anna de Vries."""
    if values.first_name and values.last_name:
        # Parts need no reading, which is most of the cost on a large file.
        return name_key(values.first_name, "", values.last_name)
    return name_key(values.full_name or "")


def new_person_name(values: RowValues) -> NameParts | None:
    """First name, particle and last name of a person the file creates, if it has them.

    From the name columns when both are filled ("de Vries" gives its particle to its own
    field), else read from a full-name column ("Vries, Anna de", "Fatima Öztürk").
    """
    if values.first_name and values.last_name:
        return NameParts(values.first_name, *split_particle(values.last_name))
    split = split_full_name(values.full_name or "")
    return split if split and split.first_name and split.last_name else None


# --- people ------------------------------------------------------------------------------


@dataclass
class PersonRef:
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


class PeopleIndex:
    """Everyone known, by employee number, e-mail, name and last name per ministry."""

    def __init__(self, records: Iterable[PersonRecord] = ()) -> None:
        self.by_number: dict[str, PersonRef] = {}
        self.by_email: dict[str, PersonRef] = {}
        self.by_name: dict[tuple[int, str], list[PersonRef]] = defaultdict(list)
        self.by_surname: dict[tuple[int, str], list[PersonRef]] = defaultdict(list)
        for pk, number, email, *name, department_id in records:
            parts = NameParts(*name)
            ref = PersonRef(
                pk, number, email, name_key(*parts), department_id, shown=display_name(*parts)
            )
            self.add(ref, parts)

    def add(self, ref: PersonRef, parts: NameParts) -> None:
        if ref.employee_number:
            self.by_number[ref.employee_number] = ref
        if ref.email:
            self.by_email[ref.email] = ref
        self.by_name[(ref.department_id, ref.name)].append(ref)
        ref.surname, ref.initials = _surname(parts.last_name), _initials(parts.first_name)
        self.by_surname[(ref.department_id, ref.surname)].append(ref)

    def named(self, department_id: int, values: RowValues) -> list[PersonRef]:
        """The people at the ministry the row's name fits: the whole name, or else the
        last name with initials ("A. de Vries", "Bakker, J.")."""
        exact = self.by_name.get((department_id, _row_name_key(values)), [])
        if exact:
            return exact
        parts = new_person_name(values)
        if parts is None or not _only_initials(parts.first_name):
            return []
        initials = _initials(parts.first_name)
        return [
            ref
            for ref in self.by_surname.get((department_id, _surname(parts.last_name)), [])
            if ref.initials.startswith(initials)
        ]

    @staticmethod
    def fits(ref: PersonRef, values: RowValues) -> bool:
        """Whether the row's name (if any) can be this person's: the same name, one of
        them with fewer names ("Anna", "Anna Maria de Vries"), or the last name with
        their initials."""
        key = _row_name_key(values)
        if not key or not ref.name or key == ref.name:
            return True
        words, known = set(key.split()), set(ref.name.split())
        if words <= known or known <= words:
            return True
        parts = new_person_name(values)
        return (
            parts is not None
            and _only_initials(parts.first_name)
            and _surname(parts.last_name) == ref.surname
            and ref.initials.startswith(_initials(parts.first_name))
        )


@dataclass(frozen=True)
class Hold:
    """Why a row cannot be matched: it waits in the review queue with this reason."""

    code: str
    message: StrOrPromise


# How a person was found: "employee_number", "email", "name" or "new".
PersonMatch = tuple[PersonRef, str]


def person_match(
    values: RowValues,
    *,
    people: PeopleIndex,
    departments: DepartmentIndex,
    file_department: Department | None = None,
) -> PersonMatch | Hold:
    """The row's person, or a new one planned (added to `people`), or why neither.

    By employee number, then e-mail; a name the row also gives must fit the person found
    (an initial fits). Then by name within the row's ministry, or the one chosen for the
    whole file; a new person needs a name and a ministry, nothing more.
    """
    found = _by_identifier(values, people)
    if found is not None:
        return found
    department = departments.resolve(values.department)
    if values.department and department is None:
        return Hold("unknown_department", _unknown_department(values.department, departments))
    department = department or file_department
    if department is None:
        return Hold("no_department_no_match", _no_department_message(values))
    return _by_name_or_new(values, department, people)


def _unknown_department(written: str, departments: DepartmentIndex) -> StrOrPromise:
    suggestions = departments.suggest(written)
    if not suggestions:
        return lazy_format(_("“%(value)s” is not a known ministry."), value=written)
    return lazy_format(
        _("“%(value)s” is not a known ministry. Did you mean: %(suggestions)s?"),
        value=written,
        suggestions=", ".join(department.code for department in suggestions),
    )


def _no_department_message(values: RowValues) -> StrOrPromise:
    if values.employee_number or values.email:
        return _(
            "No ministry in the file, and no person has this email address or employee "
            "number. Choose the ministry at upload or add a ministry column."
        )
    return _(
        "No ministry in the file, and no email address or employee number to find the "
        "person by. Choose the ministry at upload or add a ministry column."
    )


def _by_identifier(values: RowValues, people: PeopleIndex) -> PersonMatch | Hold | None:
    """The person the row's employee number or e-mail finds; a hold when the row's
    identifiers (number, e-mail, name) point at different people."""
    by_number = people.by_number.get(values.employee_number or "")
    by_email = people.by_email.get(values.email or "")
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
            _("The email address belongs to a person with another employee number (%(number)s)."),
            number=found.employee_number,
        )
    elif not people.fits(found, values):
        conflict = lazy_format(
            _("Employee number %(number)s belongs to “%(person)s”, not to “%(name)s”.")
            if by_number is not None
            else _("The email address belongs to “%(person)s”, not to “%(name)s”."),
            number=values.employee_number,
            person=found.shown,
            name=values.full_name,
        )
    if conflict is not None:
        return Hold("conflicting_identity", conflict)
    return found, "employee_number" if by_number is not None else "email"


def _by_name_or_new(
    values: RowValues, department: Department, people: PeopleIndex
) -> PersonMatch | Hold:
    candidates = [
        ref
        for ref in people.named(department.pk, values)
        # Another e-mail address or number on record: someone else of that name.
        if not (values.employee_number and ref.employee_number) and not (values.email and ref.email)
    ]
    if len(candidates) > 1:
        return Hold(
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
    if candidates:
        return candidates[0], "name"
    parts = new_person_name(values)
    if parts is None:
        return Hold(
            "no_name",
            _("No person matches this row, and it has no first and last name to add one."),
        )
    person = Person(
        employee_number=values.employee_number,
        first_name=parts.first_name[:100],
        particle=parts.particle[:30],
        last_name=parts.last_name[:150],
        email=values.email,
        department=department,
    )
    ref = PersonRef(
        None, values.employee_number, values.email, name_key(*parts), department.pk, person,
        shown=person.full_name,
    )  # fmt: skip
    people.add(ref, parts)
    return ref, "new"


# --- sessions ----------------------------------------------------------------------------


@dataclass
class SessionRef:
    pk: int | None
    date: datetime.date
    place: str
    programme: str
    external_id: str
    new: TrainingSession | None = None
    # Made by this file (the preview shows "new"), also once it has been saved.
    made: bool = False


class SessionIndex:
    """The supplier's sessions and programmes; new ones are made in memory first."""

    def __init__(
        self,
        supplier: Supplier,
        programmes: dict[int, TrainingProgramme],
        sessions: Iterable[SessionRecord] = (),
    ) -> None:
        """`programmes`: by pk, the supplier's own and any other a session of theirs has."""
        self.supplier = supplier
        self.by_external: dict[str, SessionRef] = {}
        self.by_date: dict[datetime.date, list[SessionRef]] = defaultdict(list)
        self.programmes: dict[str, TrainingProgramme] = {}
        self.default_programme: TrainingProgramme | None = None
        own = [p for p in programmes.values() if p.supplier_id == supplier.pk]
        for programme in own:
            self.programmes.setdefault(_name_key(programme.name), programme)
        latest: tuple[datetime.date, int] | None = None
        for pk, date, place, is_online, external_id, programme_id in sessions:
            programme = programmes[programme_id]
            shown_place = "online" if is_online and not place else _name_key(place)
            ref = SessionRef(pk, date, shown_place, _name_key(programme.name), external_id)
            self._add(ref)
            if latest is None or (date, pk) > latest:
                latest = (date, pk)
                self.default_programme = programme
        if self.default_programme is None and len(own) == 1:
            self.default_programme = own[0]
        self.new_programmes: list[TrainingProgramme] = []
        self.new_sessions: list[SessionRef] = []

    def _add(self, ref: SessionRef) -> None:
        if ref.external_id:
            self.by_external[ref.external_id] = ref
        self.by_date[ref.date].append(ref)

    def resolve(self, values: RowValues) -> SessionRef | StrOrPromise:
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
        return self._new_session(values, values.session_date, place, programme_obj)

    def _new_session(
        self,
        values: RowValues,
        date: datetime.date,
        place: str,
        programme: TrainingProgramme,
    ) -> SessionRef:
        is_online = place in _ONLINE_PLACES
        session = TrainingSession(
            supplier=self.supplier,
            programme=programme,
            date=date,
            place="" if is_online else (values.session_place or ""),
            is_online=is_online,
            external_id=values.session_id or "",
        )
        ref = SessionRef(
            None, date, place, _name_key(programme.name), values.session_id or "", session,
            made=True,
        )  # fmt: skip
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


# --- what one row will do ------------------------------------------------------------------


def problem(
    row: int, code: str, message: StrOrPromise, column: str | None = None
) -> dict[str, Any]:
    return Problem(row, column, None, code, message).as_dict()


@dataclass
class PlannedRow:
    """What one row will do: its outcome and the objects it touches."""

    row_number: int
    values: RowValues
    raw: dict[str, str]
    problems: list[dict[str, Any]] = field(default_factory=list)
    outcome: str = ""
    person: PersonRef | None = None
    session: SessionRef | None = None
    completion_id: int | None = None
    # How the person was found: "employee_number", "email", "name", "new" or "chosen".
    match: str = ""

    def hold(self, reason: Hold, *, outcome: str = "review") -> None:
        self.outcome = outcome
        self.problems.append(problem(self.row_number, reason.code, reason.message))

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
