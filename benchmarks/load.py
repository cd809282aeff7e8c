"""Mixed load: 50 simulated users against gunicorn with the `--scale 10` data.

    python benchmarks/load.py [--seconds 60] [--users 50] [--workers 4] [--scale 10]

Seeds a PostgreSQL database of its own (`seed_demo --scale 10` plus one compiled quarter
of reports, once), serves it with gunicorn on 127.0.0.1 only, and runs locust headless
for `--seconds` seconds. Four in five users are O&P staff (`op.bzk`): the committee list,
a committee page, the dashboard, and now and then a committee edit (GET the form, POST
it back with a changed note). One in five is the programme bureau (`bureau`), downloading
the frozen report files (XLSX, CSV, PDF). Prints requests/s, the median and 95th
percentile latency, the error count and the p95/median ratio, per request type and in
total. The goal (zero errors, p95 at most 5x the median) is printed, not asserted.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from pages import (  # type: ignore[import-not-found]  # noqa: E402
    BASE_URL,
    PASSWORD,
    free_port,
    serve_app,
)

DATABASE = "tm_bench_load"

LOCUSTFILE = """
import json, os, random, re
from locust import HttpUser, between, task

TARGETS = json.loads(os.environ["BENCH_TARGETS"])
TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


class _User(HttpUser):
    abstract = True
    wait_time = between(0.5, 1.5)
    username = ""

    def on_start(self):
        page = self.client.get("/accounts/login/", name="login").text
        self.client.post("/accounts/login/", name="login", data={
            "username": self.username,
            "password": os.environ["BENCH_PASSWORD"],
            "csrfmiddlewaretoken": TOKEN.search(page).group(1),
        })

    def get(self, url, name):
        # A redirect (to the login page) must not count as a served page.
        with self.client.get(
            url, name=name, allow_redirects=False, catch_response=True
        ) as response:
            if response.status_code != 200:
                response.failure(f"status {response.status_code}")
            return response


class OPStaff(_User):
    weight = 4
    username = "op.bzk"

    @task(4)
    def committee_list(self):
        self.get("/committees/", "committee list")

    @task(4)
    def committee_detail(self):
        self.get(random.choice(TARGETS["committees"]), "committee detail")

    @task(2)
    def dashboard(self):
        self.get(TARGETS["dashboard"], "dashboard")

    @task(1)
    def committee_edit(self):
        edit = random.choice(TARGETS["edits"])
        form = self.get(edit["url"], "committee edit form")
        match = TOKEN.search(form.text or "")
        if not match:
            return
        data = dict(edit["fields"], notes=f"Belast door locust {random.randint(1, 10**6)}")
        data["csrfmiddlewaretoken"] = match.group(1)
        with self.client.post(
            edit["url"], data=data, name="committee edit (POST)",
            allow_redirects=False, catch_response=True,
        ) as response:
            # Saved: a redirect to the committee page; anything else is an error.
            if response.status_code != 302:
                response.failure(f"status {response.status_code}")


class Bureau(_User):
    weight = 1
    username = "bureau"

    @task
    def report_download(self):
        self.get(random.choice(TARGETS["downloads"]), "report download")
"""


def seed(scale: float) -> None:
    from _setup import setup_django

    setup_django(DATABASE, scale=scale)
    from django.core.management import call_command

    from reports.models import ReportSnapshot

    if not ReportSnapshot.objects.exists():
        with open(os.devnull, "w") as quiet:
            call_command("compile_reports", "--latest", stdout=quiet)


def targets() -> dict[str, object]:
    import psycopg

    with psycopg.connect(f"{BASE_URL}/{DATABASE}") as conn:
        committees = conn.execute(
            """SELECT c.id, c.department_id, c.vacancy_reference, c.vacancy_title,
                      c.interview_date, c.status
               FROM committees_selectioncommittee c
               JOIN departments_department d ON d.id = c.department_id
               WHERE d.code = 'BZK' ORDER BY c.interview_date DESC LIMIT 40"""
        ).fetchall()
        snapshots = [
            row[0] for row in conn.execute("SELECT id FROM reports_reportsnapshot").fetchall()
        ]
    if not committees or not snapshots:
        raise RuntimeError("the seeded database has no BZK committees or no reports")
    # Edits keep everything but the note, and only on planned committees, so no
    # enforcement rule asks for a justification.
    edits = [
        {
            "url": f"/committees/{pk}/edit/",
            "fields": {
                "department": department,
                "vacancy_reference": reference,
                "vacancy_title": title,
                "interview_date": date.isoformat(),
                "status": status,
                "justification": "",
            },
        }
        for pk, department, reference, title, date, status in committees
        if status == "planned"
    ][:10]
    return {
        "committees": [f"/committees/{c[0]}/" for c in committees],
        "dashboard": "/departments/BZK/",
        "edits": edits,
        "downloads": [
            f"/reports/{pk}/download/{fmt}/" for pk in snapshots for fmt in ("xlsx", "csv", "pdf")
        ],
    }


def run_locust(base: str, *, seconds: int, users: int, tmp: str) -> list[dict[str, str]]:
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
            str(max(1, users // 5)),
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
        env={
            **os.environ,
            "BENCH_TARGETS": json.dumps(targets()),
            "BENCH_PASSWORD": PASSWORD,
        },
        check=False,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        timeout=seconds + 120,
    )
    with open(f"{tmp}/out_stats.csv") as handle:
        return list(csv.DictReader(handle))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--scale", type=float, default=10.0)
    parser.add_argument("--seed-only", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.seed_only:
        seed(args.scale)
        return

    print(f"seeding scale {args.scale:g} (once per database) ...", flush=True)
    subprocess.run(
        [sys.executable, __file__, "--seed-only", "--scale", str(args.scale)], check=True
    )
    server, base = serve_app(
        DATABASE, args.workers, port=free_port(), app="training_monitor.wsgi:application"
    )
    try:
        print(f"{args.users} users for {args.seconds} s against {base} ...", flush=True)
        with tempfile.TemporaryDirectory() as tmp:
            rows = run_locust(base, seconds=args.seconds, users=args.users, tmp=tmp)
    finally:
        server.terminate()
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()

    print(f"\n{'request':24} {'count':>7} {'errors':>7} {'req/s':>7} {'median':>7} {'p95':>7}")
    total: dict[str, str] = {}
    for row in rows:
        if row["Name"] == "Aggregated":
            total = row
            continue
        if row["Name"] == "login":
            continue
        print(
            f"{row['Name']:24} {row['Request Count']:>7} {row['Failure Count']:>7} "
            f"{float(row['Requests/s']):7.1f} {row['Median Response Time']:>7} {row['95%']:>7}"
        )
    median, p95 = float(total["Median Response Time"]), float(total["95%"])
    errors = int(total["Failure Count"])
    ratio = p95 / max(median, 1)
    print(
        f"\ntotal: {float(total['Requests/s']):.1f} requests/s, median {median:.0f} ms, "
        f"95th percentile {p95:.0f} ms, {errors} errors, p95/median {ratio:.1f}x"
    )
    met = errors == 0 and ratio <= 5
    print(f"goal (zero errors, p95 at most 5x the median): {'met' if met else 'NOT met'}")


if __name__ == "__main__":
    main()
