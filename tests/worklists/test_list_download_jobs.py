"""Long lists are prepared by a background job, for the requesting user only."""

from __future__ import annotations

import datetime

import pytest
from django.http import QueryDict
from django.urls import reverse
from django.utils import timezone

from tests.factories import CommitteeFactory, op_staff
from worklists.models import ExportJob, ExportStatus
from worklists.services import export_request
from worklists.tasks import forget_old_list_downloads

pytestmark = pytest.mark.django_db


@pytest.fixture
def long_list(settings, department) -> None:
    settings.EXPORT_BACKGROUND_ROWS = 2
    for reference in ("L-1", "L-2", "L-3"):
        CommitteeFactory(department=department, vacancy_reference=reference)


def url(fmt: str = "csv", query: str = "") -> str:
    path = reverse("worklists:download", args=["committees", fmt])
    return f"{path}?{query}" if query else path


def test_a_long_list_offers_a_background_job_and_changes_nothing_on_get(
    client, op_user, long_list
) -> None:
    client.force_login(op_user)
    response = client.get(url())
    assert response.status_code == 200
    assert "Deze lijst heeft 3 rijen." in response.content.decode()
    assert not ExportJob.objects.exists()


def test_the_job_prepares_the_file_with_the_filters_for_the_requester(
    client, op_user, department, long_list, django_capture_on_commit_callbacks
) -> None:
    CommitteeFactory(department=department, vacancy_reference="X-9", vacancy_title="Anders")
    client.force_login(op_user)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url("csv", "q=L-&page=2"))
    job = ExportJob.objects.get()
    assert response.url == reverse("worklists:job", args=[job.pk])
    assert job.params == {"q": ["L-"]}
    assert job.status == ExportStatus.DONE  # eager in the tests: ran on commit
    assert job.progress == 100
    assert job.filename == f"commissies-{timezone.localdate().isoformat()}.csv"
    page = client.get(response.url)
    assert "Klaar" in page.content.decode()
    assert "Refresh" not in page
    body = b"".join(client.get(reverse("worklists:job_file", args=[job.pk]))).decode()
    assert [line.split(";")[0] for line in body.splitlines()[1:]] == ["L-1", "L-2", "L-3"]


def test_nobody_else_sees_or_downloads_the_job(
    client, op_user, outsider, bureau, department, long_list
) -> None:
    client.force_login(op_user)
    client.post(url("xlsx"))
    job = ExportJob.objects.get()
    colleague = op_staff(department, username="op.collega")
    for other in (colleague, outsider, bureau):
        client.force_login(other)
        assert client.get(reverse("worklists:job", args=[job.pk])).status_code == 404
        assert client.get(reverse("worklists:job_file", args=[job.pk])).status_code == 404


def test_a_running_job_shows_progress_and_reloads(client, op_user) -> None:
    job = ExportJob.objects.create(
        requested_by=op_user, kind="committees", fmt="csv", status=ExportStatus.RUNNING, progress=40
    )
    client.force_login(op_user)
    response = client.get(reverse("worklists:job", args=[job.pk]))
    assert response["Refresh"] == "3"
    assert 'value="40"' in response.content.decode()
    partial = client.get(reverse("worklists:job", args=[job.pk]), headers={"HX-Request": "true"})
    assert "hx-trigger" in partial.content.decode()
    assert client.get(reverse("worklists:job_file", args=[job.pk])).status_code == 404


def test_asking_again_while_waiting_joins_the_waiting_job(
    op_user, long_list, django_capture_on_commit_callbacks
) -> None:
    params = QueryDict("status=planned")
    with django_capture_on_commit_callbacks(execute=False):
        first = export_request(
            user=op_user, kind="committees", fmt="csv", params=params, row_count=3
        )
        again = export_request(
            user=op_user, kind="committees", fmt="csv", params=params, row_count=3
        )
    assert again.pk == first.pk
    assert ExportJob.objects.count() == 1


def test_a_dead_task_queue_keeps_the_request_and_says_so(
    client, op_user, long_list, dead_broker, django_capture_on_commit_callbacks
) -> None:
    client.force_login(op_user)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url())
    response = client.get(response.url)
    job = ExportJob.objects.get()
    assert job.status == ExportStatus.NOT_QUEUED
    assert job.message in response.content.decode(), job.message
    assert "De wachtrij is nu niet bereikbaar" in job.message


def test_old_downloads_are_deleted_when_the_user_asks_for_a_new_one(
    client, op_user, long_list
) -> None:
    old = ExportJob.objects.create(
        requested_by=op_user, kind="committees", fmt="csv", status=ExportStatus.DONE
    )
    ExportJob.objects.filter(pk=old.pk).update(
        created_at=timezone.now() - datetime.timedelta(hours=25)
    )
    client.force_login(op_user)
    client.post(url())
    assert not ExportJob.objects.filter(pk=old.pk).exists()
    assert ExportJob.objects.count() == 1


def test_the_job_respects_rights_taken_away_after_the_request(
    client, op_user, department, long_list, django_capture_on_commit_callbacks
) -> None:
    client.force_login(op_user)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        client.post(url())
    department.staff.remove(op_user)
    for callback in callbacks:
        callback()
    job = ExportJob.objects.get()
    assert job.status == ExportStatus.DONE
    assert bytes(job.content or b"").decode("utf-8-sig").count("\r\n") == 1  # the header only


def test_the_hourly_task_deletes_everyones_old_downloads_only(op_user, outsider) -> None:
    jobs = [
        ExportJob.objects.create(requested_by=user, kind="actions", fmt="csv")
        for user in (op_user, outsider, op_user)
    ]
    ExportJob.objects.filter(pk__in=[jobs[0].pk, jobs[1].pk]).update(
        created_at=timezone.now() - datetime.timedelta(hours=25)
    )
    forget_old_list_downloads.delay()
    assert list(ExportJob.objects.values_list("pk", flat=True)) == [jobs[2].pk]
