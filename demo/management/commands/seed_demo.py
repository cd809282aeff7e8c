from __future__ import annotations

import datetime
import secrets
from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from demo import demo_data


def _positive_float(text: str) -> float:
    value = float(text)
    if value <= 0:
        raise ValueError(text)
    return value


class Command(BaseCommand):
    help = (
        "Fill an empty database with realistic, deterministic demo data and the demo "
        "logins. A database that already has data keeps it; only the logins are renewed."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--seed", type=int, default=2021, help="random seed (default 2021)")
        parser.add_argument(
            "--scale", type=_positive_float, default=1.0, help="data volume multiplier (default 1)"
        )
        parser.add_argument("--password", help="password for the demo logins (default: random)")
        parser.add_argument(
            "--today",
            type=datetime.date.fromisoformat,
            help="the date the demo treats as today (default: today)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        password = options["password"] or secrets.token_urlsafe(12)
        if len(password) < 4:
            raise CommandError("The password must have at least 4 characters.")
        today = options["today"] or timezone.localdate()
        result = demo_data.seed(seed=options["seed"], scale=options["scale"], today=today)
        if result.created:
            summary = ", ".join(f"{count} {name}" for name, count in result.counts.items())
            self.stdout.write(self.style.SUCCESS(f"Demo data created: {summary}."))
        else:
            self.stdout.write("The database already has data; nothing was added.")
        demo_data.ensure_demo_users(password)
        self.stdout.write("Demo logins (user name / password):")
        for username, (role, codes) in demo_data.DEMO_USERS.items():
            where = f" for {', '.join(codes)}" if codes else ""
            self.stdout.write(f"  {username:8} / {password}   ({role.value}{where})")
