"""Page latency and throughput at 1x and 10x data, against a naive baseline.

    python benchmarks/pages.py --scale 50 [--rounds 15]
        every page of every role against the floor page, in-process: see page_matrix.py
    python benchmarks/pages.py [--scales 1 10] [--seconds 10] [--users 8] [--workers 4]
    python benchmarks/pages.py --search-scale 50 [--seconds 10] [--users 8] [--workers 4]
        [--database NAME]

For each scale: seed a PostgreSQL database of its own (`seed_demo --scale S`, once),
serve the app with gunicorn, and load each page with locust (headless) as `op.bzk`.
Prints per page the median latency and requests/s at each scale and their ratio; and
for the committee list and the dashboard, the requests/s of the naive variant (defined
below, served only by this benchmark: it checks each member with its own query) and how
many times faster the real page is. The goals (10x data at most 1.5x the time; list and
dashboard at least 10x the naive requests/s) are printed, not asserted.

With `--search-scale S` it measures only the committee search at scale S: a one-word
query against a 500-word one (500 one-letter words, the denial-of-service probe of
issue 9). The goal (the long query at most 2x the time of the short one) is printed.
"""

from __future__ import annotations

import argparse
import csv
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
BASE_URL = os.environ.get("BENCH_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432")
PASSWORD = "benchmark"  # noqa: S105 - the seeded benchmark database only

LOCUSTFILE = """
import os, re
from locust import HttpUser, task, constant

class PageUser(HttpUser):
    wait_time = constant(0)

    def on_start(self):
        page = self.client.get("/accounts/login/", name="login").text
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
        self.client.post("/accounts/login/", name="login", data={
            "username": "op.bzk",
            "password": os.environ["BENCH_PASSWORD"],
            "csrfmiddlewaretoken": token,
        })

    @task
    def page(self):
        # A redirect (to the login page) must not count as a served page.
        with self.client.get(
            os.environ["BENCH_PAGE"], name="page", allow_redirects=False, catch_response=True
        ) as response:
            if response.status_code != 200:
                response.failure(f"status {response.status_code}")
"""


# --- The naive baseline, served only by this benchmark -------------------------------


def _naive_views() -> list[Any]:
    import datetime

    from django.contrib.auth.decorators import login_required
    from django.core.paginator import Paginator
    from django.shortcuts import get_object_or_404, render
    from django.urls import path
    from django.utils import timezone

    from committees.compliance import required_roles
    from committees.models import CommitteeStatus, SelectionCommittee
    from departments.models import Department
    from reports import dashboard
    from reports.charts import trend_chart
    from trainings.models import CompletionStatus, TrainingCompletion

    def trained(person_id: int, on: datetime.date) -> bool:
        return TrainingCompletion.objects.filter(
            person_id=person_id,
            status=CompletionStatus.ATTENDED,
            session__cancelled=False,
            session__date__lte=on,
        ).exists()

    def check(committee: Any) -> None:
        required = [m for m in committee.memberships.all() if m.role in required_roles()]
        committee.required_count = len(required)
        committee.trained_count = sum(
            trained(m.person_id, committee.interview_date) for m in required
        )
        committee.is_compliant = committee.trained_count == committee.required_count

    @login_required
    def naive_list(request: Any) -> Any:
        committees = SelectionCommittee.objects.visible_to(request.user).select_related(
            "department"
        )
        page = Paginator(committees, 25).get_page(request.GET.get("page"))
        for committee in page.object_list:
            check(committee)
        from committees.filters import CommitteeFilter

        return render(
            request,
            "committees/committee_list.html",
            {
                "filter": CommitteeFilter(None, queryset=committees),
                "page": page,
                "show_department": False,
                "may_edit": True,
            },
        )

    @login_required
    def naive_dashboard(request: Any, code: str) -> Any:
        department = get_object_or_404(Department.objects.visible_to(request.user), code=code)
        today = timezone.localdate()
        quarters = dashboard.quarters_since(dashboard.FIRST_YEAR, today)
        figures = []
        for quarter in quarters:
            committees = SelectionCommittee.objects.filter(
                department=department, interview_date__range=(quarter.start, quarter.end)
            ).exclude(status=CommitteeStatus.CANCELLED)
            memberships = trained_members = compliant = 0
            for committee in committees:
                check(committee)
                memberships += committee.required_count
                trained_members += committee.trained_count
                compliant += committee.is_compliant
            people = (
                TrainingCompletion.objects.filter(
                    person__department=department,
                    status=CompletionStatus.ATTENDED,
                    session__cancelled=False,
                    session__date__range=(quarter.start, quarter.end),
                )
                .values("person")
                .distinct()
                .count()
            )
            figures.append(
                dashboard.QuarterFigures(
                    quarter, memberships, trained_members, len(committees), compliant, people
                )
            )
        actions = []
        upcoming = (
            SelectionCommittee.objects.filter(department=department, interview_date__gte=today)
            .exclude(status=CommitteeStatus.CANCELLED)
            .order_by("interview_date")
        )
        for committee in upcoming:
            for membership in committee.memberships.select_related("person"):
                if membership.role in required_roles() and not trained(
                    membership.person_id, committee.interview_date
                ):
                    membership.committee = committee
                    membership.is_registered = False
                    actions.append(membership)
        chart = trend_chart(
            labels=[str(f.quarter) for f in figures],
            series=[
                ("a", [f.membership_share for f in figures]),
                ("b", [f.committee_share for f in figures]),
            ],
            title="t",
            y_label="%",
        )
        return render(
            request,
            "reports/dashboard.html",
            {
                "department": department,
                "current": figures[-1],
                "figures": figures[::-1],
                "chart": chart,
                "actions": actions[:50],
                "more_actions": len(actions) > 50,
                "today": today,
            },
        )

    return [
        path("bench-naive/committees/", naive_list),
        path("bench-naive/departments/<str:code>/", naive_dashboard),
    ]


if os.environ.get("BENCH_SERVE") == "1":
    # Imported by gunicorn: the app's URLs plus the naive pages. This folder must not be
    # on the path, or benchmarks/reports.py would hide the reports app.
    sys.path[:] = [str(ROOT)] + [p for p in sys.path if p and Path(p).resolve() != HERE]
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "training_monitor.settings_test")
    from django.core.wsgi import get_wsgi_application

    application = get_wsgi_application()
    from django.conf import settings

    from training_monitor import urls as project_urls

    urlpatterns = _naive_views() + list(project_urls.urlpatterns)
    settings.ROOT_URLCONF = __name__


# --- The driver ----------------------------------------------------------------------


def database_name(scale: float) -> str:
    return f"tm_bench_pages_{str(scale).replace('.', '_')}"


def seed(scale: float, database: str = "") -> None:
    sys.path.insert(0, str(HERE))
    from _setup import setup_django

    setup_django(database or database_name(scale), scale=scale)


def targets(scale: float) -> dict[str, str]:
    import psycopg

    with psycopg.connect(f"{BASE_URL}/{database_name(scale)}") as conn:
        row = conn.execute(
            """SELECT m.committee_id, m.person_id FROM committees_committeemembership m
               JOIN committees_selectioncommittee c ON c.id = m.committee_id
               JOIN departments_department d ON d.id = c.department_id
               WHERE d.code = 'BZK' ORDER BY c.interview_date DESC LIMIT 1"""
        ).fetchone()
    if row is None:
        raise RuntimeError("the seeded database has no BZK committee with members")
    committee, person = row
    return {
        "committee list": "/committees/",
        "committee detail": f"/committees/{committee}/",
        "person": f"/people/{person}/",
        "dashboard": "/departments/BZK/",
        "committee list (naive)": "/bench-naive/committees/",
        "dashboard (naive)": "/bench-naive/departments/BZK/",
    }


def search_targets() -> dict[str, str]:
    """The committee search with one word and with 500 one-letter words."""
    letters = "abcdefghijklmnopqrstuvwxyz"
    long_query = "+".join(letters[i % len(letters)] for i in range(500))
    return {
        "search, 1 word": "/committees/?q=beleid",
        "search, 500 words": f"/committees/?q={long_query}",
    }


def search_benchmark(
    scale: float, *, seconds: int, users: int, workers: int, database: str = ""
) -> None:
    """Print the median latency of a 500-word against a one-word committee search."""
    database = database or database_name(scale)
    print(f"seeding scale {scale} (once per database: {database}) ...", flush=True)
    subprocess.run(
        [sys.executable, __file__, "--seed-only", str(scale), "--database", database], check=True
    )
    server, base = serve_app(database, workers, port=free_port())
    try:
        results = {
            name: load(base, url, seconds=seconds, users=users)
            for name, url in search_targets().items()
        }
    finally:
        server.terminate()
        server.wait(timeout=30)
    for name, (median, rps) in results.items():
        print(f"  x{scale:g} {name:24} median {median:8.0f} ms {rps:8.1f} requests/s")
    (short, short_rps), (long, long_rps) = (
        results["search, 1 word"],
        results["search, 500 words"],
    )
    if not short_rps or not long_rps:
        # A median of the whole run means no request finished: the ratio would say nothing.
        print(f"\nno ratio: a search did not answer within {seconds} s at x{scale:g}")
        return
    print(
        f"\n500-word search at x{scale:g}: {long / max(short, 1):.2f}x the time of a one-word"
        " search (goal: at most 2x)"
    )


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def serve(scale: float, workers: int) -> tuple[subprocess.Popen[bytes], str]:
    return serve_app(database_name(scale), workers, port=free_port())


def serve_app(
    database: str, workers: int, *, port: int, app: str = "benchmarks.pages:application"
) -> tuple[subprocess.Popen[bytes], str]:
    """gunicorn on 127.0.0.1:`port` serving `database`; returns the process and base URL."""
    env = {
        **os.environ,
        "BENCH_SERVE": "1",
        "DATABASE_URL": f"{BASE_URL.replace('postgresql', 'postgres', 1)}/{database}",
        "DJANGO_SETTINGS_MODULE": "training_monitor.settings_test",
        "WHITENOISE_USE_FINDERS": "true",
        # Plain http on localhost: secure-only cookies would never come back.
        "SESSION_COOKIE_SECURE": "false",
        "CSRF_COOKIE_SECURE": "false",
    }
    server = subprocess.Popen(
        [
            str(Path(sys.executable).parent / "gunicorn"),
            "--chdir",
            str(ROOT),
            "--workers",
            str(workers),
            "--bind",
            f"127.0.0.1:{port}",
            "--timeout",
            "300",
            "--log-level",
            "warning",
            app,
        ],
        env=env,
    )
    base = f"http://127.0.0.1:{port}"
    for _ in range(150):
        try:
            urllib.request.urlopen(base + "/accounts/login/", timeout=2)  # noqa: S310
            return server, base
        except OSError:
            time.sleep(0.2)
    server.terminate()
    raise RuntimeError("gunicorn did not start")


def load(base: str, page: str, *, seconds: int, users: int) -> tuple[float, float]:
    """Median latency (ms) and requests/s of `page` under locust."""
    with tempfile.TemporaryDirectory() as tmp:
        locustfile = Path(tmp) / "locustfile.py"
        locustfile.write_text(LOCUSTFILE)
        subprocess.run(
            [
                str(Path(sys.executable).parent / "locust"),
                "-f",
                str(locustfile),
                "--headless",
                "-u",
                str(users),
                "-r",
                str(users),
                "-t",
                f"{seconds}s",
                "--host",
                base,
                "--csv",
                f"{tmp}/out",
                "--only-summary",
                "--loglevel",
                "ERROR",
            ],
            env={**os.environ, "BENCH_PAGE": page, "BENCH_PASSWORD": PASSWORD},
            check=False,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        with open(f"{tmp}/out_stats.csv") as handle:
            for row in csv.DictReader(handle):
                if row["Name"] == "page":
                    if int(row["Failure Count"]):
                        raise RuntimeError(f"{page}: {row['Failure Count']} failed requests")
                    return float(row["Median Response Time"]), float(row["Requests/s"])
    # Not one request finished in time: slower than the whole run.
    return float(seconds * 1000), 0.0


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--scales", type=float, nargs=2, default=[1.0, 10.0])
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--users", type=int, default=8)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--search-scale", type=float, help="only the committee search")
    parser.add_argument(
        "--scale",
        type=float,
        help="every page of every role against the floor, at 10 and at SCALE (page_matrix.py)",
    )
    parser.add_argument("--rounds", type=int, default=15, help="with --scale: requests per page")
    parser.add_argument(
        "--only", nargs="*", default=[], help="with --scale: URL names containing a word"
    )
    parser.add_argument(
        "--database-prefix",
        default="tm_bench_reports",
        help="with --scale: the databases PREFIX_10_0 and PREFIX_50_0 (seeded when empty)",
    )
    parser.add_argument(
        "--database", default="", help="with --search-scale: default tm_bench_pages_<scale>"
    )
    parser.add_argument("--seed-only", type=float, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.scale is not None:
        import page_matrix  # type: ignore[import-not-found]

        page_matrix.run(args.scale, args.rounds, only=args.only, prefix=args.database_prefix)
        return
    if args.seed_only is not None:
        seed(args.seed_only, args.database)
        return
    if args.search_scale is not None:
        search_benchmark(
            args.search_scale,
            seconds=args.seconds,
            users=args.users,
            workers=args.workers,
            database=args.database,
        )
        return

    results: dict[float, dict[str, tuple[float, float]]] = {}
    for scale in args.scales:
        print(f"seeding scale {scale} (once per database) ...", flush=True)
        subprocess.run([sys.executable, __file__, "--seed-only", str(scale)], check=True)
        server, base = serve(scale, args.workers)
        try:
            results[scale] = {
                name: load(base, url, seconds=args.seconds, users=args.users)
                for name, url in targets(scale).items()
            }
        finally:
            server.terminate()
            try:
                server.wait(timeout=30)
            except subprocess.TimeoutExpired:  # a worker still busy with a naive page
                server.kill()
                server.wait()
        for name, (median, rps) in results[scale].items():
            print(
                f"  x{scale:g} {name:24} median {median:8.0f} ms {rps:8.1f} requests/s", flush=True
            )

    small, large = args.scales
    print(f"\n{'page':24} {'median ms':>20} {'requests/s':>20} {'time ratio':>11}")
    print(f"{'':24} {f'x{small:g}':>9} {f'x{large:g}':>10} {f'x{small:g}':>9} {f'x{large:g}':>10}")
    for name in results[small]:
        (m1, r1), (m2, r2) = results[small][name], results[large][name]
        print(f"{name:24} {m1:9.0f} {m2:10.0f} {r1:9.1f} {r2:10.1f} {m2 / max(m1, 1):10.2f}x")
    print("\ngoal: time ratio at most 1.5x for the real pages")
    for page in ("committee list", "dashboard"):
        for scale in args.scales:
            ours, naive = results[scale][page][1], results[scale][f"{page} (naive)"][1]
            # No finished naive request: count it as one, so the ratio is a lower bound.
            floor = 1 / args.seconds
            bound = "at least " if naive < floor else ""
            print(
                f"{page} at x{scale:g}: {bound}{ours / max(naive, floor):.1f}x the naive"
                " requests/s (goal: at least 10x)"
            )


if __name__ == "__main__":
    main()
