"""Shared start-up for benchmark scripts: a PostgreSQL database of their own, seeded.

python benchmarks/_setup.py --scale 50 --database NAME
    migrate and seed NAME (once: a seeded database is left as it is); prints the time
    and the counts (`make bench` runs it first, so seeding at scale 50 is measured too)
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
BASE = os.environ.get("BENCH_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432")


def setup_django(database: str, *, scale: float) -> None:
    """Point Django at `database` (created if missing), migrate and seed it once."""
    import psycopg

    with psycopg.connect(f"{BASE}/postgres", autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [database]).fetchone()
        if not exists:
            conn.execute(f'CREATE DATABASE "{database}"')
    os.environ["DATABASE_URL"] = f"{BASE.replace('postgresql', 'postgres', 1)}/{database}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "training_monitor.settings_test")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    with open(os.devnull, "w") as quiet:
        call_command("seed_demo", scale=scale, password="benchmark", stdout=quiet)  # noqa: S106


def database_copy(database: str, template: str) -> bool:
    """Make `database` a copy of `template` (`CREATE DATABASE ... TEMPLATE`) unless it
    exists; True when it was made. For benchmarks that write: the seeded database stays
    as it is. No one may be connected to the template while it is copied: retried for a
    minute."""
    import psycopg

    with psycopg.connect(f"{BASE}/postgres", autocommit=True) as conn:
        if conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [database]).fetchone():
            return False
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [template]).fetchone():
            raise SystemExit(f"{template} does not exist: seed it first (README, Benchmarks)")
        for attempt in range(12):
            try:
                conn.execute(f'CREATE DATABASE "{database}" TEMPLATE "{template}"')
                return True
            except psycopg.errors.ObjectInUse:
                if attempt == 11:
                    raise
                time.sleep(5)
    return False


def _seeded(database: str) -> bool:
    """Whether `database` exists and has committees (seed_demo then leaves it as it is)."""
    import psycopg

    try:
        with psycopg.connect(f"{BASE}/{database}") as conn:
            table = conn.execute("SELECT to_regclass('committees_selectioncommittee')").fetchone()
            if not table or table[0] is None:
                return False
            return (
                conn.execute("SELECT 1 FROM committees_selectioncommittee LIMIT 1").fetchone()
                is not None
            )
    except psycopg.OperationalError:  # no such database yet
        return False


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, required=True)
    parser.add_argument("--database", required=True)
    args = parser.parse_args()
    seeded = _seeded(args.database)
    began = time.perf_counter()
    setup_django(args.database, scale=args.scale)
    from committees.models import CommitteeMembership, SelectionCommittee
    from departments.models import Person
    from trainings.models import TrainingSession

    done = "found seeded and migrated" if seeded else "seeded (seed_demo) and migrated"
    print(
        f"{args.database} (scale {args.scale:g}) {done} in "
        f"{time.perf_counter() - began:.0f} s: {SelectionCommittee.objects.count():,} "
        f"committees, {CommitteeMembership.objects.count():,} memberships, "
        f"{Person.objects.count():,} people, {TrainingSession.objects.count():,} sessions"
    )


if __name__ == "__main__":
    main()
