"""The report data model: plain, immutable data that every exporter renders.

Another layer computes the figures from the database and builds these structures; the
exporters (XLSX, CSV, PDF, SVG charts) only read them. A report snapshot is stored as
JSON, so every structure converts to and from plain JSON types with `to_dict()` /
`from_dict()`, and the conversion is deterministic: Decimals keep their exact digits and
dates are ISO 8601 strings.

Labels, titles and help texts are plain strings that the caller has already translated:
a snapshot must read the same later, whatever language is active then.
"""

from __future__ import annotations

import enum
import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any, Final, Literal, TypeAlias, cast

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


class Suppressed(enum.Enum):
    """Marks a figure hidden to protect privacy (see `suppression`).

    An enum member rather than a sentinel object so that type checkers can narrow on
    `value is SUPPRESSED` and the marker survives pickling (Celery) as the same object.
    """

    SUPPRESSED = "suppressed"


SUPPRESSED: Final = Suppressed.SUPPRESSED

Number: TypeAlias = int | float | Decimal
CellValue: TypeAlias = str | int | float | Decimal | date | Suppressed | None
ColumnKind: TypeAlias = Literal["text", "int", "percent", "decimal", "date"]
Flag: TypeAlias = Literal["self_reported", "below_target", "no_data"]
# "suppliers": the supplier comparison, over a period of quarters rather than one.
ReportKind: TypeAlias = Literal["regiegroep", "icop", "suppliers"]
ChartKind: TypeAlias = Literal["line", "bar"]

# Shown next to a marked row in every export; the keys are part of the snapshot format.
FLAG_LABELS: Final[Mapping[str, Promise]] = {
    "self_reported": _("Self-reported by the department"),
    "below_target": _("Below target"),
    "no_data": _("No data"),
}
FLAG_HELP: Final[Mapping[str, Promise]] = {
    "self_reported": _(
        "The department reported these figures itself; they do not come from the "
        "registration of workshops."
    ),
    "below_target": _("This figure is below the target for this quarter."),
    "no_data": _(
        "The department has not registered its trainings in the app and has not reported "
        "figures itself. Its shares are not shown and it is not in the total."
    ),
}

_KEY_RE = re.compile(r"^[a-z0-9][a-z0-9_-]*$")
_QUARTER_RE = re.compile(r"^\d{4}Q[1-4]$")
_PERIOD_RE = re.compile(r"^\d{4}Q[1-4](-\d{4}Q[1-4])?$")


def _check_key(key: str, what: str) -> None:
    # Keys become file names (CSV) and XML ids (SVG), so they are restricted to a
    # safe alphabet up front instead of being escaped in every exporter.
    if not _KEY_RE.match(key):
        raise ValueError(f"{what} key {key!r} must match {_KEY_RE.pattern}")


def _is_number(value: object) -> bool:
    # bool is an int subclass, but True in a count column is a bug in the caller.
    return isinstance(value, int | float | Decimal) and not isinstance(value, bool)


def _check_finite(value: Number, where: str) -> None:
    # NaN and infinity are not JSON and have no meaning in a published figure.
    if isinstance(value, float) and not math.isfinite(value):
        raise ValueError(f"{where}: {value!r} is not a finite number")
    if isinstance(value, Decimal) and not value.is_finite():
        raise ValueError(f"{where}: {value!r} is not a finite number")


def check_cell(column: Column, value: CellValue, where: str) -> None:
    """Raise ValueError when `value` cannot appear in `column`."""
    if value is None or value is SUPPRESSED:
        return
    ok: bool
    if column.kind == "text":
        ok = isinstance(value, str)
    elif column.kind == "int":
        ok = isinstance(value, int) and not isinstance(value, bool)
    elif column.kind == "date":
        # A datetime would silently lose its time and zone in every export.
        ok = isinstance(value, date) and not isinstance(value, datetime)
    else:
        ok = _is_number(value)
    if not ok:
        raise ValueError(f"{where}: {value!r} does not fit a {column.kind} column")
    if _is_number(value):
        _check_finite(cast(Number, value), where)


def encode_value(value: CellValue) -> Any:
    """Encode a cell as JSON; Decimal, date and SUPPRESSED are tagged objects."""
    if value is SUPPRESSED:
        return {"suppressed": True}
    if isinstance(value, Decimal):
        return {"decimal": str(value)}
    if isinstance(value, date):
        return {"date": value.isoformat()}
    return value


def decode_value(data: Any) -> CellValue:
    """Inverse of `encode_value`."""
    if isinstance(data, dict):
        if data.get("suppressed") is True:
            return SUPPRESSED
        if "decimal" in data:
            return Decimal(data["decimal"])
        if "date" in data:
            return date.fromisoformat(data["date"])
        raise ValueError(f"unknown tagged value {data!r}")
    if data is None or isinstance(data, str | int | float):
        return cast(CellValue, data)
    raise ValueError(f"cannot decode cell value {data!r}")


@dataclass(frozen=True)
class Column:
    """One column of a table.

    `count_of_people` marks a column whose figures count people: those are the figures
    the privacy rules protect. `total_of` names the count columns this column is the
    row-wise sum of (e.g. "members" = "trained" + "not_trained"); `based_on` names the
    count columns a derived figure (a share, an average) is computed from, so that it
    is hidden whenever one of them is. Percentages are fractions: 0.25 means 25%.
    `decimals` is the number of decimals shown for percent and decimal columns.
    `group` names the count column that counts the group of people this column's
    figures are about (trained memberships are about the memberships requiring
    training): suppression decides on the size of that group (see `suppression`).
    """

    key: str
    label: str
    kind: ColumnKind
    help: str = ""
    count_of_people: bool = False
    total_of: tuple[str, ...] = ()
    based_on: tuple[str, ...] = ()
    decimals: int = 1
    group: str = ""

    def __post_init__(self) -> None:
        _check_key(self.key, "column")
        if self.count_of_people and self.kind != "int":
            raise ValueError(f"column {self.key!r}: a count of people must be an int column")
        if self.total_of and not self.count_of_people:
            raise ValueError(f"column {self.key!r}: a total must itself count people")
        if self.decimals < 0:
            raise ValueError(f"column {self.key!r}: decimals must not be negative")

    def to_dict(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "label": self.label,
            "kind": self.kind,
            "help": self.help,
            "count_of_people": self.count_of_people,
            "total_of": list(self.total_of),
            "based_on": list(self.based_on),
            "decimals": self.decimals,
            # Only when set, so that tables without groups keep the form they had.
            **({"group": self.group} if self.group else {}),
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Column:
        return cls(
            key=data["key"],
            label=data["label"],
            kind=data["kind"],
            help=data.get("help", ""),
            count_of_people=data.get("count_of_people", False),
            total_of=tuple(data.get("total_of", ())),
            based_on=tuple(data.get("based_on", ())),
            decimals=data.get("decimals", 1),
            group=data.get("group", ""),
        )


@dataclass(frozen=True)
class Row:
    """The cells of one row by column key, plus markings such as "self_reported"."""

    cells: Mapping[str, CellValue]
    flags: frozenset[Flag] = frozenset()
    # What suppression hid in this row: the true values of its hidden cells and the flags
    # it took away. Kept in the snapshot (the database holds the raw data anyway) so that
    # O&P staff get their own department's rows whole (`revealed()`); no exporter reads
    # it, and the programme bureau's files never show it.
    withheld: Mapping[str, CellValue] = field(default_factory=dict)
    withheld_flags: frozenset[Flag] = frozenset()

    def get(self, key: str) -> CellValue:
        return self.cells.get(key)

    def revealed(self) -> Row:
        """The row as it was before suppression (for readers who know every cell of it)."""
        if not self.withheld and not self.withheld_flags:
            return self
        return Row({**self.cells, **self.withheld}, self.flags | self.withheld_flags)

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "cells": {key: encode_value(value) for key, value in self.cells.items()},
            # Sorted: a frozenset has no stable order and the snapshot must be stable.
            "flags": sorted(self.flags),
        }
        # Only when present: a row with nothing hidden is stored as before.
        if self.withheld:
            data["withheld"] = {key: encode_value(value) for key, value in self.withheld.items()}
        if self.withheld_flags:
            data["withheld_flags"] = sorted(self.withheld_flags)
        return data

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Row:
        return cls(
            cells={key: decode_value(value) for key, value in data["cells"].items()},
            flags=frozenset(data.get("flags", ())),
            withheld={key: decode_value(value) for key, value in data.get("withheld", {}).items()},
            withheld_flags=frozenset(data.get("withheld_flags", ())),
        )


@dataclass(frozen=True)
class Table:
    """A titled table; `total_row` holds the column totals of the count columns.

    `suppression_threshold` is set by `suppression.suppress()`; exporters refuse a table
    with counts of people that has not been through it, so that an unprotected table
    cannot be published by mistake.
    """

    key: str
    title: str
    columns: tuple[Column, ...]
    rows: tuple[Row, ...]
    total_row: Row | None = None
    notes: tuple[str, ...] = ()
    suppression_threshold: int | None = None

    def __post_init__(self) -> None:
        _check_key(self.key, "table")
        keys = [column.key for column in self.columns]
        if len(set(keys)) != len(keys):
            raise ValueError(f"table {self.key!r}: duplicate column keys")
        by_key = {column.key: column for column in self.columns}
        in_row_total: set[str] = set()
        for column in self.columns:
            if column.total_of:
                # The suppression model treats every count cell as taking part in at
                # most one row sum and one column sum (see suppression.py).
                group = {column.key, *column.total_of}
                if group & in_row_total or len(group) != len(column.total_of) + 1:
                    raise ValueError(
                        f"table {self.key!r}, column {column.key!r}: a column can take "
                        "part in only one row total"
                    )
                in_row_total |= group
            for ref in (*column.total_of, *column.based_on, *filter(None, [column.group])):
                if ref not in by_key or not by_key[ref].count_of_people:
                    raise ValueError(
                        f"table {self.key!r}, column {column.key!r}: {ref!r} is not a "
                        "count-of-people column of this table"
                    )
        for index, row in enumerate(self.all_rows()):
            unknown = set(row.cells) - set(by_key)
            if unknown:
                raise ValueError(f"table {self.key!r}, row {index}: unknown keys {unknown}")
            unknown_flags = set[str](row.flags) - set(FLAG_LABELS)
            if unknown_flags:
                raise ValueError(f"table {self.key!r}, row {index}: unknown flags")
            for key, value in row.cells.items():
                check_cell(by_key[key], value, f"table {self.key!r}, row {index}, {key!r}")

    def all_rows(self) -> tuple[Row, ...]:
        """The data rows followed by the total row, if there is one."""
        return (*self.rows, self.total_row) if self.total_row is not None else self.rows

    def column(self, key: str) -> Column:
        for column in self.columns:
            if column.key == key:
                return column
        raise KeyError(key)

    @property
    def has_counts_of_people(self) -> bool:
        return any(column.count_of_people for column in self.columns)

    @property
    def has_flags(self) -> bool:
        return any(row.flags for row in self.all_rows())

    def to_dict(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "title": self.title,
            "columns": [column.to_dict() for column in self.columns],
            "rows": [row.to_dict() for row in self.rows],
            "total_row": self.total_row.to_dict() if self.total_row is not None else None,
            "notes": list(self.notes),
            "suppression_threshold": self.suppression_threshold,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Table:
        total = data.get("total_row")
        return cls(
            key=data["key"],
            title=data["title"],
            columns=tuple(Column.from_dict(column) for column in data["columns"]),
            rows=tuple(Row.from_dict(row) for row in data["rows"]),
            total_row=Row.from_dict(total) if total is not None else None,
            notes=tuple(data.get("notes", ())),
            suppression_threshold=data.get("suppression_threshold"),
        )


@dataclass(frozen=True)
class Series:
    """One line or set of bars; a value may be missing (None) or SUPPRESSED."""

    name: str
    values: tuple[Number | Suppressed | None, ...]

    def to_dict(self) -> dict[str, Any]:
        return {"name": self.name, "values": [encode_value(v) for v in self.values]}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Series:
        values = tuple(decode_value(v) for v in data["values"])
        return cls(name=data["name"], values=cast(tuple[Number | Suppressed | None, ...], values))


@dataclass(frozen=True)
class Marker:
    """An intervention drawn as a labelled vertical line at `x_label` of a trend chart."""

    x_label: str
    text: str

    def to_dict(self) -> dict[str, Any]:
        return {"x_label": self.x_label, "text": self.text}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Marker:
        return cls(x_label=data["x_label"], text=data["text"])


@dataclass(frozen=True)
class Chart:
    """A line or bar chart; with `percent` the values are fractions shown as %."""

    key: str
    title: str
    x_labels: tuple[str, ...]
    series: tuple[Series, ...]
    kind: ChartKind
    y_label: str
    x_label: str = ""
    y_max: float | None = None
    percent: bool = False
    markers: tuple[Marker, ...] = ()

    def __post_init__(self) -> None:
        _check_key(self.key, "chart")
        if not self.series:
            raise ValueError(f"chart {self.key!r}: no series")
        for series in self.series:
            if len(series.values) != len(self.x_labels):
                raise ValueError(
                    f"chart {self.key!r}, series {series.name!r}: "
                    f"{len(series.values)} values for {len(self.x_labels)} labels"
                )
            for value in series.values:
                if value is not None and value is not SUPPRESSED:
                    if not _is_number(value):
                        raise ValueError(f"chart {self.key!r}: {value!r} is not a number")
                    _check_finite(value, f"chart {self.key!r}")
        for marker in self.markers:
            if marker.x_label not in self.x_labels:
                raise ValueError(f"chart {self.key!r}: marker at unknown {marker.x_label!r}")

    def to_dict(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "title": self.title,
            "x_labels": list(self.x_labels),
            "series": [series.to_dict() for series in self.series],
            "kind": self.kind,
            "y_label": self.y_label,
            "x_label": self.x_label,
            "y_max": self.y_max,
            "percent": self.percent,
            "markers": [marker.to_dict() for marker in self.markers],
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Chart:
        return cls(
            key=data["key"],
            title=data["title"],
            x_labels=tuple(data["x_labels"]),
            series=tuple(Series.from_dict(series) for series in data["series"]),
            kind=data["kind"],
            y_label=data["y_label"],
            x_label=data.get("x_label", ""),
            y_max=data.get("y_max"),
            percent=data.get("percent", False),
            markers=tuple(Marker.from_dict(marker) for marker in data.get("markers", ())),
        )


@dataclass(frozen=True)
class Explanation:
    """How one figure of the report is defined, for the reader of every export."""

    figure: str
    explanation: str

    def to_dict(self) -> dict[str, Any]:
        return {"figure": self.figure, "explanation": self.explanation}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Explanation:
        return cls(figure=data["figure"], explanation=data["explanation"])


@dataclass(frozen=True)
class Intervention:
    """Something done to raise participation (a reminder, a campaign) and when."""

    on: date
    title: str
    description: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {"on": self.on.isoformat(), "title": self.title, "description": self.description}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Intervention:
        return cls(
            on=date.fromisoformat(data["on"]),
            title=data["title"],
            description=data.get("description", ""),
        )


@dataclass(frozen=True)
class Report:
    """A complete quarterly report for the regiegroep or the ICOP."""

    kind: ReportKind
    quarter: str
    title: str
    generated_at: datetime
    tables: tuple[Table, ...] = ()
    charts: tuple[Chart, ...] = ()
    explanations: tuple[Explanation, ...] = ()
    interventions: tuple[Intervention, ...] = ()
    # The share of memberships that should be trained (0.8 is 80%), as it was when the
    # figures were compiled: the "below target" flags were decided against it.
    target_share: Decimal | None = None

    def __post_init__(self) -> None:
        if self.kind not in ("regiegroep", "icop", "suppliers"):
            raise ValueError(f"unknown report kind {self.kind!r}")
        quarter_re = _PERIOD_RE if self.kind == "suppliers" else _QUARTER_RE
        if not quarter_re.match(self.quarter):
            raise ValueError(f"quarter {self.quarter!r} must look like 2025Q4")
        # A naive time would be read in whatever zone the reader's server runs in.
        if self.generated_at.utcoffset() is None:
            raise ValueError("generated_at must be timezone-aware")
        # One namespace: a chart's figures are exported as a table under the chart's key.
        keys = [table.key for table in self.tables] + [chart.key for chart in self.charts]
        if len(set(keys)) != len(keys):
            raise ValueError("table and chart keys must be unique within a report")

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "kind": self.kind,
            "quarter": self.quarter,
            "title": self.title,
            "generated_at": self.generated_at.isoformat(),
            "tables": [table.to_dict() for table in self.tables],
            "charts": [chart.to_dict() for chart in self.charts],
            "explanations": [explanation.to_dict() for explanation in self.explanations],
            "interventions": [intervention.to_dict() for intervention in self.interventions],
        }
        # Only when set: a report without a target keeps the hash it always had.
        if self.target_share is not None:
            data["target_share"] = encode_value(self.target_share)
        return data

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Report:
        return cls(
            kind=data["kind"],
            quarter=data["quarter"],
            title=data["title"],
            generated_at=datetime.fromisoformat(data["generated_at"]),
            tables=tuple(Table.from_dict(table) for table in data.get("tables", ())),
            charts=tuple(Chart.from_dict(chart) for chart in data.get("charts", ())),
            explanations=tuple(
                Explanation.from_dict(explanation) for explanation in data.get("explanations", ())
            ),
            interventions=tuple(
                Intervention.from_dict(intervention)
                for intervention in data.get("interventions", ())
            ),
            target_share=_decimal_or_none(data.get("target_share")),
        )


def _decimal_or_none(data: Any) -> Decimal | None:
    value = decode_value(data)
    return value if isinstance(value, Decimal) else None
