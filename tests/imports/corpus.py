"""The attendance corpus for tests: its world in the database, its truths as typed values.

tests/fixtures/attendance/ holds files as suppliers send them, each with a ground truth
(<file>.truth.json, schema in the README there), and world.json: the departments,
suppliers and people every file is imported into, each file on its own.

    world = world_load(world_read())        # in a django_db test
    truth = truth_read(path_of_a_truth)     # raises TruthError where it breaks the schema
"""

from __future__ import annotations

import datetime
import json
import types
import typing
from dataclasses import dataclass, fields, is_dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any, Literal, TypeVar

from departments.models import Department, Person
from tests.factories import (
    DepartmentFactory,
    PersonFactory,
    ProgrammeFactory,
    SessionFactory,
    SupplierFactory,
    TenderFactory,
)
from trainings.models import Supplier, Tender, TrainingProgramme, TrainingSession

CORPUS_DIR = Path(__file__).resolve().parent.parent / "fixtures" / "attendance"
WORLD_PATH = CORPUS_DIR / "world.json"
TRUTH_SUFFIX = ".truth.json"
# In the corpus directory but not supplier files.
NOT_SUPPLIER_FILES = frozenset({"world.json", "generate.py", "__init__.py", "README.md"})

RefusalKind = Literal["not_a_spreadsheet", "no_participants"]
SkipKind = Literal["total", "summary", "note", "signature", "repeated_header", "empty"]
HeldReason = Literal[
    "ambiguous_person",
    "unknown_department",
    "no_department_no_match",
    "unreadable_date",
    "unknown_attendance",
    "conflicting_identity",
]
MatchedBy = Literal["employee_number", "email", "name"]
Status = Literal["attended", "no_show", "cancelled"]
FormatKind = Literal["csv", "tsv", "xlsx", "xls", "ods", "other"]
Field = Literal[
    "employee_number",
    "first_name",
    "last_name",
    "name_prefix",
    "full_name",
    "email",
    "department",
    "session_date",
    "session_place",
    "session_id",
    "programme",
    "attendance",
    "score",
]


class TruthError(ValueError):
    """A truth or world file that does not follow the schema in the corpus README."""


# --- The world ----------------------------------------------------------------------


@dataclass(frozen=True)
class WorldDepartment:
    code: str
    name_nl: str
    name_en: str
    in_tender: bool


@dataclass(frozen=True)
class WorldProgramme:
    name: str
    version: str


@dataclass(frozen=True)
class WorldSupplier:
    code: str
    name: str
    contact_email: str
    programme: WorldProgramme
    writes_with: str


@dataclass(frozen=True)
class WorldPerson:
    key: str
    first_name: str
    particle: str
    last_name: str
    department: str
    employee_number: str | None
    email: str | None


@dataclass(frozen=True)
class WorldSession:
    key: str
    supplier: str
    date: datetime.date
    place: str
    external_id: str


@dataclass(frozen=True)
class WorldTender:
    name: str
    lot: str
    starts_on: datetime.date


@dataclass(frozen=True)
class World:
    about: str
    departments: tuple[WorldDepartment, ...]
    tender: WorldTender
    suppliers: tuple[WorldSupplier, ...]
    people: tuple[WorldPerson, ...]
    sessions: tuple[WorldSession, ...]


@dataclass(frozen=True)
class LoadedWorld:
    """The world's rows in the database, by the keys the truths use."""

    departments: dict[str, Department]
    suppliers: dict[str, Supplier]
    programmes: dict[str, TrainingProgramme]
    people: dict[str, Person]
    sessions: dict[str, TrainingSession]
    tender: Tender


# --- A truth ------------------------------------------------------------------------


@dataclass(frozen=True)
class FileFormat:
    kind: FormatKind
    extension: str
    encoding: str | None
    delimiter: str | None
    sheet: str | None


@dataclass(frozen=True)
class ImportOptions:
    department: str | None
    score_scale: Literal[5, 10] | None
    map: dict[Field, str]


@dataclass(frozen=True)
class Refusal:
    kind: RefusalKind
    why: str


@dataclass(frozen=True)
class SkippedRow:
    row: int
    kind: SkipKind
    text: str


@dataclass(frozen=True)
class MatchedPerson:
    row: int
    person: str
    by: MatchedBy


@dataclass(frozen=True)
class CreatedPerson:
    ref: str
    first_name: str
    particle: str
    last_name: str
    department: str
    email: str | None
    employee_number: str | None
    rows: tuple[int, ...]


@dataclass(frozen=True)
class SessionMatched:
    date: datetime.date
    session: str


@dataclass(frozen=True)
class SessionCreated:
    date: datetime.date
    place: str | None
    external_id: str | None


@dataclass(frozen=True)
class Completion:
    person: str
    date: datetime.date
    external_id: str | None
    status: Status
    attended: bool


@dataclass(frozen=True)
class HeldRow:
    row: int
    reason: HeldReason
    value: str | None


@dataclass(frozen=True)
class EvaluationScore:
    person: str
    date: datetime.date
    score: Decimal
    scale: Literal[5, 10]


@dataclass(frozen=True)
class Truth:
    file: str
    supplier: str
    made_with: str
    format: FileFormat
    import_options: ImportOptions
    refused: Refusal | None
    header_row: int | None
    participant_rows: int
    skipped: tuple[SkippedRow, ...]
    people_matched: tuple[MatchedPerson, ...]
    people_created: tuple[CreatedPerson, ...]
    sessions_matched: tuple[SessionMatched, ...]
    sessions_created: tuple[SessionCreated, ...]
    completions: tuple[Completion, ...]
    held: tuple[HeldRow, ...]
    evaluations: tuple[EvaluationScore, ...]
    notes: tuple[str, ...]

    @property
    def applied_rows(self) -> set[int]:
        """Rows that become a place in a session (matched or new person)."""
        return {m.row for m in self.people_matched} | {
            row for person in self.people_created for row in person.rows
        }


# --- Reading --------------------------------------------------------------------------

T = TypeVar("T")


def world_read(path: Path = WORLD_PATH) -> World:
    return _read(World, json.loads(path.read_text(encoding="utf-8")), path.name)


def truth_read(path: Path) -> Truth:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as error:
        raise TruthError(f"{path.name}: not JSON ({error})") from error
    return _read(Truth, data, path.name)


def corpus_files() -> list[Path]:
    """The supplier files of the corpus, by name."""
    return sorted(
        path
        for path in CORPUS_DIR.iterdir()
        if path.is_file()
        and path.name not in NOT_SUPPLIER_FILES
        and not path.name.endswith(TRUTH_SUFFIX)
    )


def truth_path(file: Path) -> Path:
    return file.with_name(file.name + TRUTH_SUFFIX)


def _read(cls: type[T], data: Any, where: str) -> T:
    """`data` as a `cls` dataclass: every key known, none missing, every value typed."""
    if not isinstance(data, dict):
        raise TruthError(f"{where}: expected an object, found {data!r}")
    hints = typing.get_type_hints(cls)
    names = {f.name for f in fields(cls)}  # type: ignore[arg-type]
    if unknown := sorted(set(data) - names):
        raise TruthError(f"{where}: unknown key(s) {unknown}")
    if missing := sorted(names - set(data)):
        raise TruthError(f"{where}: missing key(s) {missing}")
    return cls(**{name: _value(hints[name], data[name], f"{where}.{name}") for name in names})


def _value(hint: Any, value: Any, where: str) -> Any:
    origin, args = typing.get_origin(hint), typing.get_args(hint)
    if origin in (typing.Union, types.UnionType):
        if value is None and type(None) in args:
            return None
        (inner,) = [arg for arg in args if arg is not type(None)]
        return _value(inner, value, where)
    if origin is Literal:
        if value not in args or type(value) is bool:
            raise TruthError(f"{where}: {value!r} is not one of {list(args)}")
        return value
    if origin is tuple:
        _expect(isinstance(value, list), where, "a list", value)
        return tuple(_value(args[0], item, f"{where}[{n}]") for n, item in enumerate(value))
    if origin is dict:
        _expect(isinstance(value, dict), where, "an object", value)
        return {
            _value(args[0], key, f"{where} key"): _value(args[1], item, f"{where}.{key}")
            for key, item in value.items()
        }
    if is_dataclass(hint):
        return _read(hint, value, where)  # type: ignore[arg-type]
    return _scalar(hint, value, where)


def _scalar(hint: Any, value: Any, where: str) -> Any:
    if hint is datetime.date:
        _expect(isinstance(value, str), where, "an ISO date", value)
        try:
            return datetime.date.fromisoformat(value)
        except ValueError as error:
            raise TruthError(f"{where}: {value!r} is not an ISO date") from error
    if hint is Decimal:
        _expect(isinstance(value, str), where, "a decimal in a string", value)
        try:
            return Decimal(value)
        except InvalidOperation as error:
            raise TruthError(f"{where}: {value!r} is not a decimal") from error
    if hint is bool:
        _expect(type(value) is bool, where, "true or false", value)
    elif hint is int:
        _expect(type(value) is int, where, "a whole number", value)
    elif hint is str:
        _expect(isinstance(value, str), where, "text", value)
    else:
        raise TruthError(f"{where}: no reader for {hint!r}")
    return value


def _expect(condition: bool, where: str, what: str, value: Any) -> None:
    if not condition:
        raise TruthError(f"{where}: expected {what}, found {value!r}")


# --- Loading the world --------------------------------------------------------------


def world_load(world: World) -> LoadedWorld:
    """Put `world` into the test database with the factories; returns its rows by key."""
    departments = {d.code: _department(d) for d in world.departments}
    suppliers: dict[str, Supplier] = {}
    programmes: dict[str, TrainingProgramme] = {}
    for supplier in world.suppliers:
        suppliers[supplier.code] = SupplierFactory(
            code=supplier.code, name=supplier.name, contact_email=supplier.contact_email
        )
        programmes[supplier.code] = ProgrammeFactory(
            supplier=suppliers[supplier.code],
            name=supplier.programme.name,
            version=supplier.programme.version,
        )
    tender = TenderFactory(
        name=world.tender.name, lot=world.tender.lot, starts_on=world.tender.starts_on
    )
    tender.suppliers.set(suppliers.values())
    tender.departments.set(departments.values())
    people = {p.key: _person(p, departments[p.department]) for p in world.people}
    sessions: dict[str, TrainingSession] = {
        s.key: SessionFactory(
            supplier=suppliers[s.supplier],
            programme=programmes[s.supplier],
            tender=tender,
            date=s.date,
            place=s.place,
            external_id=s.external_id,
        )
        for s in world.sessions
    }
    return LoadedWorld(departments, suppliers, programmes, people, sessions, tender)


def _department(department: WorldDepartment) -> Department:
    # The ministries migration may have made it already (get_or_create on the code).
    row: Department = DepartmentFactory(
        code=department.code, name_nl=department.name_nl, name_en=department.name_en
    )
    if row.in_tender != department.in_tender:
        row.in_tender = department.in_tender
        row.save(update_fields=["in_tender"])
    return row


def _person(person: WorldPerson, department: Department) -> Person:
    names = {
        "first_name": person.first_name,
        "particle": person.particle,
        "last_name": person.last_name,
    }
    return PersonFactory(
        department=department,
        employee_number=person.employee_number,
        email=person.email,
        **names,
    )
