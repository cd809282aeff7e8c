"""Disclosure control: no published figure may tell a reader something about a person.

Why: the reports go to the Regiegroep and the ICOP, whose members include every
ministry's director, who knows every figure of their own ministry and the names of its
committee members. A figure about a small group ("1 of the 3 members of the BZK
committees is untrained") tells them which named colleague it is. So the rule protects
groups, and holds against an insider who knows all the cells of their own ministry.

THE RULE (README, "Privacy"), with T = REPORT_SUPPRESSION_THRESHOLD (default 5):

1. Group size decides, never the numerator. A count column with no `group` counts a
   group of people itself (memberships requiring training); a column with `group` is a
   figure about the group counted in that column (trained, untrained, compliant
   committees, a share). In a row where a group has 1 to T-1 people, every figure about
   that group is hidden. An empty group (0) is shown: it describes nobody. A group of T
   or more is shown in full: the headline share of a ministry is shown whenever its
   group is at least T.
2. Cells in one row sum (`total_of`) are hidden together, and a derived figure
   (`based_on`) is hidden with what it is computed from.
3. Complementary suppression, so that the total row cannot be subtracted back: more
   rows are hidden (smallest group first) until, for every column of the group and for
   every reader (an outsider, and each hidden row's own insider, who knows their row),
   the hidden rows the reader does not know add up to at least T above what the reader
   knows of them anyway (an empty group is never hidden, so a hidden group is at least
   1). Then every hidden count can still lie anywhere in a range at least T wide. When
   all rows are not enough, the totals of that group are hidden as well.
4. Remarks about a figure ("below target") are left off a row whose figures are hidden.
5. Consistency: `earlier` passes the pattern of an earlier version of the same table
   (`pattern()`), whose hidden rows stay hidden, so versions cannot be subtracted from
   each other. Builders hide a previous-quarter column where the previous quarter's
   pattern hid that row, and a change wherever either side is hidden.

Every table builder calls `suppress()` (exporters refuse a table that counts people
and has not been through it) and declares the structure on its columns:
`count_of_people`, `group`, `total_of`, `based_on`. A count that describes no small
group (people of a whole ministry who attended, places of a supplier) is not a
`count_of_people` column and is always shown.

Hidden cells show one neutral symbol (`HIDDEN_SYMBOL`) with a footnote that says why,
never a claim about the value ("<5" said the value was small, and was untrue for the
cells hidden only to protect others).
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass, replace
from typing import Final

from .tables import SUPPRESSED, CellValue, Column, Flag, Row, Suppressed, Table

DEFAULT_THRESHOLD = 5
# One neutral mark for every hidden figure. Not "<5": that claims something about the
# value, and is untrue for a figure hidden to protect another. Not "-" or "0": Dutch
# statistics print those for "nil", and the change columns have minus signs. A bullet
# reads as no number at all, in every language and in a spreadsheet (where it is text).
HIDDEN_SYMBOL: Final = "•"
# Remarks that state something about a figure, and so must go when the figure is hidden.
FIGURE_FLAGS: Final[frozenset[Flag]] = frozenset({"below_target"})


@dataclass(frozen=True)
class Pattern:
    """Which rows (by label, the first column) and whether the totals were hidden."""

    rows: frozenset[str] = frozenset()
    total: bool = False


def pattern(table: Table) -> Pattern:
    """The hidden rows of a suppressed table: what a later version must hide too."""
    label = table.columns[0].key
    counts = [column.key for column in table.columns if column.count_of_people]
    rows = frozenset(
        str(row.get(label)) for row in table.rows if any(row.get(k) is SUPPRESSED for k in counts)
    )
    total = table.total_row is not None and any(
        table.total_row.get(k) is SUPPRESSED for k in counts
    )
    return Pattern(rows, total)


class _Components:
    """The count columns that hide together: joined by `group` and by `total_of`."""

    def __init__(self, columns: Iterable[Column]) -> None:
        columns = list(columns)
        self.parent = {c.key: c.key for c in columns if c.count_of_people}
        for column in columns:
            if column.count_of_people and column.group:
                self._join(column.key, column.group)
            for part in column.total_of:
                self._join(column.key, part)
        self.groups: dict[str, list[str]] = {}
        for key in self.parent:
            self.groups.setdefault(self._find(key), []).append(key)
        # Columns that count a group themselves: their size decides.
        self.sizes = {c.key for c in columns if c.count_of_people and not c.group}
        self.about = {
            c.key: self._find(c.group) for c in columns if c.group and not c.count_of_people
        }

    def _find(self, key: str) -> str:
        while self.parent[key] != key:
            key = self.parent[key]
        return key

    def _join(self, a: str, b: str) -> None:
        self.parent[self._find(a)] = self._find(b)

    def of(self, key: str) -> str:
        return self._find(key)


def _value(row: Row, key: str) -> int:
    value = row.get(key)
    return value if isinstance(value, int) else 0


class _Group:
    """Suppression of one component over the rows of a table."""

    def __init__(self, table: Table, keys: list[str], sizes: set[str], threshold: int) -> None:
        self.table, self.keys, self.threshold = table, keys, threshold
        self.sizes = [k for k in keys if k in sizes]
        # A hidden group is known to be at least 1: empty groups are shown.
        self.floor = {k: 1 if k in sizes else 0 for k in keys}

    def present(self, row: Row) -> bool:
        return any(row.get(k) is not None for k in self.keys)

    def primary(self, row: Row, label: str, earlier: Pattern) -> bool:
        if not self.present(row):
            return False
        if label in earlier.rows or any(row.get(k) is SUPPRESSED for k in self.keys):
            return True
        return any(0 < _value(row, k) < self.threshold for k in self.sizes)

    def short(self, hidden: Collection[int]) -> str | None:
        """A column where some reader learns a hidden row to within less than T."""
        total = self.table.total_row
        for key in self.keys:
            if total is None or not isinstance(total.get(key), int):
                continue
            if any(self.table.rows[i].get(key) is SUPPRESSED for i in hidden):
                continue  # Hidden on input: decided when it was suppressed before.
            slack = [_value(self.table.rows[i], key) - self.floor[key] for i in hidden]
            # The outsider knows none of the hidden rows; an insider knows their own.
            if sum(slack) - max(slack, default=0) < self.threshold:
                return key
        return None

    def secondary(self, hidden: set[int]) -> bool:
        """Hide more rows until rule 3 holds; False when the totals must go too."""
        while hidden and (key := self.short(hidden)) is not None:
            candidates = [
                i
                for i, row in enumerate(self.table.rows)
                if i not in hidden and self.present(row) and _value(row, key) > self.floor[key]
            ]
            if not candidates:
                return False
            size = self.sizes[0] if self.sizes else key
            hidden.add(min(candidates, key=lambda i: (_value(self.table.rows[i], size), i)))
        return True


def suppress(
    table: Table, *, threshold: int = DEFAULT_THRESHOLD, earlier: Pattern | None = None
) -> Table:
    """Return `table` with the figures about small groups hidden (see the module text).

    Hidden cells hold `SUPPRESSED`; every other figure is unchanged.
    """
    if threshold < 1:
        raise ValueError("threshold must be at least 1")
    earlier = earlier or Pattern()
    _check_sums(table)
    components = _Components(table.columns)
    label = table.columns[0].key
    hidden_cells: set[tuple[int, str]] = set()  # (row index, column key); -1 is the total
    for root, keys in components.groups.items():
        group = _Group(table, keys, components.sizes, threshold)
        rows = {
            i
            for i, row in enumerate(table.rows)
            if group.primary(row, str(row.get(label)), earlier)
        }
        keep_total = group.secondary(rows) and not (earlier.total and rows)
        indexes = [*rows, *([] if keep_total else [-1])]
        about = [k for k, r in components.about.items() if r == root]
        hidden_cells |= {(i, k) for i in indexes for k in (*keys, *about)}
    return _rebuild(table, hidden_cells, threshold)


def _check_sums(table: Table) -> None:
    """Refuse figures whose totals do not add up: suppression relies on the sums."""
    rows = table.all_rows()
    for column in table.columns:
        sums = [(row, column.total_of) for row in rows] if column.total_of else []
        if column.count_of_people and table.total_row is not None:
            sums.append((table.total_row, ()))
        for row, parts in sums:
            entries = [r.get(column.key) for r in table.rows] if not parts else []
            entries += [row.get(part) for part in parts]
            total = row.get(column.key)
            if not isinstance(total, int) or any(v is SUPPRESSED for v in entries):
                continue
            found = sum(v for v in entries if isinstance(v, int))
            if found != total:
                raise ValueError(
                    f"table {table.key!r}: {column.key!r} is {total}, "
                    f"but its parts add up to {found}"
                )


def _rebuild(table: Table, hidden: set[tuple[int, str]], threshold: int) -> Table:
    derived = [column for column in table.columns if column.based_on]
    counts = [column.key for column in table.columns if column.count_of_people]

    def rebuild(index: int, row: Row) -> Row:
        cells: dict[str, CellValue] = dict(row.cells)
        for key in cells:
            if (index, key) in hidden and cells[key] is not None:
                cells[key] = SUPPRESSED
        for column in derived:
            if cells.get(column.key) is not None and any(
                cells.get(source) is SUPPRESSED for source in column.based_on
            ):
                cells[column.key] = SUPPRESSED
        flags = row.flags
        if any(isinstance(cells.get(key), Suppressed) for key in counts):
            flags = flags - FIGURE_FLAGS
        withheld = {
            key: value
            for key, value in row.cells.items()
            if cells[key] is SUPPRESSED and value is not SUPPRESSED
        }
        return replace(
            row,
            cells=cells,
            flags=flags,
            withheld={**row.withheld, **withheld},
            withheld_flags=row.withheld_flags | (row.flags - flags),
        )

    rows = tuple(rebuild(index, row) for index, row in enumerate(table.rows))
    total_row = rebuild(-1, table.total_row) if table.total_row is not None else None
    return replace(table, rows=rows, total_row=total_row, suppression_threshold=threshold)
