"""Attendance import: our bulk service against django-import-export and a raw COPY.

    python benchmarks/import_attendance.py [--rows 100000] [--baseline-rows 5000]
        [--memory-rows 50000,500000] [--scale 10] [--database NAME]

Generates attendance rows for the seeded `--scale` population (people and sessions of the
supplier with the most sessions) as CSV and XLSX, then times in one run:

(a) django-import-export's default ModelResource import (person, session, status; keyed on
    person + session) of the same rows into the same table. It runs row by row, so it is
    timed on `--baseline-rows` rows and extrapolated linearly (said so in the output);
(b) our import (`import_batch_create` + `attendance_import_apply`): fresh, then the same
    file again as a re-import (which must change nothing), from CSV and from XLSX;
(c) a raw PostgreSQL COPY of the same rows, already resolved to ids, into an empty copy of
    the table (the physical limit);
parsing the XLSX: ours against django-import-export's openpyxl reader; the peak memory
(ru_maxrss of a fresh subprocess) of a large against a small import; and

(d) the realistic case (`--realistic 5000`): a quarter's attendance for the whole Rijk as a
    supplier sends it: one full-name column in the forms people write ("Vries, Anna de",
    "Anna de Vries"), the ministry as written ("Min. BZK", "J&V"), Dutch headers the import
    recognises by meaning ("Naam deelnemer", "Datum workshop", "Deelname"), a total and a
    count line at the bottom, and half the people new. Timed: upload to preview
    (`import_batch_create` + `attendance_import_preview`) and confirm to applied
    (`attendance_import_apply`), each against a raw COPY of the same rows as text.

Every write runs in a transaction that is rolled back, so runs do not affect each other.
Prints all figures and ratios; asserts none of the times.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from functools import partial
from pathlib import Path
from typing import Any

from _setup import setup_django

DATABASE = "tm_bench_import_attendance"
HEADERS = [
    "Personeelsnummer",
    "Voornaam",
    "Achternaam",
    "E-mailadres",
    "Ministerie",
    "Datum",
    "Locatie",
    "Programma",
    "Aanwezig",
]


class _RollBack(Exception):
    pass


def rolled_back(func: Callable[[], Any]) -> tuple[float, Any]:
    """Run `func` in a transaction that is undone afterwards; return (seconds, result)."""
    from django.db import transaction

    box: list[Any] = []
    start = time.perf_counter()
    try:
        with transaction.atomic():
            box.append(func())
            elapsed = time.perf_counter() - start
            raise _RollBack
    except _RollBack:
        pass
    return elapsed, box[0]


# --- the rows ------------------------------------------------------------------------


def population(seed: int) -> tuple[Any, list[tuple[Any, ...]], list[tuple[Any, ...]], set[Any]]:
    """The supplier, its people rows, its unambiguous sessions and the existing pairs."""
    from django.db.models import Count

    from departments.models import Person
    from trainings.models import Supplier, TrainingCompletion, TrainingSession

    supplier = Supplier.objects.annotate(n=Count("sessions")).order_by("-n", "pk").first()
    assert supplier is not None, "seed the database first"
    people = list(
        Person.objects.exclude(first_name="")
        .exclude(last_name="")
        .filter(employee_number__isnull=False)
        .values_list(
            "pk", "employee_number", "first_name", "last_name", "email", "department__code"
        )
        .order_by("pk")
    )
    sessions: dict[tuple[Any, ...], list[tuple[Any, ...]]] = {}
    for row in TrainingSession.objects.filter(supplier=supplier).values_list(
        "pk", "date", "place", "is_online", "programme__name"
    ):
        pk, date, place, is_online, programme = row
        where = "online" if is_online and not place else place
        sessions.setdefault((date, where.casefold(), programme.casefold()), []).append(
            (pk, date, where, programme)
        )
    unique = sorted(group[0] for group in sessions.values() if len(group) == 1)
    existing = set(
        TrainingCompletion.objects.filter(session__supplier=supplier).values_list(
            "person_id", "session_id"
        )
    )
    random.Random(seed).shuffle(people)
    return supplier, people, unique, existing


def make_rows(
    count: int, people: list[tuple[Any, ...]], sessions: list[tuple[Any, ...]], existing: set[Any]
) -> Iterator[tuple[tuple[Any, ...], tuple[Any, ...]]]:
    """`count` distinct new (person, session) pairs, spread over people and sessions."""
    made = 0
    for offset in range(len(sessions)):
        for index, person in enumerate(people):
            session = sessions[(index + offset) % len(sessions)]
            if (person[0], session[0]) in existing:
                continue
            yield person, session
            made += 1
            if made == count:
                return
    raise SystemExit(f"only {made} new pairs available, asked for {count}")


def cells(person: tuple[Any, ...], session: tuple[Any, ...]) -> list[Any]:
    _pk, number, first, last, email, department = person
    _spk, date, place, programme = session
    return [number, first, last, email or "", department, date, place, programme, "ja"]


def write_csv(path: Path, pairs: list[tuple[tuple[Any, ...], tuple[Any, ...]]]) -> None:
    with path.open("w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out, delimiter=";")
        writer.writerow(HEADERS)
        for person, session in pairs:
            row = cells(person, session)
            row[5] = row[5].strftime("%d-%m-%Y")
            writer.writerow(row)


def write_xlsx(path: Path, pairs: list[tuple[tuple[Any, ...], tuple[Any, ...]]]) -> None:
    import datetime

    import xlsxwriter

    book = xlsxwriter.Workbook(str(path), {"constant_memory": True})
    sheet = book.add_worksheet("Aanwezigheid")
    date_format = book.add_format({"num_format": "dd-mm-yyyy"})
    sheet.write_row(0, 0, HEADERS)
    for number, (person, session) in enumerate(pairs, start=1):
        row = cells(person, session)
        sheet.write_row(number, 0, row[:5])
        day = row[5]
        excel_date = datetime.datetime(day.year, day.month, day.day)  # noqa: DTZ001
        sheet.write_datetime(number, 5, excel_date, date_format)
        sheet.write_row(number, 6, row[6:])
    book.close()


# --- the contenders ------------------------------------------------------------------


def our_import(path: Path, supplier: Any, *, force: bool = False) -> dict[str, int]:
    from imports.models import ImportStatus
    from imports.services import attendance_import_apply, import_batch_create

    with path.open("rb") as stream:
        batch = import_batch_create(file=stream, file_name=path.name, supplier=supplier)
    batch = attendance_import_apply(batch=batch, hold_invalid=True, force=force)
    assert batch.status == ImportStatus.APPLIED, (batch.status, batch.problems[:3])
    return dict(batch.counts)


def baseline_import(pairs: list[tuple[tuple[Any, ...], tuple[Any, ...]]]) -> int:
    """django-import-export's default path: a ModelResource, row by row, from a CSV."""
    from import_export import resources
    from import_export.formats.base_formats import CSV

    from trainings.models import TrainingCompletion

    class CompletionResource(resources.ModelResource):
        class Meta:
            model = TrainingCompletion
            fields = ("person", "session", "status")
            import_id_fields = ("person", "session")

    text = io.StringIO()
    writer = csv.writer(text)
    writer.writerow(["person", "session", "status"])
    for person, session in pairs:
        writer.writerow([person[0], session[0], "attended"])
    dataset = CSV().create_dataset(text.getvalue())
    result = CompletionResource().import_data(dataset, dry_run=False, raise_errors=True)
    return int(result.totals["new"])


def copy_import(pairs: list[tuple[tuple[Any, ...], tuple[Any, ...]]]) -> int:
    """The physical limit: COPY the resolved rows into an empty copy of the table."""
    from django.db import connection
    from django.utils import timezone

    now = timezone.now()
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE TEMP TABLE bench_completion "
            "(LIKE trainings_trainingcompletion INCLUDING ALL) ON COMMIT DROP"
        )
        raw = cursor.cursor  # psycopg 3
        with raw.copy(
            "COPY bench_completion (person_id, session_id, status, created_at, updated_at) "
            "FROM STDIN"
        ) as copy:
            for person, session in pairs:
                copy.write_row((person[0], session[0], "attended", now, now))
        cursor.execute("SELECT count(*) FROM bench_completion")
        return int(cursor.fetchone()[0])


def parse_ours(path: Path) -> int:
    from imports.reading import parse_attendance_file

    with path.open("rb") as stream:
        parsed = parse_attendance_file(stream, filename=path.name, max_bytes=1 << 31)
        assert not parsed.file_problems, parsed.file_problems
        return sum(1 for _ in parsed.rows())


def read_ours(path: Path) -> int:
    """Our XLSX reader alone: the rows as cells, like django-import-export's reader gives.

    The full parse above also types and checks every value (dates, attendance, emails),
    which their reader leaves to the resource's import, so both are printed.
    """
    from imports.reading.sources import open_xlsx

    with path.open("rb") as stream:
        table = open_xlsx(stream, None)
        try:
            # The header row is part of the sheet; their Dataset counts it as headers.
            return sum(1 for _ in table.rows) - 1
        finally:
            table.close()


def parse_theirs(path: Path) -> int:
    from import_export.formats.base_formats import XLSX

    return len(XLSX().create_dataset(path.read_bytes()))


# --- peak memory (a child process per size) ------------------------------------------


def _status_kb(key: str) -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(key + ":"):
            return int(line.split()[1])
    return 0


def memory_child(path: str, supplier_pk: int) -> None:
    """Import one file; print the peak RSS of the import itself (Linux: VmHWM reset)."""
    from trainings.models import Supplier

    supplier = Supplier.objects.get(pk=supplier_pk)
    before = _status_kb("VmRSS")
    try:  # forget the peak of the set-up (migrate, seed check) so only the import counts
        Path("/proc/self/clear_refs").write_text("5")
        peak_of = "VmHWM"
    except OSError:
        peak_of = ""
    seconds, counts = rolled_back(lambda: our_import(Path(path), supplier))
    peak_kb = _status_kb(peak_of) if peak_of else resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(
        json.dumps({"peak_kb": peak_kb, "before_kb": before, "seconds": seconds, "counts": counts})
    )


def measure_memory(path: Path, supplier_pk: int, scale: float, database: str) -> dict[str, Any]:
    env = {**os.environ, "IMPORT_MAX_UPLOAD_BYTES": str(1 << 31)}
    done = subprocess.run(
        [
            sys.executable,
            __file__,
            "--scale",
            str(scale),
            "--database",
            database,
            "--child",
            str(path),
            str(supplier_pk),
        ],
        check=False,
        capture_output=True,
        text=True,
        env=env,
        # The repository root: from benchmarks/ the child's Django found benchmarks/reports.py
        # where the reports app should be ("'reports' is not a package").
        cwd=Path(__file__).resolve().parent.parent,
    )
    if done.returncode != 0:
        raise SystemExit(f"the memory run failed:\n{done.stderr[-3000:]}")
    return dict(json.loads(done.stdout.strip().splitlines()[-1]))


# --- main ----------------------------------------------------------------------------


# --- (d) the realistic case ------------------------------------------------------------

REALISTIC_HEADERS = [
    "Naam deelnemer", "E-mailadres", "Ministerie", "Datum workshop", "Locatie", "Programma",
    "Deelname",
]  # fmt: skip
PROGRAMME = "Objectief selecteren"
# How suppliers write some ministries; the others are written as their code.
WRITTEN = {"BZK": "Min. BZK", "JenV": "J&V", "FIN": "Financiën", "IenW": "Min. IenW"}
FIRST = ["Anna", "Jeroen", "Fatima", "Pieter", "Sanne", "Mohamed", "Eva", "Daan", "Noor", "Luuk"]
PARTICLE_LAST = [("de", "Vries"), ("", "Jansen"), ("van der", "Berg"), ("", "Öztürk"),
                 ("van", "Dijk"), ("", "Bakker"), ("ter", "Horst"), ("", "El Amrani")]  # fmt: skip


def realistic_rows(count: int, seed: int) -> tuple[list[list[str]], int]:
    """`count` participant rows, half of them people who exist, and how many are new."""
    from departments.models import Department, Person

    rng = random.Random(seed)
    known = list(
        Person.objects.exclude(email=None)
        .values_list("first_name", "particle", "last_name", "email", "department__code")
        .order_by("pk")[: count // 2]
    )
    codes = list(Department.objects.values_list("code", flat=True))
    places = ["Utrecht", "Den Haag", "Zwolle", "Online", "Eindhoven"]
    rows: list[list[str]] = []
    for index in range(count):
        if index < len(known):
            first, particle, last, email, code = known[index]
        else:
            particle, last = rng.choice(PARTICLE_LAST)
            first, code = rng.choice(FIRST), rng.choice(codes)
            email = f"deelnemer.{index}@bench.example.nl"
        name = (
            f"{last}, {first} {particle}".strip()
            if index % 2
            else " ".join(p for p in (first, particle, last) if p)
        )
        day = f"{1 + index % 28:02d}-0{7 + index % 3}-2026"
        attended = "aanwezig" if index % 20 else "niet verschenen"
        where = places[index % len(places)]
        rows.append([name, email, WRITTEN.get(code, code), day, where, PROGRAMME, attended])
    return rows, count - len(known)


def write_realistic(path: Path, rows: list[list[str]]) -> None:
    with path.open("w", newline="", encoding="utf-8-sig") as out:
        writer = csv.writer(out, delimiter=";")
        writer.writerow(["Presentielijst workshop Objectief selecteren, 3e kwartaal 2026"])
        writer.writerow([])
        writer.writerow(REALISTIC_HEADERS)
        writer.writerows(rows)
        writer.writerow([])
        writer.writerow(["Totaal", "", "", "", "", "", str(len(rows))])
        writer.writerow([f"Aantal deelnemers: {len(rows)}"])


def copy_text(rows: list[list[str]]) -> int:
    """The floor: COPY the file's rows, as text, into a table of the file's columns."""
    from django.db import connection

    with connection.cursor() as cursor:
        columns = ", ".join(f"c{n} text" for n in range(len(REALISTIC_HEADERS)))
        cursor.execute(f"CREATE TEMP TABLE bench_rows ({columns}) ON COMMIT DROP")
        with cursor.cursor.copy("COPY bench_rows FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
        cursor.execute("SELECT count(*) FROM bench_rows")
        return int(cursor.fetchone()[0])


def realistic_case(count: int, seed: int, work: Path) -> None:
    from imports.models import ImportStatus
    from imports.services import (
        attendance_import_apply,
        attendance_import_preview,
        import_batch_create,
    )
    from trainings.models import TrainingProgramme

    rows, new = realistic_rows(count, seed)
    path = work / "kwartaal.csv"
    write_realistic(path, rows)
    programme = TrainingProgramme.objects.filter(name=PROGRAMME).select_related("supplier")
    supplier = programme.order_by("pk")[0].supplier
    assert supplier is not None

    def upload_preview_apply() -> tuple[float, float, Any]:
        start = time.perf_counter()
        with path.open("rb") as stream:
            batch = import_batch_create(file=stream, file_name=path.name, supplier=supplier)
        batch = attendance_import_preview(batch=batch)
        previewed = time.perf_counter()
        batch = attendance_import_apply(batch=batch, hold_invalid=True)
        return previewed - start, time.perf_counter() - previewed, batch

    _total, (preview, apply, batch) = rolled_back(upload_preview_apply)
    assert batch.status == ImportStatus.APPLIED, (batch.status, batch.problems[:3])
    copy_seconds, copied = rolled_back(lambda: copy_text(rows))
    assert copied == len(rows)
    counts = batch.counts
    print(
        f"(d) realistic: {len(rows):,} rows ({new:,} new people), full-name column, footer: "
        f"new {counts.get('new')}, updated {counts.get('updated')}, held "
        f"{counts.get('review', 0) + counts.get('rejected', 0)}, skipped {counts.get('skipped', 0)}"
    )
    print(f"    upload to preview   {preview:7.2f} s = {preview / copy_seconds:6.1f}x COPY")
    print(f"    confirm to applied  {apply:7.2f} s = {apply / copy_seconds:6.1f}x COPY")
    print(f"    raw COPY of the rows as text {copy_seconds:7.3f} s")
    path.unlink()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--scale", type=float, default=10.0)
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--baseline-rows", type=int, default=5_000)
    parser.add_argument("--memory-rows", default="50000,500000")
    parser.add_argument("--seed", type=int, default=4)
    parser.add_argument("--realistic", type=int, default=5_000, help="rows of case (d)")
    parser.add_argument("--database", default=DATABASE)
    parser.add_argument("--child", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args()
    os.environ.setdefault("IMPORT_MAX_UPLOAD_BYTES", str(1 << 31))
    setup_django(args.database, scale=args.scale)
    if args.child:
        memory_child(args.child[0], int(args.child[1]))
        return

    supplier, people, sessions, existing = population(args.seed)
    print(
        f"population: {len(people)} people with an employee number, {len(sessions)} sessions "
        f"of {supplier.code}, {len(existing)} existing completions"
    )
    memory_sizes = [int(n) for n in args.memory_rows.split(",") if n]
    biggest = max([args.rows, *memory_sizes])
    pairs = list(make_rows(biggest, people, sessions, existing))
    rows = pairs[: args.rows]
    work = Path(tempfile.mkdtemp(prefix="bench_import_"))
    csv_path, xlsx_path = work / "aanwezigheid.csv", work / "aanwezigheid.xlsx"
    start = time.perf_counter()
    write_csv(csv_path, rows)
    write_xlsx(xlsx_path, rows)
    print(
        f"generated {len(rows):,} rows in {time.perf_counter() - start:.1f} s: "
        f"CSV {csv_path.stat().st_size / 1e6:.1f} MB, XLSX {xlsx_path.stat().st_size / 1e6:.1f} MB"
    )

    figures: dict[str, float] = {}
    realistic_case(args.realistic, args.seed, work)

    # (a) the baseline
    subset = rows[: min(args.baseline_rows, len(rows))]
    seconds, created = rolled_back(lambda: baseline_import(subset))
    assert created == len(subset), created
    figures["baseline"] = seconds * len(rows) / len(subset)
    note = "" if len(subset) == len(rows) else f", extrapolated linearly from {len(subset):,} rows"
    print(
        f"(a) django-import-export ModelResource: {seconds:8.2f} s for {len(subset):,} rows "
        f"({len(subset) / seconds:,.0f} rows/s) -> {figures['baseline']:8.2f} s for "
        f"{len(rows):,} rows{note}"
    )

    # (b) ours: fresh and re-import, CSV and XLSX
    def fresh_then_again(path: Path) -> tuple[float, float, dict[str, int], dict[str, int]]:
        start = time.perf_counter()
        first = our_import(path, supplier)
        middle = time.perf_counter()
        second = our_import(path, supplier, force=True)
        return middle - start, time.perf_counter() - middle, first, second

    for label, path in (("CSV", csv_path), ("XLSX", xlsx_path)):
        _total, (fresh, again, first, second) = rolled_back(partial(fresh_then_again, path))
        assert first["new"] == len(rows), first
        assert second["unchanged"] == len(rows), second
        figures[f"fresh_{label}"] = fresh
        figures[f"again_{label}"] = again
        print(
            f"(b) ours from {label:4}: fresh {fresh:7.2f} s ({len(rows) / fresh:,.0f} rows/s), "
            f"re-import {again:7.2f} s (all {second['unchanged']:,} unchanged)"
        )

    # (c) COPY
    seconds, copied = rolled_back(lambda: copy_import(rows))
    assert copied == len(rows)
    figures["copy"] = seconds
    print(
        f"(c) PostgreSQL COPY of resolved rows: {seconds:7.2f} s "
        f"({len(rows) / seconds:,.0f} rows/s)"
    )

    # parsing XLSX
    start = time.perf_counter()
    ours_rows = parse_ours(xlsx_path)
    figures["parse_ours"] = time.perf_counter() - start
    start = time.perf_counter()
    read_rows = read_ours(xlsx_path)
    figures["read_ours"] = time.perf_counter() - start
    start = time.perf_counter()
    theirs_rows = parse_theirs(xlsx_path)
    figures["parse_theirs"] = time.perf_counter() - start
    assert ours_rows == len(rows), ours_rows
    assert theirs_rows == len(rows), theirs_rows
    assert read_rows == len(rows), read_rows
    print(
        f"XLSX reading: ours {figures['read_ours']:.2f} s (cells only), "
        f"{figures['parse_ours']:.2f} s (cells typed and checked); "
        f"django-import-export (openpyxl) {figures['parse_theirs']:.2f} s"
    )

    # peak memory
    memory: dict[int, dict[str, Any]] = {}
    for size in memory_sizes:
        path = work / f"memory_{size}.csv"
        write_csv(path, pairs[:size])
        memory[size] = measure_memory(path, supplier.pk, args.scale, args.database)
        grown = (memory[size]["peak_kb"] - memory[size]["before_kb"]) / 1024
        print(
            f"peak memory, {size:>7,}-row import: {memory[size]['peak_kb'] / 1024:7.1f} MB "
            f"(process before the import {memory[size]['before_kb'] / 1024:.1f} MB, "
            f"+{grown:.1f} MB; import {memory[size]['seconds']:.1f} s)"
        )
        path.unlink()

    print("\nratios (goal in brackets):")
    fresh = figures["fresh_CSV"]
    print(f"  baseline / ours (CSV, fresh)   {figures['baseline'] / fresh:7.1f}x   [>= 20x]")
    print(f"  ours / COPY                    {fresh / figures['copy']:7.1f}x   [<= 4x]")
    print(f"  re-import / fresh (CSV)        {figures['again_CSV'] / fresh:7.2f}x   [<= 1.5x]")
    print(f"  re-import / fresh (XLSX)       {figures['again_XLSX'] / figures['fresh_XLSX']:7.2f}x")
    read_ratio = figures["parse_theirs"] / figures["read_ours"]
    print(f"  XLSX read theirs / ours        {read_ratio:7.1f}x   [>= 5x]")
    parse_ratio = figures["parse_theirs"] / figures["parse_ours"]
    print(f"  XLSX theirs / our full parse   {parse_ratio:7.1f}x   (ours also types every value)")
    if len(memory_sizes) == 2:
        small, large = sorted(memory_sizes)
        ratio = memory[large]["peak_kb"] / memory[small]["peak_kb"]
        print(f"  peak memory {large:,} / {small:,}   {ratio:7.2f}x   [<= 2x]")
    csv_path.unlink()
    xlsx_path.unlink()
    work.rmdir()


if __name__ == "__main__":
    main()
