"""A compile still "running" past the reports queue's time limit is shown as stopped,
and the bureau and administrators (only) retry it through job_retry."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from reports.models import JobKind, JobStatus, ReportJob, ReportSnapshot, Trigger
from tests.factories import op_staff
from tests.reports.conftest import World

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english_pages(client) -> None:
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"


def limit_ago(extra_seconds: int) -> datetime.datetime:
    limit = settings.REPORT_TASK_TIME_LIMIT + settings.JOB_STOPPED_MARGIN
    return timezone.now() - datetime.timedelta(seconds=limit + extra_seconds)


def running(*, started_at: datetime.datetime) -> ReportJob:
    """A compile a worker started at `started_at` (and, when long ago, then lost)."""
    return ReportJob.objects.create(
        kind=JobKind.ALL,
        quarter="2025Q1",
        trigger=Trigger.PAGE,
        status=JobStatus.RUNNING,
        progress=5,
        attempts=1,
        started_at=started_at,
    )


def test_a_compile_running_past_its_time_limit_is_stopped(world: World) -> None:
    stopped = running(started_at=limit_ago(1))
    assert stopped.is_stopped
    assert stopped.may_retry
    assert stopped.status_label == "Gestopt"  # Dutch first
    assert list(ReportJob.objects.stopped()) == [stopped]
    assert list(ReportJob.objects.retryable()) == [stopped]


def test_a_compile_within_its_time_limit_is_still_running(world: World) -> None:
    job = running(started_at=limit_ago(-30))
    assert not job.is_stopped
    assert not job.may_retry
    assert job.status_label == "Bezig"
    assert not ReportJob.objects.stopped().exists()
    assert not ReportJob.objects.retryable().exists()


@pytest.mark.parametrize("who", ["bureau", "admin_user_"])
def test_the_bureau_and_administrators_see_stopped_with_a_retry_button(
    client, world: World, who: str, request: Any
) -> None:
    job = running(started_at=limit_ago(1))
    client.force_login(request.getfixturevalue(who))
    response = client.get(reverse("reports:job", args=[job.pk]))
    page = response.content.decode()
    assert "Stopped" in page
    assert reverse("reports:job_retry", args=[job.pk]) in page
    assert "Refresh" not in response  # no endless reloading of a stopped job
    assert "hx-trigger" not in page


def test_a_running_compile_has_no_retry_button_and_retry_changes_nothing(
    client, world: World, bureau: Any
) -> None:
    job = running(started_at=limit_ago(-30))
    client.force_login(bureau)
    assert (
        reverse("reports:job_retry", args=[job.pk])
        not in client.get(reverse("reports:job", args=[job.pk])).content.decode()
    )
    client.post(reverse("reports:job_retry", args=[job.pk]))
    job.refresh_from_db()
    assert job.status == JobStatus.RUNNING
    assert job.attempts == 1


def test_retry_compiles_a_stopped_job_once(client, world: World, bureau: Any) -> None:
    job = running(started_at=limit_ago(1))
    client.force_login(bureau)
    response = client.post(reverse("reports:job_retry", args=[job.pk]))
    assert response.status_code == 302
    job.refresh_from_db()
    assert job.status == JobStatus.DONE  # eager Celery in tests
    assert job.attempts == 2
    assert job.snapshots.count() == 2
    # Pressing again (or the stopped task's message delivered late) compiles nothing new.
    client.post(reverse("reports:job_retry", args=[job.pk]))
    job.refresh_from_db()
    assert job.status == JobStatus.DONE
    assert job.attempts == 2
    assert ReportSnapshot.objects.count() == 2


def test_op_staff_and_an_outsider_cannot_see_or_retry_a_stopped_job(client, world: World) -> None:
    job = running(started_at=limit_ago(1))
    own = op_staff(world.aaa, username="op.aaa")
    outsider = op_staff(world.bbb, username="op.bbb")
    for user in (own, outsider):
        client.force_login(user)
        assert client.get(reverse("reports:job", args=[job.pk])).status_code == 403
        assert client.post(reverse("reports:job_retry", args=[job.pk])).status_code == 403
    job.refresh_from_db()
    assert job.status == JobStatus.RUNNING
    assert job.attempts == 1


def test_the_admin_list_of_compiles_shows_a_stopped_one(client, world: World, admin_user_) -> None:
    running(started_at=limit_ago(1))
    client.force_login(admin_user_)
    page = client.get(reverse("admin:reports_reportjob_changelist")).content.decode()
    assert "Stopped" in page
