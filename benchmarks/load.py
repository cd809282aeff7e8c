"""Mixed load at Rijk scale: simulated users against gunicorn and the Celery workers.

    python benchmarks/load.py [--scale 50] [--users 100] [--seconds 120] [--floor-seconds 30]
        [--workers N (3 per core)] [--threads 1] [--no-jobs] [--database NAME]
        [--template NAME] [--redis-url URL]

The database is taken by name (`--database`); by default a copy of the seeded
`tm_bench_reports_<scale>` made once with `CREATE DATABASE ... TEMPLATE` (nothing is
reseeded; the run's edits, members, registrations and imports stay in the copy). The
processes are the production ones (scripts/run.sh): gunicorn (`web`, `--workers` sync
workers, or gthread with `--threads` > 1) and one Celery worker per queue with compose's
concurrency (imports 1, reports 2, notifications 1), on `--redis-url` (a Redis database
of the benchmark's own: other workers on the same database would take its tasks).
Settings: training_monitor.settings_test (the seeded passwords are MD5-hashed).

The users (locust, headless, a pause of 0.5-1.5 s between requests):
- O&P staff of six ministries (4 in 5 of the users): dashboard, committee list, committee
  page, person page, people search; editing: a committee's note, adding a member (with
  the justification step where the ministry asks one), registering a member for a session
  (joining its waiting list, as the page offers, when another user took the last place);
- the programme bureau (1 in 5): the frozen report files (XLSX, CSV, PDF), the home
  overview of all ministries, the supplier comparison;
- one compile (the bureau POSTs the compile form, then reloads the job page every 3 s as
  its Refresh header asks) and one attendance import (an administrator uploads a CSV on the
  import page, follows the progress fragment every second, applies the preview, follows it
  again), both started about 10 s into the run (`--no-jobs`: neither, to compare servers).

Then, with `--floor-seconds` > 0, a second short run: the same number of users, logged in
as the same people, with the same pauses, asking only the floor page (`/privacy/`, logged in,
static). Its throughput is what the server gives its cheapest page to this crowd, so the
mix's throughput against it says how much the real pages cost the users. (A share of users
asking the floor inside the mix would not do: their throughput is set by their own pauses,
whatever the server does.)

Prints per request type and in total (logins left out: once per user): count, errors,
requests/s, median and 95th percentile, p95/median; the compile's and the import's
durations; the goals (zero errors, p95 at most 3x the median) printed, not asserted.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))

from _setup import database_copy  # noqa: E402
from pages import (  # type: ignore[import-not-found]  # noqa: E402
    BASE_URL,
    PASSWORD,
    free_port,
)

# O&P staff: the demo's own two, and a benchmark login for four more ministries.
MINISTRIES = {
    "op.bzk": "BZK",
    "op.fin": "FIN",
    "load.jenv": "JenV",
    "load.def": "DEF",
    "load.ienw": "IenW",
    "load.vws": "VWS",
}
# As docker-compose.yml runs them: one worker per queue, its concurrency.
CELERY_WORKERS = {"imports": 1, "reports": 2, "notifications": 1}
# gunicorn sync workers per core, chosen by measuring (docs/scaling.md, "Workers per core").
WORKERS_PER_CORE = 3


# --- In the child process (Django set up on the copy) --------------------------------


def prepare(database: str, scale: float, out: Path, import_rows: int) -> None:
    """Migrate the copy, add the logins, compile a quarter if none is, and write the
    targets (URLs and form values per user) and the attendance file to `out`."""
    from _setup import setup_django

    setup_django(database, scale=scale)
    from django.core.management import call_command

    from reports.models import ReportSnapshot

    _logins()
    if not ReportSnapshot.objects.exists():
        with open(os.devnull, "w") as quiet:
            call_command("compile_reports", "--latest", stdout=quiet)
    targets = {
        "op": {username: _ministry_targets(code) for username, code in MINISTRIES.items()},
        "bureau": _bureau_targets(),
        "import": _import_file(out / "aanwezigheid.csv", import_rows),
    }
    (out / "targets.json").write_text(json.dumps(targets, default=str))


def _logins() -> None:
    from django.contrib.auth.models import Group, User

    from departments.access import GROUP_NAMES, Role
    from departments.models import Department

    group = Group.objects.get(name=GROUP_NAMES[Role.OP_STAFF])
    for username, code in MINISTRIES.items():
        user, created = User.objects.get_or_create(username=username)
        if created:
            user.set_password(PASSWORD)
            user.save()
            user.groups.set([group])
        Department.objects.get(code=code).staff.add(user)


def _ministry_targets(code: str) -> dict[str, Any]:
    import datetime

    from django.utils import timezone

    from committees.models import CommitteeMembership, CommitteeStatus, SelectionCommittee
    from departments.models import Person

    recent = list(
        SelectionCommittee.objects.filter(department__code=code).order_by("-interview_date")[:40]
    )
    people = list(
        CommitteeMembership.objects.filter(committee__in=recent)
        .values_list("person_id", "person__last_name")
        .distinct()[:40]
    )
    soon = timezone.localdate() + datetime.timedelta(days=14)
    planned = [c for c in recent if c.status == CommitteeStatus.PLANNED and c.interview_date > soon]
    candidates = list(
        Person.objects.filter(department__code=code)
        .order_by("-pk")
        .values_list("pk", flat=True)[:400]
    )
    return {
        "dashboard": f"/departments/{code}/",
        "committees": [f"/committees/{c.pk}/" for c in recent],
        "people": [f"/people/{pk}/" for pk, _name in people],
        "searches": sorted({name for _pk, name in people if name})[:20],
        "edits": [_edit(c) for c in recent if c.status == CommitteeStatus.PLANNED][:10],
        # Each pair once: a second add of the same person is refused (and rightly so).
        "adds": _adds(planned, candidates),
        "registers": _registrations(code),
    }


def _adds(planned: list[Any], people: list[int]) -> list[dict[str, int]]:
    """(committee, person) pairs to add, spread over the planned committees; none twice
    and none already on the committee (a second add is refused, and rightly so)."""
    from committees.models import CommitteeMembership

    if not planned:
        return []
    taken = set(
        CommitteeMembership.objects.filter(committee__in=planned).values_list(
            "committee_id", "person_id"
        )
    )
    pairs = ((planned[i % len(planned)].pk, person) for i, person in enumerate(people))
    return [{"committee": c, "person": p} for c, p in pairs if (c, p) not in taken]


def _edit(committee: Any) -> dict[str, Any]:
    # Everything but the note kept: no enforcement rule asks for a justification.
    return {
        "url": f"/committees/{committee.pk}/edit/",
        "fields": {
            "department": committee.department_id,
            "vacancy_reference": committee.vacancy_reference,
            "vacancy_title": committee.vacancy_title,
            "interview_date": committee.interview_date.isoformat(),
            "status": committee.status,
            "justification": "",
        },
    }


def _registrations(code: str) -> list[str]:
    """The register pages of untrained members, not registered yet, of planned committees
    interviewing in more than two weeks: one per person."""
    import datetime

    from django.utils import timezone

    from committees.models import CommitteeMembership, CommitteeStatus
    from trainings.models import CompletionStatus, TrainingCompletion

    soon = timezone.localdate() + datetime.timedelta(days=14)
    registered = TrainingCompletion.objects.filter(
        status=CompletionStatus.REGISTERED, session__date__gte=timezone.localdate()
    ).values("person_id")
    rows = (
        CommitteeMembership.objects.with_training_status()
        .filter(
            committee__department__code=code,
            committee__status=CommitteeStatus.PLANNED,
            committee__interview_date__gt=soon,
            requires_training=True,
            is_trained=False,
        )
        .exclude(person_id__in=registered)
        .order_by("committee__interview_date")
        .values_list("committee_id", "pk", "person_id")[:400]
    )
    seen: set[int] = set()
    urls = []
    for committee, membership, person in rows:
        if person not in seen:
            seen.add(person)
            urls.append(f"/committees/{committee}/members/{membership}/register/")
    return urls[:150]


def _bureau_targets() -> dict[str, Any]:
    from django.utils import timezone

    from reports.models import ReportSnapshot
    from reports.quarters import Quarter

    snapshots = ReportSnapshot.objects.values_list("pk", flat=True)
    return {
        "downloads": [
            f"/reports/{pk}/download/{fmt}/" for pk in snapshots for fmt in ("xlsx", "csv", "pdf")
        ],
        # The quarter before the last ended one: a compile of its own (the last one's
        # snapshots are the files being downloaded).
        "compile_quarter": str(Quarter.last_ended(timezone.localdate()).previous()),
    }


def _import_file(path: Path, rows: int) -> dict[str, Any]:
    """A supplier's attendance list of `rows` rows new to the database, as a CSV."""
    import import_attendance  # type: ignore[import-not-found]

    supplier, people, sessions, existing = import_attendance.population(seed=int(time.time()))
    pairs = list(import_attendance.make_rows(rows, people, sessions, existing))
    import_attendance.write_csv(path, pairs)
    return {"supplier": supplier.pk, "path": str(path), "rows": rows}


# --- The processes -------------------------------------------------------------------


def environment(database: str, redis_url: str, media: str) -> dict[str, str]:
    return {
        **os.environ,
        "PATH": f"{Path(sys.executable).parent}:{os.environ.get('PATH', '')}",
        "DATABASE_URL": f"{BASE_URL.replace('postgresql', 'postgres', 1)}/{database}",
        "DJANGO_SETTINGS_MODULE": "training_monitor.settings_test",
        "CELERY_BROKER_URL": redis_url,
        "MEDIA_STORAGE": "filesystem",
        "MEDIA_ROOT": media,
        "WHITENOISE_USE_FINDERS": "true",
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        # Plain http on localhost: secure-only cookies would never come back.
        "SESSION_COOKIE_SECURE": "false",
        "CSRF_COOKIE_SECURE": "false",
        "SECURE_SSL_REDIRECT": "false",
    }


def start(
    env: dict[str, str], *, port: int, workers: int, threads: int, logs: Path
) -> list[subprocess.Popen[bytes]]:
    """The Celery workers and gunicorn, as scripts/run.sh starts them in production."""
    processes = []
    for queue, concurrency in CELERY_WORKERS.items():
        log = (logs / f"worker-{queue}.log").open("wb")
        processes.append(
            subprocess.Popen(
                [str(ROOT / "scripts" / "run.sh"), "worker"],
                env={
                    **env,
                    "CELERY_WORKER_QUEUES": queue,
                    "CELERY_WORKER_CONCURRENCY": str(concurrency),
                    "CELERY_WORKER_NAME": f"{queue}-load@%h",
                },
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        )
    web_env = {**env, "WEB_BIND": f"127.0.0.1:{port}", "WEB_WORKERS": str(workers)}
    if threads > 1:
        # gunicorn's own way to add options to a fixed command line; --threads makes
        # the workers gthread workers.
        web_env["GUNICORN_CMD_ARGS"] = f"--threads {threads}"
    log = (logs / "web.log").open("wb")
    processes.append(
        subprocess.Popen(
            [str(ROOT / "scripts" / "run.sh"), "web"],
            env=web_env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    )
    _wait_until_up(f"http://127.0.0.1:{port}", processes)
    return processes


def _wait_until_up(base: str, processes: list[subprocess.Popen[bytes]]) -> None:
    import urllib.request

    for _ in range(300):
        try:
            urllib.request.urlopen(base + "/accounts/login/", timeout=2)  # noqa: S310
            return
        except OSError:
            time.sleep(0.2)
    stop(processes)
    raise RuntimeError("gunicorn did not start (see its log)")


def stop(processes: list[subprocess.Popen[bytes]]) -> None:
    for process in processes:
        process.terminate()
    for process in processes:
        try:
            process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def run_locust(
    base: str, *, classes: list[str], seconds: int, users: int, tmp: Path, name: str
) -> dict[str, Any]:
    """Run the locustfile's `classes` headless; returns every request and the flows."""
    out = tmp / f"{name}.json"
    subprocess.run(
        [
            str(Path(sys.executable).parent / "locust"),
            "-f",
            str(HERE / "load_locustfile.py"),
            "--headless",
            "-u",
            str(users),
            "-r",
            str(max(1, users // 5)),
            "-t",
            f"{seconds}s",
            "--stop-timeout",
            "10",
            "--host",
            base,
            "--only-summary",
            "--loglevel",
            "ERROR",
            *classes,
        ],
        env={
            **os.environ,
            "BENCH_TARGETS": str(tmp / "targets.json"),
            "BENCH_PASSWORD": PASSWORD,
            "BENCH_OUT": str(out),
        },
        check=False,
        stdout=subprocess.DEVNULL,
        stderr=(tmp / f"{name}-locust.log").open("wb"),
        timeout=seconds + 180,
    )
    if not out.exists():
        raise RuntimeError(f"locust wrote no results; see {tmp}/{name}-locust.log")
    result: dict[str, Any] = json.loads(out.read_text())
    return result


# --- The figures ---------------------------------------------------------------------


def summarise(requests: list[list[Any]], seconds: float) -> dict[str, dict[str, float]]:
    """Per request type and 'total' (logins left out): count, errors, req/s, median, p95."""
    groups: dict[str, list[list[Any]]] = {}
    for row in requests:
        groups.setdefault(row[0], []).append(row)
        if row[0] != "login":
            groups.setdefault("total", []).append(row)
    figures = {}
    for name, rows in groups.items():
        times = sorted(row[1] for row in rows)
        p95 = times[min(len(times) - 1, int(0.95 * len(times)))]
        median = statistics.median(times)
        figures[name] = {
            "count": len(rows),
            "errors": sum(1 for row in rows if row[2]),
            "rps": len(rows) / seconds,
            "median": median,
            "p95": p95,
            "ratio": p95 / max(median, 1),
        }
    return figures


def print_table(title: str, figures: dict[str, dict[str, float]]) -> None:
    print(f"\n{title}")
    print(
        f"{'request':41} {'count':>6} {'errors':>6} {'req/s':>6} "
        f"{'median ms':>9} {'p95 ms':>8} {'p95/med':>7}"
    )
    for name in sorted(figures, key=lambda n: (n == "total", n)):
        f = figures[name]
        print(
            f"{name:41} {f['count']:6.0f} {f['errors']:6.0f} {f['rps']:6.1f} "
            f"{f['median']:9.0f} {f['p95']:8.0f} {f['ratio']:6.1f}x"
        )


def jobs_outcome(database: str, flows: dict[str, Any]) -> list[str]:
    """What became of the compile and the import, and how long they took, from the
    database (the users following them may have been stopped with the run)."""
    import psycopg

    lines = []
    with psycopg.connect(f"{BASE_URL}/{database}") as conn:
        if "job" in flows:
            status, waited, took = conn.execute(
                """SELECT status, started_at - created_at, finished_at - started_at
                   FROM reports_reportjob WHERE id = %s""",
                [flows["job"]],
            ).fetchone() or ("?", None, None)
            lines.append(
                f"compile {flows.get('compile_quarter', '')} (job {flows['job']}): {status};"
                f" waited {_seconds(waited)}, compiled in {_seconds(took)}"
            )
        if "batch" in flows:
            # The table kept its name from when imports lived in trainings (db_table).
            status, counts, took = conn.execute(
                """SELECT status, counts, applied_at - apply_started_at
                   FROM trainings_importbatch WHERE id = %s""",
                [flows["batch"]],
            ).fetchone() or ("?", {}, None)
            lines.append(
                f"import of {flows.get('import_rows', '?')} rows (batch {flows['batch']}): "
                f"{status}; preview followed for {flows.get('preview_seconds', '?')} s, "
                f"applied in {_seconds(took)}; {counts}"
            )
    return lines or ["the compile and the import did not start"]


def _seconds(interval: Any) -> str:
    return "-" if interval is None else f"{interval.total_seconds():.1f} s"


def report(mixed: dict[str, Any], floor: dict[str, Any] | None, args: argparse.Namespace) -> None:
    figures = summarise(mixed["requests"], args.seconds)
    print_table(f"{args.users} users, {args.seconds} s, the mix:", figures)
    total = figures["total"]
    for error, count in sorted(mixed["errors"].items(), key=lambda item: -item[1])[:10]:
        print(f"  {count} x {error}")
    jobs = jobs_outcome(args.database, mixed.get("flows", {}))
    for line in jobs:
        print(line)
    floor_figures = None
    if floor is not None:
        floor_figures = summarise(floor["requests"], args.floor_seconds)
        print_table(f"{args.users} users, {args.floor_seconds} s, only the floor:", floor_figures)
        for error, count in sorted(floor["errors"].items(), key=lambda item: -item[1])[:5]:
            print(f"  {count} x {error}")
        base = floor_figures["total"]
        print(
            f"\nthroughput: the mix {total['rps']:.1f} requests/s against the floor's "
            f"{base['rps']:.1f} with the same users: {total['rps'] / max(base['rps'], 0.1):.2f}x;"
            f" median {total['median']:.0f} ms against {base['median']:.0f} ms "
            f"({total['median'] / max(base['median'], 1):.1f}x)"
        )
    print(
        f"\ntotal: {total['rps']:.1f} requests/s, median {total['median']:.0f} ms, 95th "
        f"percentile {total['p95']:.0f} ms, {total['errors']:.0f} errors, p95/median "
        f"{total['ratio']:.1f}x"
    )
    met = total["errors"] == 0 and total["ratio"] <= 3
    print(f"goal (zero errors, p95 at most 3x the median): {'met' if met else 'NOT met'}")
    if os.environ.get("BENCH_FIGURES"):  # make bench keeps them (run_all.py)
        kind = f"gthread x {args.threads}" if args.threads > 1 else "sync"
        Path(os.environ["BENCH_FIGURES"]).write_text(
            json.dumps(
                {
                    "users": args.users,
                    "seconds": args.seconds,
                    "gunicorn": f"{args.workers} {kind} workers",
                    "mix_ms": figures,
                    "floor_ms": floor_figures,
                    "errors": mixed["errors"],
                    "jobs": jobs,
                }
            )
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=50.0)
    parser.add_argument("--users", type=int, default=100)
    parser.add_argument("--seconds", type=int, default=120)
    parser.add_argument("--floor-seconds", type=int, default=30, help="0: no floor run")
    parser.add_argument("--workers", type=int, default=0, help="default: WEB_WORKERS per core")
    parser.add_argument("--threads", type=int, default=1, help="> 1: gthread workers")
    parser.add_argument("--database", default="", help="default: tm_bench_load_<scale>")
    parser.add_argument(
        "--template", default="", help="copied when --database is missing: tm_bench_reports_<scale>"
    )
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--import-rows", type=int, default=2000)
    parser.add_argument(
        "--no-jobs", action="store_true", help="no compile and no import (comparing servers)"
    )
    parser.add_argument(
        "--redis-url", default=os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/14")
    )
    parser.add_argument("--prepare", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.prepare:
        prepare(args.prepare[0], args.scale, Path(args.prepare[1]), args.import_rows)
        return
    suffix = str(args.scale).replace(".", "_")
    args.database = args.database or f"tm_bench_load_{suffix}"
    if database_copy(args.database, args.template or f"tm_bench_reports_{suffix}"):
        print(f"{args.database}: a copy of the seeded database, made once", flush=True)
    args.workers = args.workers or WORKERS_PER_CORE * (os.cpu_count() or 1)
    with tempfile.TemporaryDirectory() as name:
        tmp = Path(name)
        began = time.perf_counter()
        subprocess.run(
            [sys.executable, __file__, "--scale", str(args.scale), "--import-rows",
             str(args.import_rows), "--prepare", args.database, str(tmp)],
            check=True,
        )  # fmt: skip
        print(f"{args.database} ready in {time.perf_counter() - began:.0f} s", flush=True)
        mixed, floor = measure(args, tmp)
    report(mixed, floor, args)


def measure(args: argparse.Namespace, tmp: Path) -> tuple[dict[str, Any], dict[str, Any] | None]:
    """Start the processes, run the mix and then the floor; the recorded requests."""
    (tmp / "media").mkdir()
    env = environment(args.database, args.redis_url, str(tmp / "media"))
    port = args.port or free_port()
    processes = start(env, port=port, workers=args.workers, threads=args.threads, logs=tmp)
    base = f"http://127.0.0.1:{port}"
    kind = f"gthread, {args.threads} threads each" if args.threads > 1 else "sync"
    print(f"gunicorn: {args.workers} {kind} workers on {os.cpu_count()} cores", flush=True)
    classes = ["OPStaff", "Bureau"] + ([] if args.no_jobs else ["Compiler", "Importer"])
    floor = None
    try:
        mixed = run_locust(
            base, classes=classes, seconds=args.seconds, users=args.users, tmp=tmp, name="mixed"
        )
        if args.floor_seconds:
            floor = run_locust(
                base, classes=["FloorUser"], seconds=args.floor_seconds, users=args.users,
                tmp=tmp, name="floor",
            )  # fmt: skip
    finally:
        stop(processes)
        for log in tmp.glob("*.log"):
            text = log.read_text(errors="replace")
            alarms = [line for line in text.splitlines() if " ERROR " in line or "CRITICAL" in line]
            for line in alarms[:5]:
                print(f"{log.name}: {line[:300]}")
            if "Traceback" in text:
                print(f"{log.name}: {text.count('Traceback')} tracebacks, the last:")
                print(text[text.rindex("Traceback") :][:3000], flush=True)
    return mixed, floor


if __name__ == "__main__":
    main()
