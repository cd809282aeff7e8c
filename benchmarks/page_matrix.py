"""Every page of every role against the floor page, at two scales (in-process).

    python benchmarks/pages.py --scale 50 [--rounds 15] [--only NAME ...] [--database-prefix P]

For each scale (10, then `--scale`) a child process seeds a PostgreSQL database of its own
(`seed_demo --scale S`, once; the reports benchmark's database of that scale), adds what the
seed has none of (a compiled report, an import, a download job) and asks, logged in as each
role, every page that role may open: per round the floor (`/privacy/`, a static page) and
then each page, so that both meet the same load. Prints per page the median and the 95th
percentile against the floor's, and the growth of the median from scale 10 to `--scale`.

`--only` measures only the URL names that contain one of the given words (and the floor),
for work on one page; `--database-prefix` seeds and reads `P_10_0` and `P_50_0` instead of the
reports benchmark's databases (a copy of your own: `CREATE DATABASE x TEMPLATE y`).

Goals (printed, not asserted; issue 15): median at most 3x the floor, p95 at most 5x the
floor's median, and at most 1.5x the time at scale 10. Every GET URL pattern outside the
admin and the API is either measured or named under "not measured", with the reason.
"""

from __future__ import annotations

import argparse
import io
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
sys.path.insert(0, str(HERE.parent))

FLOOR = "/privacy/"
ROLES = ("op.bzk", "bureau", "beheer")
# URL names not measured, with the reason (each is a POST-only action or a file).
NOT_MEASURED = {
    "logout": "POST only",
    "set_language": "POST only",
    "health": "no page: a probe (token)",
    "health_live": "no page: a probe",
    "health_ready": "no page: a probe",
    "imports:apply": "POST only",
    "imports:retry": "POST only",
    "imports:discard": "POST only",
    "imports:row": "POST only",
    "imports:mapping": "POST only",
    "committees:member_add": "POST only",
    "reports:compile": "POST only",
    "privacy:person_subject_access": "a file (one person's whole record, JSON): 17 small "
    "queries, asked for a subject-access request",
    "reports:compare": "with one version of a report it sends the user to that version",
    "completions:confirm": "POST only",
    "completions:reject": "a form for one hand entry; the seed enters none by hand",
    "reports:job_retry": "POST only",
    "reports:download": "a stored file (the reports benchmark measures the files)",
    "reports:annex": "a file rendered at download",
    "reports:suppliers_download": "a file (the reports benchmark measures the exports)",
    "worklists:download": "a file (benchmarks/report_exports.py)",
    "worklists:job_file": "a file",
    "committees:registration_cancel": "a form for one registration; measured by the sessions tests",
    "password_reset_confirm": "a one-time link: it sends the user on to the form",
    # The REST API (api/): JSON for other systems; benchmarks/api.py measures it.
    "api:token": "the API",
    "api:openapi": "the API",
    "api:me": "the API",
    "api:committees": "the API (POST)",
    "api:committee_compliance": "the API: benchmarks/api_compliance.py",
    "api:person_training": "the API: benchmarks/api_compliance.py",
    "api:report_figures": "the API",
    "api:session": "the API",
    "api:attendance": "the API",
    "api:attendance_batch": "the API",
    "api:registrations": "the API",
}
# Asked as htmx asks them (without the header, a fragment's URL sends the user to its page).
HTMX = {"committees:people_search", "imports:progress"}
GOAL_MEDIAN, GOAL_P95, GOAL_GROWTH = 3.0, 5.0, 1.5


def pages_per_role() -> dict[str, dict[str, str]]:
    """{role: {url name: url}}, filled from the seeded database (Django is set up)."""
    from django.urls import reverse
    from django.utils import timezone

    from committees.models import CommitteeMembership
    from committees.registration_links import registration_token
    from departments.models import Department

    bzk = Department.objects.get(code="BZK")
    membership = (
        CommitteeMembership.objects.filter(
            committee__department=bzk, committee__interview_date__gte=timezone.localdate()
        )
        .select_related("committee")
        .order_by("committee__interview_date", "pk")
        .first()
    )
    assert membership is not None, "the seed has no upcoming committee of BZK"
    committee, person = membership.committee_id, membership.person_id
    objects = _made_objects()
    on_committee = {
        "committees:detail": [committee],
        "committees:edit": [committee],
        "committees:member_new_person": [committee],
        "worklists:bulk_add": [committee],
        "worklists:copy_members": [committee],
        "committees:member_role": [committee, membership.pk],
        "committees:member_register": [committee, membership.pk],
        "committees:member_remove": [committee, membership.pk],
    }
    op = {
        "password_change": reverse("password_change"),
        "password_change_done": reverse("password_change_done"),
        "message_preferences": reverse("message_preferences"),
        "committees:list": reverse("committees:list"),
        "committees:create": reverse("committees:create"),
        "committees:people_search": reverse("committees:people_search", args=[committee]) + "?q=de",
        "people:people": reverse("people:people"),
        "people:person": reverse("people:person", args=[person]),
        "people:person_edit": reverse("people:person_edit", args=[person]),
        "completions:pending": reverse("completions:pending"),
        "completions:enter": reverse("completions:enter", args=[person]),
        "sessions:list": reverse("sessions:list"),
        "dashboard:department": reverse("dashboard:department", args=["BZK"]),
        "reports:index": reverse("reports:index"),
        "reports:snapshot": reverse("reports:snapshot", args=[objects["snapshot"]]),
        "worklists:job": reverse("worklists:job", args=[objects["list_job"]]),
        **{name: reverse(name, args=args) for name, args in on_committee.items()},
    }
    bureau = {
        "home": reverse("home"),
        "dashboard:what_if_strict": reverse("dashboard:what_if_strict"),
        "dashboard:department": reverse("dashboard:department", args=["BZK"]),
        "committees:list": reverse("committees:list"),
        "people:people": reverse("people:people"),
        "reports:index": reverse("reports:index"),
        "reports:job": reverse("reports:job", args=[objects["report_job"]]),
        "reports:interventions": reverse("reports:interventions"),
        "reports:self_reported": reverse("reports:self_reported"),
        "reports:suppliers": reverse("reports:suppliers"),
        "reports:snapshot": reverse("reports:snapshot", args=[objects["snapshot"]]),
        "sessions:list": reverse("sessions:list"),
    }
    admin = {
        "imports:index": reverse("imports:index"),
        "imports:profile_create": reverse("imports:profile_create"),
        "imports:review": reverse("imports:review"),
        "imports:sessions": reverse("imports:sessions"),
        "imports:detail": reverse("imports:detail", args=[objects["import"]]),
        "imports:progress": reverse("imports:progress", args=[objects["import"]]),
    }
    public = {
        "login": reverse("login"),
        "member-registration": reverse(
            "member-registration", args=[registration_token(membership_id=membership.pk)]
        ),
        "privacy:note": FLOOR,
        "accessibility_statement": reverse("accessibility_statement"),
        "password_reset": reverse("password_reset"),
        "password_reset_done": reverse("password_reset_done"),
        "password_reset_complete": reverse("password_reset_complete"),
    }
    return {"op.bzk": op, "bureau": bureau, "beheer": admin, "": public}


def _made_objects() -> dict[str, int]:
    """The objects the seed has none of, made once through the services."""
    from django.contrib.auth import get_user_model

    from imports.models import ImportBatch
    from imports.services import import_batch_create
    from reports.models import ReportJob, ReportSnapshot
    from reports.quarters import Quarter
    from reports.services import job_request, report_compile
    from trainings.models import Supplier
    from worklists.models import ExportJob

    users = get_user_model().objects
    bureau, beheer, op = (users.get(username=n) for n in ("bureau", "beheer", "op.bzk"))
    from django.utils import timezone

    quarter = Quarter.containing(timezone.localdate()).previous()
    snapshot = ReportSnapshot.objects.order_by("-pk").first()
    if snapshot is None:
        snapshot, _created = report_compile(
            kind="icop", quarter=quarter, requested_by=bureau, trigger="command"
        )
    job = ReportJob.objects.order_by("-pk").first()
    if job is None:
        job, _created = job_request(
            kind="regiegroep", quarter=quarter, requested_by=bureau, trigger="command"
        )
    batch = ImportBatch.objects.order_by("-pk").first()
    if batch is None:
        batch = import_batch_create(
            file=io.BytesIO(b"Naam;E-mail;Datum\nA. de Vries;a.devries@example.nl;01-03-2025\n"),
            file_name="benchmark.csv",
            supplier=Supplier.objects.order_by("pk").first(),  # type: ignore[arg-type]
            user=beheer,
        )
    list_job = ExportJob.objects.order_by("-pk").first() or ExportJob.objects.create(
        kind="actions", fmt="csv", requested_by=op, params={}
    )
    return {
        "snapshot": snapshot.pk,
        "report_job": job.pk,
        "import": batch.pk,
        "list_job": list_job.pk,
    }


def measure(rounds: int, only: list[str]) -> dict[str, Any]:
    """In the child: {role: {"floor": [...], pages: {name: [...]}}} in ms, and what was
    not measured."""
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.test import Client

    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    pages = pages_per_role()
    if only:
        pages = {
            role: {name: url for name, url in urls.items() if any(w in name for w in only)}
            for role, urls in pages.items()
        }
    result: dict[str, Any] = {
        "roles": {},
        "unknown": [] if only else sorted(_unlisted(pages)),
        "errors": [],
    }
    users = get_user_model().objects
    for role, urls in pages.items():
        client = Client()
        if role:
            client.force_login(users.get(username=role))
        # The floor is a logged-in page, also beside the pages anyone may open.
        floor_client = client if role else Client()
        if not role:
            floor_client.force_login(users.get(username="op.bzk"))
        if not urls:
            continue
        for name, url in list(urls.items()):  # warm up, and check each page answers
            status = client.get(url, headers=_headers(name)).status_code
            if status != 200:
                result["errors"].append(f"{role or 'anonymous'} {url}: {status}")
                del urls[name]
        times: dict[str, list[float]] = {FLOOR: [], **{name: [] for name in urls}}
        for _ in range(rounds):
            times[FLOOR].append(_timed(floor_client, FLOOR, {}))
            for name, url in urls.items():
                times[name].append(_timed(client, url, _headers(name)))
        result["roles"][role or "anonymous"] = {"urls": urls, "times": times}
    return result


def _headers(name: str) -> dict[str, str]:
    return {"HX-Request": "true"} if name in HTMX else {}


def _timed(client: Any, url: str, headers: dict[str, str]) -> float:
    began = time.perf_counter()
    client.get(url, headers=headers)
    return (time.perf_counter() - began) * 1000


def _unlisted(pages: dict[str, dict[str, str]]) -> set[str]:
    """URL names outside the admin that are neither measured nor excused."""
    from tests.url_patterns import app_patterns

    measured = {name for urls in pages.values() for name in urls}
    return {p.name for p in app_patterns()} - measured - set(NOT_MEASURED)


def child(scale: float, database: str, rounds: int, out: Path, only: list[str]) -> None:
    from _setup import setup_django

    setup_django(database, scale=scale)
    from reports.stored import figures_rebuild

    figures_rebuild()
    out.write_text(json.dumps(measure(rounds, only)))


def p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=20)[-1] if len(values) > 1 else values[0]


def report(results: dict[float, dict[str, Any]], scales: list[float]) -> None:
    small, big = scales
    missed = 0
    print(f"\nper page, median and p95 in ms at scale {big:g}, against the floor ({FLOOR}) of")
    print(f"the same role in the same rounds; growth = median at {big:g} / median at {small:g}")
    print(f"  {'role':8} {'page':36} {'median':>8} {'p95':>8}  x floor  p95 x  growth")
    for role, data in results[big]["roles"].items():
        floor = statistics.median(data["times"][FLOOR])
        print(f"  {role:8} {FLOOR + ' (floor)':36} {floor:8.1f} {p95(data['times'][FLOOR]):8.1f}")
        for name, times in data["times"].items():
            if name == FLOOR:
                continue
            median = statistics.median(times)
            earlier = results[small]["roles"].get(role, {}).get("times", {}).get(name)
            before = statistics.median(earlier) if earlier else float("nan")
            ratio, tail, growth = median / floor, p95(times) / floor, median / before
            flag = ratio > GOAL_MEDIAN or tail > GOAL_P95 or growth > GOAL_GROWTH
            missed += flag
            print(
                f"  {role:8} {name:36} {median:8.1f} {p95(times):8.1f} {ratio:7.2f}x "
                f"{tail:5.2f}x {growth:6.2f}x{'  MISSED' if flag else ''}"
            )
    print(
        f"\ngoals: median <= {GOAL_MEDIAN:g}x floor, p95 <= {GOAL_P95:g}x floor,"
        f" growth <= {GOAL_GROWTH:g}x"
    )
    print(f"pages missing a goal: {missed}")
    for name, why in sorted(NOT_MEASURED.items()):
        print(f"  not measured: {name}: {why}")
    for scale in scales:  # a page missing at 10 has no growth: say why
        for error in results[scale]["errors"]:
            print(f"  ERROR at scale {scale:g} (not 200, not measured): {error}")
    for name in results[big]["unknown"]:
        print(f"  NOT MEASURED AND NOT EXCUSED: {name}")


def run(
    scale: float, rounds: int, *, only: list[str], prefix: str = "tm_bench_reports"
) -> dict[float, dict[str, Any]]:
    scales = [10.0, scale]
    results = {}
    for each in scales:
        database = f"{prefix}_{str(each).replace('.', '_')}"
        with tempfile.TemporaryDirectory() as tmp:
            out = Path(tmp) / "times.json"
            began = time.perf_counter()
            subprocess.run(
                [
                    sys.executable,
                    __file__,
                    "--child",
                    str(each),
                    database,
                    str(rounds),
                    str(out),
                    json.dumps(only),
                ],
                check=True,
            )
            print(f"scale {each:g}: measured in {time.perf_counter() - began:.0f} s ({database})")
            results[each] = json.loads(out.read_text())
    report(results, scales)
    if os.environ.get("BENCH_FIGURES"):  # make bench keeps them (run_all.py)
        Path(os.environ["BENCH_FIGURES"]).write_text(json.dumps(figures(results, scales)))
    return results


def figures(results: dict[float, dict[str, Any]], scales: list[float]) -> dict[str, Any]:
    """Per role and page: the medians at both scales, the p95, and the floor's median."""
    small, big = scales
    rows: dict[str, Any] = {}
    for role, data in results[big]["roles"].items():
        earlier = results[small]["roles"].get(role, {}).get("times", {})
        rows[role] = {
            name: {
                f"median_ms_{small:g}": statistics.median(earlier[name])
                if earlier.get(name)
                else None,
                f"median_ms_{big:g}": statistics.median(times),
                f"p95_ms_{big:g}": p95(times),
            }
            for name, times in data["times"].items()
        }
    return {"floor": FLOOR, "pages": rows}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=50.0)
    parser.add_argument("--rounds", type=int, default=15)
    parser.add_argument("--only", nargs="*", default=[], help="URL names containing a word")
    parser.add_argument("--database-prefix", default="tm_bench_reports")
    parser.add_argument("--child", nargs=5, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        scale, database, rounds, out, only = args.child
        child(float(scale), database, int(rounds), Path(out), json.loads(only))
    else:
        run(args.scale, args.rounds, only=args.only, prefix=args.database_prefix)


if __name__ == "__main__":
    main()
