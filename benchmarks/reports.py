"""Compiling a quarter's reports against the limit, and the XLSX export against tablib.

    python benchmarks/reports.py [--scale 10] [--repeat 3] [--rows 100000] [--no-xlsx]
                                 [--pages 15] [--database NAME]

1. The figures of one quarter for all departments, against a single hand-written SQL
   aggregate of the same core figure (memberships requiring training and trained per
   department: the limit of what the database has to do). Ours is timed twice: the core
   figure alone through the shared compliance annotations, and the whole ICOP summary
   (every column, previous quarter, eight-quarter trend, suppression). Goal: within 3x.
2. The XLSX export, reusing benchmarks/report_exports.py: write_xlsx against
   tablib/django-import-export's export of the same rows. Goal: at least 2x faster and at
   most a tenth of the peak memory.

3. The pages that read the stored quarterly figures (reports.stored): the median of
   `--pages` requests (in-process test client, logged in) of the department dashboard
   (as op.bzk), the bureau's home overview and what-if-strict (as bureau), against the
   floor: /privacy/, a static page, logged in as the same user. Goal: each within 3x.
   Also the time to rebuild every stored figure, and the live computation the pages did
   before (every quarter on every view) for comparison.

Prints the figures and ratios; it reports, it does not assert (except that both ways
count the same).
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from _setup import setup_django

CORE_SQL = """
SELECT c.department_id,
       COUNT(*) AS memberships,
       COUNT(*) FILTER (WHERE EXISTS (
           SELECT 1
           FROM trainings_trainingcompletion tc
           JOIN trainings_trainingsession s ON s.id = tc.session_id
           WHERE tc.person_id = m.person_id
             AND tc.status = 'attended'
             AND NOT s.cancelled
             AND s.date <= c.interview_date
       )) AS trained
FROM committees_committeemembership m
JOIN committees_selectioncommittee c ON c.id = m.committee_id
WHERE c.interview_date BETWEEN %s AND %s
  AND c.status <> 'cancelled'
  AND m.role = ANY(%s)
GROUP BY c.department_id
"""


# The whole of both reports' figures for the eight quarters up to the quarter, written
# by hand: what the database must do at least. %(start)s/%(end)s: the eight quarters.
COUNTED = "NOT (tc.source = 'hand' AND tc.confirmed_at IS NULL)"
COMMITTEES_SQL = f"""
WITH members AS (
    SELECT m.committee_id, EXISTS (
               SELECT 1
               FROM trainings_trainingcompletion tc
               JOIN trainings_trainingsession s ON s.id = tc.session_id
               WHERE tc.person_id = m.person_id AND tc.status = 'attended' AND {COUNTED}
                 AND NOT s.cancelled AND s.date <= c.interview_date
           ) AS trained
    FROM committees_committeemembership m
    JOIN committees_selectioncommittee c ON c.id = m.committee_id
    WHERE c.interview_date BETWEEN %(start)s AND %(end)s AND c.status <> 'cancelled'
      AND m.role = ANY(%(roles)s)
), per_committee AS (
    SELECT c.department_id, c.interview_date,
           COUNT(m.committee_id) AS required,
           COUNT(m.committee_id) FILTER (WHERE m.trained) AS trained,
           EXISTS (SELECT 1 FROM committees_committeejustification j
                   WHERE j.committee_id = c.id) AS justified
    FROM committees_selectioncommittee c
    LEFT JOIN members m ON m.committee_id = c.id
    WHERE c.interview_date BETWEEN %(start)s AND %(end)s AND c.status <> 'cancelled'
    GROUP BY c.id
)
SELECT department_id, EXTRACT(YEAR FROM interview_date)::int, EXTRACT(QUARTER FROM interview_date)::int,
       COUNT(*), COUNT(*) FILTER (WHERE required > 0 AND required = trained),
       COUNT(*) FILTER (WHERE justified), SUM(required), SUM(trained)
FROM per_committee GROUP BY 1, 2, 3
"""  # noqa: E501
PEOPLE_SQL = f"""
SELECT p.department_id, date_trunc('quarter', s.date),
       COUNT(DISTINCT tc.person_id) FILTER (WHERE tc.status = 'attended'),
       COUNT(DISTINCT tc.person_id) FILTER (WHERE tc.status = 'attended' AND tc.source = 'hand'),
       COUNT(*) FILTER (WHERE tc.status = 'no_show')
FROM trainings_trainingcompletion tc
JOIN trainings_trainingsession s ON s.id = tc.session_id
JOIN departments_person p ON p.id = tc.person_id
WHERE NOT s.cancelled AND s.date BETWEEN %(start)s AND %(end)s AND {COUNTED}
GROUP BY 1, 2
"""
SESSIONS_SQL = """
SELECT supplier_id, date_trunc('quarter', date), COUNT(*), SUM(capacity)
FROM trainings_trainingsession
WHERE NOT cancelled AND NOT entered_by_hand AND date BETWEEN %(start)s AND %(end)s
GROUP BY 1, 2
"""
PLACES_SQL = f"""
SELECT s.{{group}}, date_trunc('quarter', s.date),
       COUNT(*) FILTER (WHERE tc.status = 'attended'), COUNT(*) FILTER (WHERE tc.status = 'no_show')
FROM trainings_trainingcompletion tc
JOIN trainings_trainingsession s ON s.id = tc.session_id
WHERE NOT s.cancelled AND s.date BETWEEN %(start)s AND %(end)s AND {COUNTED}
GROUP BY 1, 2
"""
EVALUATIONS_SQL = """
SELECT s.{group}, date_trunc('quarter', s.date), e.scale,
       SUM(e.response_count), SUM(e.score * e.response_count)
FROM trainings_evaluation e
JOIN trainings_trainingsession s ON s.id = e.session_id
WHERE NOT s.cancelled AND s.date BETWEEN %(start)s AND %(end)s
  AND (e.person_id IS NULL OR NOT EXISTS (
      SELECT 1 FROM trainings_evaluation a
      WHERE a.session_id = e.session_id AND a.person_id IS NULL))
GROUP BY 1, 2, 3
"""


def best_of(repeat: int, work: Callable[[], object]) -> tuple[float, object, int]:
    from django.db import connection

    best = float("inf")
    result: object = None
    queries = 0
    for _ in range(repeat):
        count = [0]

        def counter(execute, sql, params, many, context, count=count):
            count[0] += 1
            return execute(sql, params, many, context)

        with connection.execute_wrapper(counter):
            began = time.perf_counter()
            result = work()
            best = min(best, time.perf_counter() - began)
        queries = count[0]
    return best, result, queries


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=10.0)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--quarter", default="", help="Default: the last ended quarter.")
    parser.add_argument("--no-xlsx", action="store_true", help="Leave out part 2.")
    parser.add_argument("--pages", type=int, default=15, help="Requests per page (part 3).")
    parser.add_argument("--database", default="", help="Default: tm_bench_reports_<scale>.")
    parser.add_argument("--only-pages", action="store_true", help="Part 3 alone.")
    args = parser.parse_args()
    began = time.perf_counter()
    database = args.database or f"tm_bench_reports_{str(args.scale).replace('.', '_')}"
    setup_django(database, scale=args.scale)
    print(f"database ready (scale {args.scale}) in {time.perf_counter() - began:.0f} s")
    if args.only_pages:
        pages(args.pages)
        return

    from django.conf import settings
    from django.db import connection
    from django.utils import timezone

    from committees.models import CommitteeMembership, SelectionCommittee
    from reports.figures import icop_report, memberships_by_department, regiegroep_report
    from reports.quarters import Quarter

    quarter = (
        Quarter.parse(args.quarter) if args.quarter else Quarter.last_ended(timezone.localdate())
    )
    print(
        f"quarter {quarter}: {SelectionCommittee.objects.count():,} committees, "
        f"{CommitteeMembership.objects.count():,} memberships in the database"
    )

    def limit() -> dict[int, tuple[int, int]]:
        with connection.cursor() as cursor:
            cursor.execute(
                CORE_SQL, [quarter.start, quarter.end, list(settings.TRAINING_REQUIRED_ROLES)]
            )
            return {row[0]: (row[1], row[2]) for row in cursor.fetchall()}

    def core() -> dict[int, tuple[int, int]]:
        figures = memberships_by_department(quarter, quarter)
        key = (quarter.year, quarter.number)
        return {
            department: (f["memberships"], f["trained"])
            for (k, department), f in figures.items()
            if k == key and f["memberships"]
        }

    limit()  # warm the database cache so that neither side pays for the first read
    sql_time, sql_result, _ = best_of(args.repeat, limit)
    core_time, core_result, core_queries = best_of(args.repeat, core)
    assert sql_result == core_result, "the hand-written SQL and ours must count the same"
    icop_time, _, icop_queries = best_of(args.repeat, lambda: icop_report(quarter))
    regie_time, _, regie_queries = best_of(args.repeat, lambda: regiegroep_report(quarter))

    print(f"hand-written SQL (the limit):      {sql_time * 1000:9.1f} ms   1 query")
    print(
        f"core figure, shared annotations:   {core_time * 1000:9.1f} ms   "
        f"{core_queries} queries   ratio {core_time / sql_time:5.2f}x (goal <= 3x)"
    )
    print(
        f"whole ICOP summary (8 quarters):   {icop_time * 1000:9.1f} ms   "
        f"{icop_queries} queries   ratio {icop_time / sql_time:5.2f}x"
    )
    print(
        f"whole Regiegroep summary:          {regie_time * 1000:9.1f} ms   {regie_queries} queries"
    )

    by_hand(quarter, args.repeat, icop_time, regie_time)
    pages(args.pages)
    if not args.no_xlsx:
        xlsx(args.rows, quarter)


def by_hand(quarter: Any, repeat: int, icop_time: float, regie_time: float) -> None:
    """Both reports against hand-written SQL for all of their figures (8 quarters)."""
    from django.conf import settings
    from django.db import connection

    from reports.figures import compliance_by_department

    quarters = quarter.last_n(8)
    eight = {"start": quarters[0].start, "end": quarter.end}
    eight["roles"] = list(settings.TRAINING_REQUIRED_ROLES)
    two = {"start": quarter.previous().start, "end": quarter.end}
    icop = [(COMMITTEES_SQL, eight), (PEOPLE_SQL, eight)]
    regiegroep = [
        # Its summary page carries the ICOP's share trained per department.
        (COMMITTEES_SQL, eight),
        (PEOPLE_SQL, eight),
        (SESSIONS_SQL, eight),
        (PLACES_SQL.format(group="supplier_id"), eight),
        (PLACES_SQL.format(group="programme_id"), two),
        (EVALUATIONS_SQL.format(group="supplier_id"), eight),
        (EVALUATIONS_SQL.format(group="programme_id"), two),
    ]

    def run(queries: list[tuple[str, dict[str, Any]]]) -> list[list[tuple[Any, ...]]]:
        with connection.cursor() as cursor:
            results = []
            for sql, params in queries:
                cursor.execute(sql, params)
                results.append(cursor.fetchall())
            return results

    icop_sql, icop_rows, _ = best_of(repeat, lambda: run(icop))
    regie_sql, _, _ = best_of(repeat, lambda: run(regiegroep))
    ours = {
        (dept, y, q): (
            f["committees"],
            f["compliant"],
            f["justified"],
            f["memberships"],
            f["trained"],
        )
        for ((y, q), dept), f in compliance_by_department(quarters[0], quarter).items()
    }
    mine = {
        (r[0], r[1], r[2]): (r[3], r[4], r[5], int(r[6] or 0), int(r[7] or 0))
        for r in icop_rows[0]  # type: ignore[index]
    }
    assert ours == mine, "the hand-written ICOP SQL and ours must count the same"
    print("both reports against hand-written SQL for all their figures (8 quarters):")
    print(
        f"  ICOP:       SQL {icop_sql * 1000:8.1f} ms ({len(icop)} queries), compile "
        f"{icop_time * 1000:8.1f} ms   ratio {icop_time / icop_sql:5.2f}x (goal <= 3x)"
    )
    print(
        f"  Regiegroep: SQL {regie_sql * 1000:8.1f} ms ({len(regiegroep)} queries), compile "
        f"{regie_time * 1000:8.1f} ms   ratio {regie_time / regie_sql:5.2f}x (goal <= 3x)"
    )


def median_of(count: int, work: Callable[[], object]) -> tuple[float, int]:
    """The median seconds of `count` runs of `work` (after one warm-up) and its queries."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    work()
    times = []
    for _ in range(count):
        began = time.perf_counter()
        work()
        times.append(time.perf_counter() - began)
    with CaptureQueriesContext(connection) as queries:
        work()
    return statistics.median(times), len(queries.captured_queries)


def pages(count: int) -> None:
    """Part 3: the pages reading the stored figures against a static page."""
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.test import Client
    from django.utils import timezone

    from departments.models import Department
    from reports import dashboard
    from reports.quarters import Quarter
    from reports.stored import figures_rebuild

    # The in-process test client calls itself "testserver".
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    began = time.perf_counter()
    rows = figures_rebuild()
    print(f"rebuild_figures: {time.perf_counter() - began:.1f} s, {rows:,} rows (all quarters)")
    users = get_user_model().objects
    clients = {}
    for name in ("op.bzk", "bureau"):
        client = Client()
        client.force_login(users.get(username=name))
        clients[name] = client

    def get(user: str, url: str) -> Callable[[], object]:
        def work() -> None:
            response = clients[user].get(url)
            assert response.status_code == 200, (url, response.status_code)

        return work

    print(f"pages, median of {count} rounds (in-process, logged in; each round asks the")
    print("floor and the pages one after the other, so that both meet the same load):")
    for user, urls in (
        ("op.bzk", ("/departments/BZK/",)),
        ("bureau", ("/", "/departments/what-if-strict/")),
    ):
        asked = ("/privacy/", *urls)
        times: dict[str, list[float]] = {url: [] for url in asked}
        queries = {url: median_of(1, get(user, url))[1] for url in asked}
        for _ in range(count):
            for url in asked:
                times[url].append(median_of(1, get(user, url))[0])
        floor = statistics.median(times["/privacy/"])
        label = "/privacy/ (floor)"
        print(f"  {user:7} {label:29} {floor * 1000:8.1f} ms  {queries['/privacy/']:3} queries")
        for url in urls:
            took = statistics.median(times[url])
            print(
                f"  {user:7} {url:29} {took * 1000:8.1f} ms  {queries[url]:3} queries"
                f"  {took / floor:5.2f}x the floor (goal <= 3x)"
            )
    today = timezone.localdate()
    quarter = Quarter.containing(today)
    first = quarter.previous().previous().previous()
    bzk = Department.objects.filter(code="BZK")
    every = Department.objects.all()
    live = (
        ("dashboard", lambda: dashboard.quarterly_figures(bzk, today)),
        ("home overview", lambda: list(dashboard.overview(every, quarter))),
        ("what-if", lambda: dashboard.what_if_strict(every, first.start, quarter.end)),
    )
    print("the live computation the pages did before (figures only, no page):")
    for name, work in live:
        took, _queries = median_of(max(1, count // 5), work)
        print(f"  {name:14} {took * 1000:8.1f} ms")


def xlsx(count: int, quarter: object) -> None:
    # Part 2: the XLSX export, as measured by benchmarks/report_exports.py.
    import tempfile
    from pathlib import Path

    import tablib

    from benchmarks.report_exports import baseline_rows, build_table, measure
    from reports.presentation.suppression import suppress
    from reports.presentation.tables import Report
    from reports.presentation.xlsx import write_xlsx

    table = suppress(build_table(count))
    report = Report("icop", str(quarter), "Benchmark", datetime.now(UTC), tables=(table,))
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
        base_time, base_peak = measure(baseline)
    mib = 1024 * 1024
    print(f"XLSX, {count:,} rows")
    print(f"  write_xlsx:     {our_time:7.2f} s   peak {our_peak / mib:8.1f} MiB")
    print(f"  tablib (xlsx):  {base_time:7.2f} s   peak {base_peak / mib:8.1f} MiB")
    print(f"  speed-up:       {base_time / our_time:7.2f}x   (goal >= 2x)")
    print(f"  memory ratio:   {our_peak / base_peak:7.3f}    (goal <= 0.100)")


if __name__ == "__main__":
    main()
