"""Every task runs on one of three queues and obeys that queue's time limit."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings

from training_monitor.celery import app

# The project's own apps (not the libraries'), found rather than listed: a new app's
# tasks are checked without anyone remembering to add it here.
PROJECT_APPS = tuple(
    f"{config.name}."
    for config in apps.get_app_configs()
    if Path(config.path).is_relative_to(settings.BASE_DIR)
    and ".venv" not in Path(config.path).parts
)


def project_tasks() -> dict[str, object]:
    app.loader.import_default_modules()
    return {name: task for name, task in app.tasks.items() if name.startswith(PROJECT_APPS)}


def queue_of(name: str) -> str:
    route = app.amqp.router.route({}, name)
    return str(route["queue"].name)


def test_the_queues_are_imports_reports_and_notifications_with_their_limits() -> None:
    assert settings.CELERY_QUEUE_TIME_LIMITS == {
        "imports": 600,
        "reports": 600,
        "notifications": 300,
    }
    assert settings.HEALTH_CHECK_QUEUES == ["imports", "reports", "notifications"]


@pytest.mark.parametrize(
    ("task", "queue"),
    [
        ("imports.tasks.apply_attendance_import", "imports"),
        ("imports.tasks.preview_attendance_import", "imports"),
        ("privacy.tasks.apply_retention", "imports"),
        ("reports.tasks.compile_report_job", "reports"),
        ("reports.tasks.compile_ended_quarter", "reports"),
        ("worklists.tasks.prepare_list_download", "reports"),
        ("worklists.tasks.forget_old_list_downloads", "notifications"),
        ("worklists.tasks.send_daily_reminders", "notifications"),
        ("notifications.tasks.send_pending_notifications", "notifications"),
    ],
)
def test_a_task_is_routed_to_its_queue(task: str, queue: str) -> None:
    assert task in project_tasks()
    assert queue_of(task) == queue


def test_every_task_obeys_the_time_limits_of_the_queue_it_is_routed_to() -> None:
    tasks = project_tasks()
    assert tasks
    for name, task in tasks.items():
        limit = settings.CELERY_QUEUE_TIME_LIMITS[queue_of(name)]
        assert task.time_limit == limit, name
        assert limit - 60 <= task.soft_time_limit < limit, name


def test_the_visibility_timeout_is_the_longest_limit_plus_a_minute_not_hours() -> None:
    visibility = settings.CELERY_BROKER_TRANSPORT_OPTIONS["visibility_timeout"]
    assert visibility == max(settings.CELERY_QUEUE_TIME_LIMITS.values()) + 60 == 660
