"""Celery beat's default schedule, written to the database by `migrate`.

The schedule lives in django-celery-beat's tables: administrators see and change it in
the admin ("Periodieke taken"), and beat (training_monitor/beat.py) reads it from there.
`migrate` creates each default entry that is missing, by name, and leaves an existing
one exactly as an administrator left it; beat itself writes nothing but when each entry
last ran. So a job is switched off with "Ingeschakeld", not deleted: a deleted default
comes back on the next `migrate`.

Times are Europe/Amsterdam, as the rest of the application.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from django.apps import apps as global_apps
from django.apps.registry import Apps
from django.utils import timezone
from django_celery_beat.models import CrontabSchedule, PeriodicTask

from reports.quarters import Quarter

SCHEDULE_TIMEZONE = "Europe/Amsterdam"


@dataclass(frozen=True)
class DefaultEntry:
    name: str
    task: str
    description: str
    minute: str
    hour: str = "*"
    day_of_month: str = "*"
    month_of_year: str = "*"
    # On a new entry, when it "last ran": a slot after this moment that has passed when
    # beat starts is run at once. None: from the moment the entry is created.
    last_run: Callable[[datetime.datetime], datetime.datetime] | None = None


def start_of_this_quarter(now: datetime.datetime) -> datetime.datetime:
    """Midnight (Amsterdam) on the first day of the quarter `now` falls in.

    For the quarterly compile: on a new installation (or the upgrade that brought this
    schedule) a compile day of this quarter that has already passed is caught up at once
    when beat starts; the task compiles only a quarter whose scheduled compile is not
    done yet, and only when there is data (reports.tasks.compile_ended_quarter).
    """
    zone = ZoneInfo(SCHEDULE_TIMEZONE)
    start = Quarter.containing(now.astimezone(zone).date()).start
    return datetime.datetime.combine(start, datetime.time(0), tzinfo=zone)


DEFAULT_SCHEDULE: tuple[DefaultEntry, ...] = (
    DefaultEntry(
        name="compile-ended-quarter-reports",
        task="reports.tasks.compile_ended_quarter",
        description="Rapportages van het afgelopen kwartaal samenstellen (Regiegroep en ICOP).",
        minute="0",
        hour="6",
        day_of_month="5",
        month_of_year="1,4,7,10",
        last_run=start_of_this_quarter,
    ),
    DefaultEntry(
        name="forget-old-list-downloads",
        task="worklists.tasks.forget_old_list_downloads",
        description="Klaargezette lijsten met persoonsgegevens verwijderen na EXPORT_KEEP_HOURS.",
        minute="15",
    ),
    DefaultEntry(
        name="send-daily-reminders",
        task="worklists.tasks.send_daily_reminders",
        description=(
            "Herinneringen aan leden, escalaties aan O&P-directeuren en het weekoverzicht "
            "voor O&P-medewerkers in de outbox zetten (elk bericht één keer)."
        ),
        minute="0",
        hour="7",
    ),
    DefaultEntry(
        name="send-pending-notifications",
        task="notifications.tasks.send_pending_notifications",
        description="Wachtende e-mails uit de outbox versturen; mislukte opnieuw na hun wachttijd.",
        minute="*/5",
    ),
    DefaultEntry(
        name="apply-retention",
        task="privacy.tasks.apply_retention",
        description="Bewaartermijnen toepassen: oude gegevens anonimiseren of verwijderen.",
        minute="30",
        hour="3",
        day_of_month="1",
    ),
)


def schedule_install_defaults(*, now: datetime.datetime | None = None) -> list[str]:
    """Create the default entries that are missing; returns the names created."""
    now = now or timezone.now()
    existing = set(PeriodicTask.objects.values_list("name", flat=True))
    created = []
    for entry in DEFAULT_SCHEDULE:
        if entry.name in existing:
            continue
        times = {
            "minute": entry.minute,
            "hour": entry.hour,
            "day_of_week": "*",
            "day_of_month": entry.day_of_month,
            "month_of_year": entry.month_of_year,
            "timezone": SCHEDULE_TIMEZONE,
        }
        # Not get_or_create: the admin lets administrators make the same times twice.
        crontab = CrontabSchedule.objects.filter(**times).first()
        if crontab is None:
            crontab = CrontabSchedule.objects.create(**times)
        PeriodicTask.objects.create(
            name=entry.name,
            task=entry.task,
            crontab=crontab,
            description=entry.description,
            last_run_at=entry.last_run(now) if entry.last_run else None,
        )
        created.append(entry.name)
    return created


def install_on_migrate(apps: Apps | None = None, **kwargs: Any) -> None:
    """post_migrate receiver (also sent by `flush`, without `apps`); skipped while
    django-celery-beat's tables are not there (`apps` is the migrated state: a partial
    `migrate` may not have reached them)."""
    try:
        (apps or global_apps).get_model("django_celery_beat", "PeriodicTask")
    except LookupError:
        return
    schedule_install_defaults()
