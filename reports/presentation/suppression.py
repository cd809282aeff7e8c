"""Small-number suppression: no published figure may single out fewer than 5 people.

Specification (the table declares the structure, see `tables.Column`):

* Count cells are the cells of `count_of_people` columns, in the data rows and in the
  total row. `None` means "not applicable" and is neither shown as a number nor part of
  any sum.
* Primary suppression: a count cell whose value is 1 .. threshold-1 is hidden. Zero is
  shown, following CBS practice: a zero singles out nobody, and "no one in this
  department followed the workshop" is exactly what the monitor must be able to say.
* Sums: a column with `total_of` is, in every row, the sum of its member columns (a row
  relation); the total row holds, for every count column, the sum over the data rows (a
  column relation). The figures must satisfy these sums exactly; `suppress` checks that.
* Secondary suppression: a hidden cell must not be computable from what is shown. We
  hide further cells until no hidden cell is determined by the linear system formed by
  all row and column relations. That covers the classic rule (a row or column with
  exactly one hidden cell gets a second one: the smallest non-zero visible cell, data
  cells before totals) and also the cases where a value is found by combining several
  rows and columns.
* Derived figures: a cell of a column with `based_on` (a percentage, an average) is
  hidden when one of the counts it is computed from is hidden in the same row, since
  "3%" of a visible 100 gives away a hidden 3 just as well.

How "determined" is decided: every relation is a vertex of a graph, plus one ground
vertex for the side of a cell that is in no relation; every hidden cell is an edge
between its row relation and its column relation. Because each count cell takes part in
at most one row sum and one column sum (enforced by `Table`) with coefficients +-1, the
system is, after flipping signs, the incidence matrix of that graph. A hidden cell can
then be solved for exactly when its edge is a bridge: an edge on a cycle can be moved by
adding +t/-t around the cycle without changing any sum. Bridges are found in linear
time, so this scales to large tables; the tests check the result against plain Gaussian
elimination.
"""

from __future__ import annotations

from collections import defaultdict, deque
from collections.abc import Iterable
from dataclasses import dataclass, replace
from typing import cast

from .tables import SUPPRESSED, CellValue, Row, Suppressed, Table

DEFAULT_THRESHOLD = 5

# A cell position: (row index, column key). The total row has index len(table.rows).
Position = tuple[int, str]
GROUND = 0


@dataclass(frozen=True)
class _Relation:
    """One sum: the members add up to `total`."""

    members: tuple[Position, ...]
    total: Position


class _Structure:
    """The relations of a table and, per count cell, the (up to two) it takes part in."""

    def __init__(self, table: Table) -> None:
        self.relations: list[_Relation] = [_Relation((), (-1, ""))]  # index 0 is GROUND
        self.ends: dict[Position, list[int]] = {}
        self.order: dict[Position, tuple[int, int]] = {}
        cells = table.all_rows()
        column_index = {column.key: index for index, column in enumerate(table.columns)}
        for row_index, row in enumerate(cells):
            for column in table.columns:
                if column.count_of_people and row.get(column.key) is not None:
                    position = (row_index, column.key)
                    self.ends[position] = []
                    self.order[position] = (row_index, column_index[column.key])

        def add(members: Iterable[Position], total: Position) -> None:
            present = tuple(p for p in members if p in self.ends)
            if total not in self.ends:
                # No total, no sum to subtract from; a missing total with members present
                # is legitimate (a total that is not applicable).
                return
            self.relations.append(_Relation(present, total))
            for position in (*present, total):
                self.ends[position].append(len(self.relations) - 1)

        for column in table.columns:
            if column.total_of:
                for row_index in range(len(cells)):
                    add(((row_index, key) for key in column.total_of), (row_index, column.key))
        if table.total_row is not None:
            total_index = len(table.rows)
            for column in table.columns:
                if column.count_of_people:
                    add(
                        ((row_index, column.key) for row_index in range(total_index)),
                        (total_index, column.key),
                    )
        self.totals = {relation.total for relation in self.relations[1:]}

    def endpoints(self, position: Position) -> tuple[int, int]:
        ends = self.ends[position]
        return (ends[0] if ends else GROUND, ends[1] if len(ends) > 1 else GROUND)


def _check_sums(structure: _Structure, values: dict[Position, CellValue]) -> None:
    for relation in structure.relations[1:]:
        entries = [values[p] for p in (*relation.members, relation.total)]
        if any(isinstance(value, Suppressed) for value in entries):
            continue  # Already suppressed input: the sum can no longer be checked.
        # Count cells are ints (Table checks that) once SUPPRESSED is ruled out.
        members = sum(cast(int, values[p]) for p in relation.members)
        if members != values[relation.total]:
            raise ValueError(
                f"total at {relation.total} is {values[relation.total]!r}, "
                f"but its parts add up to {members}"
            )


def _bridges(edges: dict[Position, tuple[int, int]]) -> list[Position]:
    """The edges on no cycle, by iterative Tarjan (parallel edges form a cycle)."""
    adjacency: dict[int, list[tuple[int, Position]]] = defaultdict(list)
    for position, (u, v) in edges.items():
        adjacency[u].append((v, position))
        adjacency[v].append((u, position))
    discovered: dict[int, int] = {}
    low: dict[int, int] = {}
    found: list[Position] = []
    for start in sorted(adjacency):
        if start in discovered:
            continue
        discovered[start] = low[start] = len(discovered)
        # Stack entries: (vertex, edge used to reach it, iterator position).
        stack: list[tuple[int, Position | None, int]] = [(start, None, 0)]
        while stack:
            vertex, via, index = stack.pop()
            neighbours = adjacency[vertex]
            if index < len(neighbours):
                stack.append((vertex, via, index + 1))
                neighbour, edge = neighbours[index]
                if edge == via:
                    continue
                if neighbour in discovered:
                    low[vertex] = min(low[vertex], discovered[neighbour])
                else:
                    discovered[neighbour] = low[neighbour] = len(discovered)
                    stack.append((neighbour, edge, 0))
            elif via is not None:
                parent = stack[-1][0]
                low[parent] = min(low[parent], low[vertex])
                if low[vertex] > discovered[parent]:
                    found.append(via)
    return found


def _side(edges: dict[Position, tuple[int, int]], start: int, without: Position) -> set[int]:
    """The vertices reachable from `start` over the hidden cells other than `without`."""
    adjacency: dict[int, list[int]] = defaultdict(list)
    for position, (u, v) in edges.items():
        if position != without:
            adjacency[u].append(v)
            adjacency[v].append(u)
    seen = {start}
    queue = deque([start])
    while queue:
        for neighbour in adjacency[queue.popleft()]:
            if neighbour not in seen:
                seen.add(neighbour)
                queue.append(neighbour)
    return seen


class _Suppressor:
    def __init__(self, table: Table, threshold: int) -> None:
        self.structure = _Structure(table)
        cells = table.all_rows()
        self.values: dict[Position, CellValue] = {
            position: cells[position[0]].get(position[1]) for position in self.structure.ends
        }
        _check_sums(self.structure, self.values)
        self.hidden: dict[Position, tuple[int, int]] = {}
        self.hidden_per_relation = [0] * len(self.structure.relations)
        for position, value in self.values.items():
            if value is SUPPRESSED or (isinstance(value, int) and 0 < value < threshold):
                self.hide(position)

    def hide(self, position: Position) -> None:
        self.hidden[position] = self.structure.endpoints(position)
        for relation in self.structure.ends[position]:
            self.hidden_per_relation[relation] += 1

    def rank(self, position: Position) -> tuple[bool, int, bool, tuple[int, int]]:
        # Hide as little information as possible: non-zero before zero (a hidden zero
        # costs the reader a fact that protects nobody), then the smallest value, then
        # data cells before totals (the totals are the headline figures), then reading
        # order so that the choice is deterministic.
        value = cast(int, self.values[position])  # Visible count cells are ints.
        is_total = position in self.structure.totals
        return (value == 0, value, is_total, self.structure.order[position])

    def visible(self, relation: int) -> list[Position]:
        found = self.structure.relations[relation]
        return [p for p in (*found.members, found.total) if p not in self.hidden]

    def protect_single_hidden_cells(self) -> None:
        """The one-dimensional rule: no relation may contain exactly one hidden cell."""
        pending = deque(
            index for index, count in enumerate(self.hidden_per_relation) if count == 1 and index
        )
        while pending:
            relation = pending.popleft()
            if self.hidden_per_relation[relation] != 1:
                continue
            candidates = self.visible(relation)
            if not candidates:
                continue  # Only the total is applicable; there is no part to pair with.
            chosen = min(candidates, key=self.rank)
            self.hide(chosen)
            pending.extend(r for r in self.structure.ends[chosen] if r != GROUND)

    def break_one_bridge(self) -> bool:
        """Hide one more cell to put a determined cell on a cycle; False if none is left."""
        bridges = _bridges(self.hidden)
        if not bridges:
            return False
        bridge = min(bridges, key=lambda p: self.structure.order[p])
        u, v = self.hidden[bridge]
        side = _side(self.hidden, u, without=bridge)
        relations = {u, v} - {GROUND}
        candidates = {p for r in relations for p in self.visible(r)}
        if not candidates:
            # Both sums around the cell are fully hidden; look one step further out.
            relations = (side | _side(self.hidden, v, without=bridge)) - {GROUND}
            candidates = {p for r in relations for p in self.visible(r)}
        if not candidates:
            raise RuntimeError(f"cannot protect the hidden cell at {bridge}")

        def closes_cycle(position: Position) -> bool:
            a, b = self.structure.endpoints(position)
            return (a in side) != (b in side)

        self.hide(min(candidates, key=lambda p: (not closes_cycle(p), self.rank(p))))
        return True


def suppress(table: Table, *, threshold: int = DEFAULT_THRESHOLD) -> Table:
    """Return `table` with every figure about fewer than `threshold` people hidden.

    Hidden cells hold `SUPPRESSED`; every other figure is unchanged. Raises ValueError
    when a total does not equal the sum of its parts.
    """
    if threshold < 1:
        raise ValueError("threshold must be at least 1")
    suppressor = _Suppressor(table, threshold)
    suppressor.protect_single_hidden_cells()
    while suppressor.break_one_bridge():
        suppressor.protect_single_hidden_cells()

    derived = [column for column in table.columns if column.based_on]

    def rebuild(row_index: int, row: Row) -> Row:
        cells = dict(row.cells)
        for key in cells:
            if (row_index, key) in suppressor.hidden:
                cells[key] = SUPPRESSED
        for column in derived:
            if cells.get(column.key) is not None and any(
                cells.get(source) is SUPPRESSED for source in column.based_on
            ):
                cells[column.key] = SUPPRESSED
        return replace(row, cells=cells)

    rows = tuple(rebuild(index, row) for index, row in enumerate(table.rows))
    total_row = rebuild(len(table.rows), table.total_row) if table.total_row is not None else None
    return replace(table, rows=rows, total_row=total_row, suppression_threshold=threshold)
