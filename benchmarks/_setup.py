"""Shared start-up for benchmark scripts: a PostgreSQL database of their own, seeded."""

from __future__ import annotations

import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def setup_django(database: str, *, scale: float) -> None:
    """Point Django at `database` (created if missing), migrate and seed it once."""
    import psycopg

    base = os.environ.get("BENCH_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432")
    with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [database]).fetchone()
        if not exists:
            conn.execute(f'CREATE DATABASE "{database}"')
    os.environ["DATABASE_URL"] = f"{base.replace('postgresql', 'postgres', 1)}/{database}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "training_monitor.settings_test")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    with open(os.devnull, "w") as quiet:
        call_command("seed_demo", scale=scale, password="benchmark", stdout=quiet)  # noqa: S106
