"""Time and peak memory of the XLSX report export against the tablib baseline.

    python benchmarks/report_exports.py [--rows N]

The baseline is what django-import-export does for its XLSX export: build a
tablib.Dataset and call .export("xlsx") (openpyxl underneath). Both exporters get the
same rows, prepared beforehand. Time is measured without tracemalloc (it slows Python
down) and peak memory in a separate run with it. write_xlsx writes to a temporary file,
as a background job does; its constant_memory mode keeps rows in temporary files, which
is the point of the comparison. The goal is at least 2x faster at most 1/10 of the
memory; this script reports, it does not assert.
"""

from __future__ import annotations

import argparse
import gc
import os
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "training_monitor.settings_test")

import django

django.setup()

import tablib  # noqa: E402

from reports.presentation.formatting import display_value  # noqa: E402
from reports.presentation.suppression import suppress  # noqa: E402
from reports.presentation.tables import SUPPRESSED, Column, Report, Row, Table  # noqa: E402
from reports.presentation.xlsx import write_xlsx  # noqa: E402

DEPARTMENTS = ("AZ", "BZ", "BZK", "Defensie", "EZK", "Financiën", "IenW", "JenV", "OCW", "VWS")
ROLES = ("chair", "member", "hr_adviser")


def build_table(count: int) -> Table:
    """A realistic committee-level table of ten columns, with a few small counts."""
    columns = (
        Column("department", "Ministerie", "text"),
        Column("committee", "Selectiecommissie", "text"),
        Column("role", "Rol", "text"),
        Column("trained", "Getraind", "int", count_of_people=True),
        Column("untrained", "Niet getraind", "int", count_of_people=True),
        Column("members", "Leden", "int", count_of_people=True, total_of=("trained", "untrained")),
        Column("share", "Aandeel getraind", "percent", based_on=("trained", "members")),
        Column("days", "Gem. dagen tot training", "decimal", based_on=("trained",)),
        Column("last_session", "Laatste sessie", "date"),
        Column("vacancy", "Vacaturenummer", "text"),
    )
    rows = []
    start = date(2025, 1, 1)
    for index in range(count):
        trained = 5 + index % 40
        untrained = (index * 7) % 23
        rows.append(
            Row(
                {
                    "department": DEPARTMENTS[index % len(DEPARTMENTS)],
                    "committee": f"Commissie {index:06d} voor de vacature beleidsmedewerker",
                    "role": ROLES[index % len(ROLES)],
                    "trained": trained,
                    "untrained": untrained,
                    "members": trained + untrained,
                    "share": trained / (trained + untrained),
                    "days": Decimal(index % 900) / 10,
                    "last_session": start + timedelta(days=index % 365),
                    "vacancy": f"VAC-{index:08d}",
                },
                frozenset({"self_reported"}) if index % 50 == 0 else frozenset(),
            )
        )
    return Table("committees", "Deelname per commissie", columns, tuple(rows))


def baseline_rows(table: Table) -> tuple[list[str], list[tuple[object, ...]]]:
    """The same rows as plain values for tablib: numbers stay numbers, "<5" is text."""
    headers = [column.label for column in table.columns]

    def plain(column: Column, value: object) -> object:
        if value is SUPPRESSED:
            return display_value(column, SUPPRESSED, table.suppression_threshold)
        return float(value) if isinstance(value, Decimal) else value

    rows = [tuple(plain(c, row.get(c.key)) for c in table.columns) for row in table.rows]
    return headers, rows


def measure(work: Callable[[], object]) -> tuple[float, int]:
    """(seconds without tracing, peak traced bytes in a second run)."""
    gc.collect()
    began = time.perf_counter()
    work()
    seconds = time.perf_counter() - began
    gc.collect()
    tracemalloc.start()
    work()
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return seconds, peak


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    arguments = parser.parse_args()

    began = time.perf_counter()
    table = suppress(build_table(arguments.rows))
    print(
        f"rows: {arguments.rows:,}; building and suppressing: {time.perf_counter() - began:.1f} s"
    )
    report = Report("icop", "2025Q4", "Benchmark", datetime.now(UTC), tables=(table,))
    headers, rows = baseline_rows(table)

    with tempfile.TemporaryDirectory() as directory:
        target = Path(directory) / "report.xlsx"

        def ours() -> None:
            with target.open("wb") as out:
                write_xlsx(report, out)

        def baseline() -> bytes:
            data: bytes = tablib.Dataset(*rows, headers=headers).export("xlsx")
            return data

        our_time, our_peak = measure(ours)
        size = target.stat().st_size
        base_time, base_peak = measure(baseline)

    mib = 1024 * 1024
    print(f"write_xlsx:      {our_time:7.2f} s   peak {our_peak / mib:8.1f} MiB", end="")
    print(f"   (file {size / mib:.1f} MiB)")
    print(f"tablib (xlsx):   {base_time:7.2f} s   peak {base_peak / mib:8.1f} MiB")
    print(f"speed-up:        {base_time / our_time:7.2f}x   (goal >= 2x)")
    print(f"memory ratio:    {our_peak / base_peak:7.3f}    (goal <= 0.100)")


if __name__ == "__main__":
    main()
