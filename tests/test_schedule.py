"""Beat's default schedule is put in the database by `migrate` (training_monitor/schedule.py)."""

from __future__ import annotations

import datetime
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command
from django_celery_beat.models import PeriodicTask

from training_monitor.schedule import DEFAULT_SCHEDULE, schedule_install_defaults

pytestmark = pytest.mark.django_db
AMSTERDAM = ZoneInfo("Europe/Amsterdam")
COMPILE = "compile-ended-quarter-reports"


def crontabs() -> dict[str, tuple[str, str, str]]:
    """Per entry: its task, "minute hour day-of-month month day-of-week", its time zone."""
    return {
        task.name: (
            task.task,
            " ".join(
                getattr(task.crontab, field)
                for field in ("minute", "hour", "day_of_month", "month_of_year", "day_of_week")
            ),
            str(task.crontab.timezone),
        )
        # Every default entry runs on a crontab.
        for task in PeriodicTask.objects.select_related("crontab").filter(crontab__isnull=False)
        if task.crontab is not None
    }


def test_migrate_puts_the_compile_clean_up_reminders_outbox_and_retention_in_the_database() -> None:
    assert crontabs() == {
        COMPILE: ("reports.tasks.compile_ended_quarter", "0 6 5 1,4,7,10 *", "Europe/Amsterdam"),
        "forget-old-list-downloads": (
            "worklists.tasks.forget_old_list_downloads",
            "15 * * * *",
            "Europe/Amsterdam",
        ),
        "send-daily-reminders": (
            "worklists.tasks.send_daily_reminders",
            "0 7 * * *",
            "Europe/Amsterdam",
        ),
        "send-pending-notifications": (
            "notifications.tasks.send_pending_notifications",
            "*/5 * * * *",
            "Europe/Amsterdam",
        ),
        "apply-retention": ("privacy.tasks.apply_retention", "30 3 1 * *", "Europe/Amsterdam"),
    }
    assert set(PeriodicTask.objects.values_list("enabled", flat=True)) == {True}


def test_an_administrators_changes_survive_the_next_migrate() -> None:
    crontab = PeriodicTask.objects.get(name=COMPILE).crontab
    assert crontab is not None
    crontab.hour = "7"
    crontab.save()
    PeriodicTask.objects.filter(name="apply-retention").update(enabled=False, description="Uit")
    call_command("migrate", interactive=False, verbosity=0)
    assert crontabs()[COMPILE][1] == "0 7 5 1,4,7,10 *"
    retention = PeriodicTask.objects.get(name="apply-retention")
    assert (retention.enabled, retention.description) == (False, "Uit")
    assert PeriodicTask.objects.count() == len(DEFAULT_SCHEDULE)


def test_a_deleted_default_comes_back_on_the_next_migrate() -> None:
    """Switch a job off instead: the defaults are always there (README, "Schedule")."""
    PeriodicTask.objects.filter(name="apply-retention").delete()
    call_command("migrate", interactive=False, verbosity=0)
    assert PeriodicTask.objects.get(name="apply-retention").enabled


def test_on_a_new_installation_the_compile_counts_from_the_start_of_this_quarter() -> None:
    PeriodicTask.objects.all().delete()
    installed = datetime.datetime(2026, 1, 3, 12, 0, tzinfo=AMSTERDAM)
    assert len(schedule_install_defaults(now=installed)) == len(DEFAULT_SCHEDULE)
    compile_task = PeriodicTask.objects.get(name=COMPILE)
    assert compile_task.last_run_at == datetime.datetime(2026, 1, 1, tzinfo=AMSTERDAM)
    # The other jobs count from the moment they are created (django-celery-beat's rule).
    others = PeriodicTask.objects.exclude(name=COMPILE)
    assert set(others.values_list("last_run_at", flat=True)) == {None}


@pytest.mark.parametrize(
    ("beat_starts", "due"),
    [
        # Installed before the compile day: it waits for the 5th, when the last imports
        # of the quarter are in.
        (datetime.datetime(2026, 1, 3, 12, 0, tzinfo=AMSTERDAM), False),
        # Installed after it: the quarter that ended is compiled when beat starts, unless
        # its scheduled compile was done before (tests/reports/test_compile_ended_quarter.py).
        (datetime.datetime(2026, 1, 20, 9, 0, tzinfo=AMSTERDAM), True),
    ],
)
def test_a_new_installation_compiles_at_once_only_after_this_quarters_compile_day(
    beat_starts: datetime.datetime, due: bool
) -> None:
    PeriodicTask.objects.all().delete()
    schedule_install_defaults(now=datetime.datetime(2026, 1, 2, 8, 0, tzinfo=AMSTERDAM))
    compile_task = PeriodicTask.objects.get(name=COMPILE)
    assert compile_task.crontab is not None
    schedule = compile_task.crontab.schedule
    schedule.nowfun = lambda: beat_starts
    assert compile_task.last_run_at is not None
    assert schedule.is_due(compile_task.last_run_at.astimezone(AMSTERDAM)).is_due is due
