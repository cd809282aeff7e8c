"""The supplier API under load: a 5,000-record attendance batch, and 50 clients at once.

    python benchmarks/api.py [--records 5000] [--clients 50] [--per-client 100]
        [--database tm_hb_apicore_10] [--template tm_bench_reports_10_0] [--port 8150]

Runs the app as in production, out of process: gunicorn on 127.0.0.1:PORT and a Celery
worker on the `imports` queue, on a copy of a seeded benchmark database (TEMPLATE, or
seeded here at --scale) and the Redis of BENCH_REDIS_URL (default db 5). Then:

(a) one supplier client POSTs --records new attendance records (people and sessions of the
    seeded supplier with the most sessions, as its list would name them): the time until
    the 202 answer, and the time until the worker has applied the batch; against the same
    rows as a CSV file through `manage.py import_attendance --hold-invalid` (in a
    transaction that is rolled back, so both write the same new rows);
(b) --clients supplier clients at once (threads, one token each), each POSTing a batch of
    --per-client new records twice with one Idempotency-Key (a retry): every answer must
    be 202, each client must get one batch (the retry the same one), and once the worker
    is done no (person, session) pair may have two completions.

Prints the figures; asserts only correctness (no errors, no duplicates), never times.
"""

from __future__ import annotations

import argparse
import csv
import datetime
import json
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
import uuid
from pathlib import Path
from typing import Any

from _setup import ROOT, setup_django

HEADERS = ["Personeelsnummer", "Naam", "E-mailadres", "Ministerie", "Datum", "Locatie",
           "Programma", "Aanwezig"]  # fmt: skip


def make_database(name: str, template: str) -> None:
    import psycopg

    base = os.environ.get("BENCH_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432")
    with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
        if conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            return
        if conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [template]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}" TEMPLATE "{template}"')


def new_pairs(count: int) -> tuple[Any, list[tuple[Any, Any]]]:
    """The supplier with the most sessions and `count` (person, session) pairs it has no
    completion for yet (new on every run)."""
    from django.db.models import Count

    from departments.models import Person
    from trainings.models import Supplier, TrainingCompletion, TrainingSession

    supplier = Supplier.objects.annotate(n=Count("sessions")).order_by("-n", "pk").first()
    assert supplier is not None
    sessions = list(
        TrainingSession.objects.filter(supplier=supplier, entered_by_hand=False)
        .exclude(place="")
        .select_related("programme")
        .order_by("pk")
    )
    slots: dict[tuple[Any, ...], list[Any]] = {}
    for session in sessions:
        slots.setdefault((session.date, session.place.casefold()), []).append(session)
    sessions = [group[0] for group in slots.values() if len(group) == 1]
    existing = set(
        TrainingCompletion.objects.filter(session__supplier=supplier).values_list(
            "person_id", "session_id"
        )
    )
    people = list(
        Person.objects.filter(employee_number__isnull=False)
        .exclude(employee_number="")
        .select_related("department")
        .order_by("pk")
    )
    pairs: list[tuple[Any, Any]] = []
    for offset in range(len(sessions)):
        for index, person in enumerate(people):
            session = sessions[(index * 7 + offset) % len(sessions)]
            if (person.pk, session.pk) not in existing:
                existing.add((person.pk, session.pk))
                pairs.append((person, session))
                if len(pairs) == count:
                    return supplier, pairs
    raise SystemExit(f"only {len(pairs)} new pairs available")


def record(person: Any, session: Any) -> dict[str, Any]:
    return {
        "employee_number": person.employee_number,
        "full_name": person.full_name,
        "email": person.email or None,
        "ministry": person.department.code,
        "session_date": session.date.isoformat(),
        "session_place": session.place,
        "programme": session.programme.name,
        "status": "attended",
    }


def write_csv(path: Path, pairs: list[tuple[Any, Any]]) -> None:
    with path.open("w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out, delimiter=";")
        writer.writerow(HEADERS)
        for person, session in pairs:
            r = record(person, session)
            writer.writerow([r["employee_number"], r["full_name"], r["email"] or "",
                             r["ministry"], session.date.strftime("%d-%m-%Y"),
                             r["session_place"], r["programme"], "ja"])  # fmt: skip


class _RollBack(Exception):
    pass


def command_import(path: Path, supplier: Any) -> tuple[float, str]:
    """`manage.py import_attendance` on the file, rolled back afterwards."""
    from io import StringIO

    from django.core.management import call_command
    from django.db import transaction

    out = StringIO()
    start = time.perf_counter()
    try:
        with transaction.atomic():
            try:
                call_command(
                    "import_attendance", str(path), supplier=supplier.code, hold_invalid=True,
                    json=True, stdout=out,
                )  # fmt: skip
            except SystemExit as done:  # the command ends with its exit status
                if done.code:
                    raise SystemExit(out.getvalue()[:2000]) from None
            elapsed = time.perf_counter() - start
            raise _RollBack
    except _RollBack:
        pass
    return elapsed, out.getvalue()


# --- the server and the worker --------------------------------------------------------


def start_services(port: int, redis_url: str) -> list[subprocess.Popen[bytes]]:
    from django.db import connection

    db = connection.settings_dict
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "training_monitor.settings_test",
        "DATABASE_URL": f"postgres://{db['USER'] or 'postgres'}@{db['HOST'] or '127.0.0.1'}:"
        f"{db['PORT'] or 5432}/{db['NAME']}",
        "CELERY_BROKER_URL": redis_url,
        "TEST_FILE_STORAGE": "filesystem",
        "MEDIA_ROOT": str(Path(tempfile.gettempdir()) / "tm-bench-api-media"),
        "LOG_LEVEL": "WARNING",
        "CONN_MAX_AGE": "60",
        # Rate limit out of the way: 50 clients are not the thing measured here.
        "API_RATE_LIMIT": "100000/min",
    }
    os.environ["MEDIA_ROOT"] = env["MEDIA_ROOT"]
    web = subprocess.Popen(
        [str(Path(sys.executable).parent / "gunicorn"), "training_monitor.wsgi",
         "-b", f"127.0.0.1:{port}", "-w", "2", "--threads", "8", "--log-level", "warning"],
        cwd=ROOT, env=env, start_new_session=True,
    )  # fmt: skip
    worker = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "training_monitor", "worker", "-P", "solo",
         "-Q", "imports", "--without-heartbeat", "--without-gossip", "--without-mingle",
         "--loglevel=WARNING"],
        cwd=ROOT, env=env, start_new_session=True,
    )  # fmt: skip
    return [web, worker]


def wait_for_server(base: str) -> None:
    for _ in range(200):
        try:
            urllib.request.urlopen(f"{base}/api/v1/openapi.json", timeout=10)  # noqa: S310
            return
        except OSError:  # refused while gunicorn starts, or a timeout
            time.sleep(0.5)
    raise SystemExit("the server did not start")


def http(
    method: str, url: str, body: Any = None, **headers: str
) -> tuple[int, dict[str, str], Any]:
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(url, data=data, method=method)  # noqa: S310
    if data is not None:
        request.add_header("Content-Type", "application/json")
    for name, value in headers.items():
        request.add_header(name.replace("_", "-"), value)
    try:
        with urllib.request.urlopen(request, timeout=120) as response:  # noqa: S310
            return response.status, dict(response.headers), json.loads(response.read() or b"null")
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), json.loads(error.read() or b"null")


def token(base: str, client_id: str, secret: str) -> str:
    import base64

    basic = base64.b64encode(f"{client_id}:{secret}".encode()).decode()
    request = urllib.request.Request(  # noqa: S310
        f"{base}/api/v1/oauth/token", data=b"grant_type=client_credentials", method="POST"
    )
    request.add_header("Authorization", f"Basic {basic}")
    request.add_header("Content-Type", "application/x-www-form-urlencoded")
    with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
        return str(json.loads(response.read())["access_token"])


def wait_applied(batch_ids: list[int], timeout: float) -> float:
    from imports.models import ImportBatch

    start = time.perf_counter()
    while time.perf_counter() - start < timeout:
        statuses = set(
            ImportBatch.objects.filter(pk__in=batch_ids).values_list("status", flat=True)
        )
        if statuses <= {"applied", "rejected", "failed"}:
            return time.perf_counter() - start
        time.sleep(0.05)
    raise SystemExit(f"not applied within {timeout} s")


# --- (a) one large batch --------------------------------------------------------------


def large_batch(base: str, count: int, work: Path) -> None:
    from api.services import api_client_register
    from imports.models import ImportBatch

    supplier, pairs = new_pairs(count)
    path = work / "aanwezigheid.csv"
    write_csv(path, pairs)
    file_seconds, _out = command_import(path, supplier)
    client, secret = api_client_register(
        name=f"bench-{uuid.uuid4().hex[:8]}", kind="supplier", supplier=supplier
    )
    bearer = token(base, client.client_id, secret)
    records = [record(person, session) for person, session in pairs]
    start = time.perf_counter()
    status, headers, body = http(
        "POST", f"{base}/api/v1/attendance", {"records": records},
        Authorization=f"Bearer {bearer}",
    )  # fmt: skip
    accepted = time.perf_counter() - start
    assert status == 202, (status, body)
    applied = wait_applied([body["id"]], timeout=600)
    batch = ImportBatch.objects.get(pk=body["id"])
    print(f"(a) {count} records, supplier {supplier.code}")
    print(f"    POST /api/v1/attendance: 202 after {accepted * 1000:.0f} ms "
          f"(Location {headers.get('Location')})")  # fmt: skip
    print(f"    worker applied it {applied:.2f} s after the 202: {batch.counts}")
    print(
        f"    the same rows as a CSV through import_attendance: {file_seconds:.2f} s "
        f"(API total {accepted + applied:.2f} s = {(accepted + applied) / file_seconds:.2f}x)"
    )


# --- (b) many clients at once ---------------------------------------------------------


def many_clients(base: str, clients: int, per_client: int) -> None:
    from django.db.models import Count

    from api.services import api_client_register
    from trainings.models import TrainingCompletion

    supplier, pairs = new_pairs(clients * per_client)
    callers = []
    for n in range(clients):
        client, secret = api_client_register(
            name=f"bench-{uuid.uuid4().hex[:8]}-{n}", kind="supplier", supplier=supplier
        )
        callers.append(token(base, client.client_id, secret))
    batches = [
        [record(p, s) for p, s in pairs[n * per_client : (n + 1) * per_client]]
        for n in range(clients)
    ]
    answers: list[tuple[int, int, Any, Any]] = []
    times: list[float] = []
    lock = threading.Lock()
    barrier = threading.Barrier(clients)

    def one(n: int) -> None:
        key = str(uuid.uuid4())
        barrier.wait()
        for _attempt in range(2):  # the request and its retry
            start = time.perf_counter()
            status, _h, body = http(
                "POST", f"{base}/api/v1/attendance", {"records": batches[n]},
                Authorization=f"Bearer {callers[n]}", Idempotency_Key=key,
            )  # fmt: skip
            with lock:
                times.append(time.perf_counter() - start)
                answers.append(
                    (n, status, body.get("id") if isinstance(body, dict) else None, body)
                )

    threads = [threading.Thread(target=one, args=(n,)) for n in range(clients)]
    start = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    wall = time.perf_counter() - start
    errors = [a for a in answers if a[1] != 202]
    ids_per_client: dict[int, set[int]] = {}
    for n, _status, batch_id, _body in answers:
        ids_per_client.setdefault(n, set()).add(batch_id)
    assert not errors, errors[:3]
    assert all(len(ids) == 1 for ids in ids_per_client.values()), "a retry made a second batch"
    batch_ids = [next(iter(ids)) for ids in ids_per_client.values()]
    applied = wait_applied(batch_ids, timeout=900)
    duplicates = (
        TrainingCompletion.objects.filter(session__supplier=supplier)
        .values("person", "session")
        .annotate(n=Count("pk"))
        .filter(n__gt=1)
        .count()
    )
    assert duplicates == 0, f"{duplicates} duplicate completions"
    print(f"(b) {clients} clients at once, {per_client} records each, each sent twice "
          "with one Idempotency-Key")  # fmt: skip
    print(f"    {len(answers)} answers, all 202, {len(set(batch_ids))} batches (one per client), "
          f"0 duplicate completions")  # fmt: skip
    print(
        f"    answer time median {statistics.median(times) * 1000:.0f} ms, "
        f"max {max(times) * 1000:.0f} ms; all sent in {wall:.2f} s; "
        f"the worker applied the {len(batch_ids)} batches {applied:.1f} s later"
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--records", type=int, default=5000)
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--per-client", type=int, default=100)
    parser.add_argument("--database", default="tm_hb_apicore_10")
    parser.add_argument("--template", default="tm_bench_reports_10_0")
    parser.add_argument("--scale", type=float, default=10.0)
    parser.add_argument("--port", type=int, default=8150)
    args = parser.parse_args()
    redis_url = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/5")
    make_database(args.database, args.template)
    setup_django(args.database, scale=args.scale)
    services = start_services(args.port, redis_url)
    base = f"http://127.0.0.1:{args.port}"
    try:
        wait_for_server(base)
        with tempfile.TemporaryDirectory() as work:
            large_batch(base, args.records, Path(work))
        many_clients(base, args.clients, args.per_client)
    finally:
        for process in services:
            os.killpg(process.pid, 15)
            process.wait(timeout=30)
    print(f"({datetime.datetime.now():%Y-%m-%d %H:%M}, {os.cpu_count()} cores)")


if __name__ == "__main__":
    main()
