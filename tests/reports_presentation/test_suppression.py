"""Disclosure control by group size: examples, then properties over generated tables."""

from __future__ import annotations

from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from reports.presentation.suppression import pattern, suppress
from reports.presentation.tables import SUPPRESSED, CellValue, Column, Flag, Row, Table

Position = tuple[int, str]
# Skewed towards small numbers, where suppression has work to do.
small_counts = st.one_of(st.integers(0, 4), st.integers(0, 40))


def build(counts: list[list[int]], *, row_total: bool = True, total_row: bool = True) -> Table:
    """A table with member columns m0.., an optional row total and a share column."""
    width = len(counts[0])
    members = tuple(f"m{index}" for index in range(width))
    columns = [Column("name", "Name", "text")]
    columns += [Column(key, key, "int", count_of_people=True) for key in members]
    if row_total:
        columns.append(Column("all", "All", "int", count_of_people=True, total_of=members))
        columns.append(Column("share", "Share", "percent", based_on=("m0", "all")))

    def row(name: str, values: list[int]) -> Row:
        cells: dict[str, CellValue] = {"name": name}
        cells.update(zip(members, values, strict=True))
        if row_total:
            cells["all"] = sum(values)
            cells["share"] = values[0] / sum(values) if sum(values) else None
        return Row(cells)

    rows = tuple(row(f"r{index}", values) for index, values in enumerate(counts))
    totals = [sum(column) for column in zip(*counts, strict=True)]
    return Table(
        key="t",
        title="T",
        columns=tuple(columns),
        rows=rows,
        total_row=row("total", totals) if total_row else None,
    )


def relations(table: Table) -> list[tuple[list[Position], Position]]:
    """(members, total) of every sum in the table, written out independently."""
    found: list[tuple[list[Position], Position]] = []
    all_rows = table.all_rows()
    for column in table.columns:
        if column.total_of:
            for index in range(len(all_rows)):
                found.append(([(index, key) for key in column.total_of], (index, column.key)))
    if table.total_row is not None:
        last = len(table.rows)
        for column in table.columns:
            if column.count_of_people:
                found.append(([(index, column.key) for index in range(last)], (last, column.key)))
    return found


def determined(table: Table) -> set[Position]:
    """Hidden cells whose value follows from the shown cells and all sums (exact algebra)."""
    all_rows = table.all_rows()
    hidden = sorted(
        (index, column.key)
        for index, row in enumerate(all_rows)
        for column in table.columns
        if column.count_of_people and row.get(column.key) is SUPPRESSED
    )
    where = {position: index for index, position in enumerate(hidden)}
    matrix = []
    for members, total in relations(table):
        equation = [Fraction(0)] * len(hidden)
        for position, sign in [*((m, 1) for m in members), (total, -1)]:
            if position in where:
                equation[where[position]] += sign
        if any(equation):
            matrix.append(equation)
    # Reduced row echelon form; a hidden cell is determined when a row reduces to
    # exactly that one unknown.
    pivot_row = 0
    for col in range(len(hidden)):
        pivot = next((r for r in range(pivot_row, len(matrix)) if matrix[r][col]), None)
        if pivot is None:
            continue
        matrix[pivot_row], matrix[pivot] = matrix[pivot], matrix[pivot_row]
        lead = matrix[pivot_row][col]
        matrix[pivot_row] = [value / lead for value in matrix[pivot_row]]
        for r in range(len(matrix)):
            if r != pivot_row and matrix[r][col]:
                factor = matrix[r][col]
                matrix[r] = [
                    a - factor * b for a, b in zip(matrix[r], matrix[pivot_row], strict=True)
                ]
        pivot_row += 1
    return {hidden[row.index(Fraction(1))] for row in matrix if sum(1 for v in row if v) == 1}


def hidden_cells(table: Table) -> set[Position]:
    return {
        (index, key)
        for index, row in enumerate(table.all_rows())
        for key, value in row.cells.items()
        if value is SUPPRESSED
    }


def members_table(groups: list[tuple[int, int]], *, flags: bool = False) -> Table:
    """Trained and untrained members per row: figures about the group "members"."""
    columns = (
        Column("name", "Name", "text"),
        Column(
            "members", "Members", "int", count_of_people=True, total_of=("trained", "untrained")
        ),
        Column("trained", "Trained", "int", count_of_people=True, group="members"),
        Column("untrained", "Untrained", "int", count_of_people=True, group="members"),
        Column("share", "Share", "percent", based_on=("trained", "members")),
        Column("compliant", "Compliant committees", "int", group="members"),
    )

    def row(name: str, trained: int, untrained: int) -> Row:
        members = trained + untrained
        below: frozenset[Flag] = frozenset({"below_target"}) if flags else frozenset()
        return Row(
            {
                "name": name,
                "members": members,
                "trained": trained,
                "untrained": untrained,
                "share": trained / members if members else None,
                "compliant": 1,
            },
            below,
        )

    rows = tuple(row(f"r{i}", t, u) for i, (t, u) in enumerate(groups))
    total = row("total", sum(t for t, _u in groups), sum(u for _t, u in groups))
    return Table("t", "T", columns, rows, Row({**total.cells, "compliant": len(groups)}))


def hidden_rows(table: Table) -> list[int]:
    return [i for i, row in enumerate(table.rows) if row.get("members") is SUPPRESSED]


def test_the_group_decides_not_the_numerator() -> None:
    # 3 untrained of 30 and 0 trained of 12 single out no one: both groups are large.
    table = suppress(members_table([(27, 3), (0, 12), (20, 20)]))

    assert hidden_cells(table) == set()


def test_a_small_group_hides_every_figure_about_it_and_its_below_target_remark() -> None:
    table = suppress(members_table([(1, 2), (20, 10), (30, 9), (15, 15)], flags=True))

    small = table.rows[0]
    assert [small.get(k) for k in ("members", "trained", "untrained", "share", "compliant")] == [
        SUPPRESSED
    ] * 5
    assert small.flags == frozenset()
    assert table.rows[hidden_rows(table)[-1]].flags == frozenset()


def test_an_empty_group_is_shown_as_zero() -> None:
    table = suppress(members_table([(0, 0), (20, 10), (30, 9)]))

    assert table.rows[0].get("members") == 0
    assert hidden_cells(table) == set()


def test_an_insider_who_knows_one_hidden_row_cannot_work_out_another() -> None:
    # Two hidden rows would do against an outsider, but the director of either row
    # would subtract their own row from the total and find the other: a third goes too.
    table = suppress(members_table([(1, 2), (6, 3), (8, 4), (30, 9), (40, 9)]))

    assert hidden_rows(table) == [0, 1, 2]
    assert table.total_row is not None
    assert table.total_row.get("members") == 112


@settings(max_examples=300, deadline=None)
@given(
    st.lists(st.tuples(small_counts, small_counts), min_size=1, max_size=7),
    st.sampled_from([3, 5, 10]),
)
def test_every_reader_leaves_each_hidden_count_a_range_of_at_least_the_threshold(
    groups: list[tuple[int, int]], threshold: int
) -> None:
    """Against each column total: what the reader does not know of the other hidden
    rows, above what they know anyway (a hidden group is at least 1), is >= threshold."""
    table = suppress(members_table(groups), threshold=threshold)
    hidden = hidden_rows(table)
    total = table.total_row
    assert total is not None
    if not hidden or total.get("members") is SUPPRESSED:
        return
    for key, floor in (("members", 1), ("trained", 0), ("untrained", 0)):
        slack = [members_table(groups).rows[i].get(key) - floor for i in hidden]  # type: ignore[operator]
        for known in [None, *range(len(hidden))]:
            unknown = [v for i, v in enumerate(slack) if i != known]
            assert sum(unknown) >= threshold


def test_when_all_rows_are_not_enough_the_totals_are_hidden_too() -> None:
    table = suppress(members_table([(1, 2), (20, 10)]))

    assert table.total_row is not None
    assert table.total_row.get("members") is SUPPRESSED
    assert table.total_row.get("share") is SUPPRESSED


def test_an_earlier_versions_hidden_rows_stay_hidden() -> None:
    first = suppress(members_table([(1, 2), (20, 10), (30, 9), (15, 15)]))
    later = suppress(members_table([(3, 2), (20, 10), (30, 9), (15, 15)]), earlier=pattern(first))

    assert pattern(later).rows >= pattern(first).rows
    assert later.rows[0].get("members") is SUPPRESSED


def test_it_uses_the_threshold_parameter() -> None:
    table = suppress(members_table([(4, 3), (20, 10), (30, 9), (15, 15)]), threshold=10)

    assert table.rows[0].get("members") is SUPPRESSED
    assert table.suppression_threshold == 10


def test_it_shows_zero() -> None:
    table = suppress(build([[0, 10], [20, 7], [30, 9]]))

    assert table.rows[0].get("m0") == 0
    assert hidden_cells(table) == set()


def test_it_refuses_totals_that_do_not_add_up() -> None:
    table = build([[3, 10], [20, 7]])
    broken = Table(
        key=table.key,
        title=table.title,
        columns=table.columns,
        rows=table.rows,
        total_row=Row({**table.total_row.cells, "m0": 24}) if table.total_row else None,
    )

    with pytest.raises(ValueError, match="add up"):
        suppress(broken)


def test_it_rejects_a_threshold_below_one() -> None:
    with pytest.raises(ValueError, match="threshold"):
        suppress(build([[1, 2]]), threshold=0)


@st.composite
def tables(draw: st.DrawFn) -> Table:
    height = draw(st.integers(1, 6))
    width = draw(st.integers(1, 4))
    counts = draw(
        st.lists(
            st.lists(small_counts, min_size=width, max_size=width),
            min_size=height,
            max_size=height,
        )
    )
    return build(counts, row_total=draw(st.booleans()), total_row=draw(st.booleans()))


thresholds = st.sampled_from([3, 5, 10])


@settings(max_examples=300, deadline=None)
@given(tables(), thresholds)
def test_no_visible_count_is_about_fewer_people_than_the_threshold(
    table: Table, threshold: int
) -> None:
    result = suppress(table, threshold=threshold)

    # Every count column of `build` counts its own group.
    for row in result.all_rows():
        for column in result.columns:
            value = row.get(column.key)
            if column.count_of_people and isinstance(value, int):
                assert not 0 < value < threshold


@settings(max_examples=300, deadline=None)
@given(tables(), thresholds)
def test_no_row_or_column_has_exactly_one_hidden_cell(table: Table, threshold: int) -> None:
    result = suppress(table, threshold=threshold)
    hidden = hidden_cells(result)

    for members, total in relations(result):
        assert len(hidden & {*members, total}) != 1


@settings(max_examples=300, deadline=None)
@given(tables(), thresholds)
def test_no_hidden_cell_can_be_solved_from_all_sums_together(table: Table, threshold: int) -> None:
    assert determined(suppress(table, threshold=threshold)) == set()


@settings(max_examples=200, deadline=None)
@given(tables(), thresholds)
def test_figures_that_stay_visible_are_unchanged(table: Table, threshold: int) -> None:
    result = suppress(table, threshold=threshold)

    for before, after in zip(table.all_rows(), result.all_rows(), strict=True):
        assert before.flags == after.flags
        for key, value in after.cells.items():
            if value is not SUPPRESSED:
                assert value == before.get(key)


@settings(max_examples=200, deadline=None)
@given(tables(), thresholds)
def test_a_share_is_hidden_exactly_when_a_count_it_comes_from_is(
    table: Table, threshold: int
) -> None:
    result = suppress(table, threshold=threshold)

    for row in result.all_rows():
        if "share" in row.cells and row.get("share") is not None:
            sources_hidden = row.get("m0") is SUPPRESSED or row.get("all") is SUPPRESSED
            assert (row.get("share") is SUPPRESSED) == sources_hidden


@settings(max_examples=100, deadline=None)
@given(tables(), thresholds)
def test_suppressing_twice_changes_nothing(table: Table, threshold: int) -> None:
    once = suppress(table, threshold=threshold)

    assert suppress(once, threshold=threshold) == once
