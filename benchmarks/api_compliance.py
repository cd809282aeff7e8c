"""The HR system's reads at scale 50, against a static authenticated endpoint.

    python benchmarks/api_compliance.py [--rounds 30] [--database tm_hb_api_50_0]
                                        [--template tm_bench_reports_50_0]

Reads a copy of the reports benchmark's scale-50 database (`CREATE DATABASE <database>
TEMPLATE <template>`, made once when missing; the template is seeded by
`benchmarks/reports.py --scale 50`), migrates the copy, registers a department client
for BZK (api.services.api_client_register) and takes a token from /api/v1/oauth/token,
as a client does. Then, in-process with Django's test client, per round: the floor,
GET /api/v1/me (authenticated, reads nothing but the token and the client), then
GET /api/v1/committees/{id}/compliance of BZK's largest upcoming committee and GET
/api/v1/people/{employee_number}/training of one of its members.

Prints the medians and the ratio to the floor. Goal (issue 16): compliance within 3x of
the floor's median. It reports; it asserts nothing about time.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

BASE_URL = os.environ.get("BENCH_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432")
GOAL = 3.0


def copy_database(database: str, template: str) -> None:
    """The copy, made once; PostgreSQL refuses while someone is connected to the template."""
    import psycopg

    with psycopg.connect(f"{BASE_URL}/postgres", autocommit=True) as conn:
        if conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [database]).fetchone():
            return
        for attempt in range(30):
            try:
                conn.execute(f'CREATE DATABASE "{database}" TEMPLATE "{template}"')
                return
            except psycopg.errors.ObjectInUse:
                print(f"{template} is in use; waiting ({attempt + 1}/30) ...", flush=True)
                time.sleep(10)
    raise RuntimeError(f"could not copy {template}: it stayed in use")


def setup(database: str) -> None:
    os.environ["DATABASE_URL"] = f"{BASE_URL.replace('postgresql', 'postgres', 1)}/{database}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "training_monitor.settings_test")
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    # Many rounds from one client: the rate limit is not what is measured.
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_CLASSES": []}


def token(http: Any) -> str:
    """A BZK department client (made once) and a fresh token from the token endpoint."""
    import base64

    from api.models import ApiClient, ClientKind
    from api.services import api_client_register
    from departments.models import Department

    name = "Benchmark HR-systeem BZK"
    ApiClient.objects.filter(name=name).update(active=False)
    client, secret = api_client_register(
        name=f"{name} {time.time_ns()}",
        kind=ClientKind.DEPARTMENT,
        department=Department.objects.get(code="BZK"),
    )
    basic = base64.b64encode(f"{client.client_id}:{secret}".encode()).decode()
    response = http.post(
        "/api/v1/oauth/token",
        {"grant_type": "client_credentials"},
        HTTP_AUTHORIZATION=f"Basic {basic}",
    )
    assert response.status_code == 200, response.content
    return str(response.json()["access_token"])


def targets() -> dict[str, str]:
    from django.db.models import Count
    from django.utils import timezone

    from committees.models import SelectionCommittee

    committee = (
        SelectionCommittee.objects.filter(
            department__code="BZK", interview_date__gte=timezone.localdate()
        )
        .annotate(members=Count("memberships"))
        .order_by("-members", "interview_date")
        .first()
    )
    assert committee is not None, "the seed has no upcoming committee of BZK"
    member = committee.memberships.filter(person__employee_number__isnull=False).first()
    assert member is not None
    return {
        "floor: GET /api/v1/me": "/api/v1/me",
        f"compliance ({committee.memberships.count()} members)": (
            f"/api/v1/committees/{committee.pk}/compliance"
        ),
        "person's training": f"/api/v1/people/{member.person.employee_number}/training",
    }


def measure(rounds: int) -> dict[str, list[float]]:
    from django.test import Client

    # A fresh client for the requests, as an HR system has: no cookie from the token call.
    headers = {"Authorization": f"Bearer {token(Client())}"}
    http = Client()
    urls = targets()
    for url in urls.values():  # warm up, and check each answers
        status = http.get(url, headers=headers).status_code
        assert status == 200, f"{url}: {status}"
    times: dict[str, list[float]] = {name: [] for name in urls}
    for _ in range(rounds):
        for name, url in urls.items():
            began = time.perf_counter()
            http.get(url, headers=headers)
            times[name].append((time.perf_counter() - began) * 1000)
    return times


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=30)
    parser.add_argument("--database", default="tm_hb_api_50_0")
    parser.add_argument("--template", default="tm_bench_reports_50_0")
    args = parser.parse_args()
    copy_database(args.database, args.template)
    setup(args.database)
    times = measure(args.rounds)
    medians = {name: statistics.median(values) for name, values in times.items()}
    floor = next(iter(medians.values()))
    print(f"scale 50 ({args.database}), {args.rounds} rounds, medians:")
    for name, median in medians.items():
        print(f"  {name:36} {median:8.1f} ms  {median / floor:5.2f}x the floor")
    compliance = next(m for name, m in medians.items() if name.startswith("compliance"))
    verdict = "within" if compliance / floor <= GOAL else "ABOVE"
    print(f"compliance: {compliance / floor:.2f}x the floor ({verdict} the goal of {GOAL:g}x)")


if __name__ == "__main__":
    main()
