"""An import still "being applied" past the imports queue's time limit is shown as
stopped, and administrators (only) send it to the worker again, which applies it once.
The page says how far an interrupted apply got: its committed chunks stay."""

from __future__ import annotations

import datetime

import pytest
from django.conf import settings
from django.utils import timezone

from imports.models import ImportBatch, ImportStatus
from imports.services import attendance_import_preview
from imports.tasks import preview_attendance_import
from tests.factories import PersonFactory
from tests.imports.conftest import csv_file, make_batch
from trainings.models import TrainingCompletion

pytestmark = pytest.mark.django_db

GOOD = [["1", "", "", "", "", "03-03-2025", "Utrecht", "ja"]]


@pytest.fixture(autouse=True)
def _english_pages(client) -> None:
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"


def limit_ago(extra_seconds: int) -> datetime.datetime:
    limit = settings.CELERY_QUEUE_TIME_LIMITS["imports"] + settings.JOB_STOPPED_MARGIN
    return timezone.now() - datetime.timedelta(seconds=limit + extra_seconds)


def applying(supplier, *, started_at: datetime.datetime) -> ImportBatch:
    """A previewed batch a worker began applying at `started_at` and then lost."""
    PersonFactory(employee_number="1")
    batch = attendance_import_preview(batch=make_batch(supplier, csv_file(GOOD)))
    ImportBatch.objects.filter(pk=batch.pk).update(
        status=ImportStatus.APPLYING, apply_started_at=started_at, rows_done=1
    )
    batch.refresh_from_db()
    return batch


def test_an_import_applying_past_its_time_limit_is_stopped(supplier) -> None:
    stopped = applying(supplier, started_at=limit_ago(1))
    assert stopped.is_stopped
    assert stopped.status_label == "Stopped"
    assert list(ImportBatch.objects.stopped()) == [stopped]


def test_an_import_applying_within_its_time_limit_is_not_stopped(supplier) -> None:
    running = applying(supplier, started_at=limit_ago(-30))
    assert not running.is_stopped
    assert running.status_label == "Being applied"
    assert not ImportBatch.objects.stopped().exists()


def test_the_administrator_sees_stopped_with_a_retry_button(client, admin_user_, supplier) -> None:
    batch = applying(supplier, started_at=limit_ago(1))
    client.force_login(admin_user_)
    page = client.get(f"/imports/{batch.pk}/").content.decode()
    assert "Stopped" in page
    assert "The first 1 of 1 rows have been saved. Try again: it goes on after those" in page
    assert f'action="/imports/{batch.pk}/retry/"' in page
    assert "hx-trigger" not in page  # no endless polling of a stopped import
    assert "Stopped" in client.get("/imports/").content.decode()


def test_a_running_import_has_no_retry_button_and_retry_changes_nothing(
    client, admin_user_, supplier
) -> None:
    batch = applying(supplier, started_at=limit_ago(-30))
    client.force_login(admin_user_)
    assert "/retry/" not in client.get(f"/imports/{batch.pk}/").content.decode()
    assert client.post(f"/imports/{batch.pk}/retry/").status_code == 302
    batch.refresh_from_db()
    assert batch.status == ImportStatus.APPLYING
    assert not TrainingCompletion.objects.exists()


def test_retry_applies_a_stopped_import_exactly_once(
    client, admin_user_, supplier, django_capture_on_commit_callbacks
) -> None:
    batch = applying(supplier, started_at=limit_ago(1))
    client.force_login(admin_user_)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/imports/{batch.pk}/retry/")
    assert response.status_code == 302
    batch.refresh_from_db()
    assert batch.status == ImportStatus.APPLIED  # eager Celery in tests
    assert not batch.is_stopped
    # A second press (or the stopped task's own message delivered late) changes nothing.
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/imports/{batch.pk}/retry/")
    batch.refresh_from_db()
    assert batch.status == ImportStatus.APPLIED
    assert TrainingCompletion.objects.filter(import_rows__batch=batch).distinct().count() == 1


@pytest.mark.parametrize("who", ["op_user", "outsider", "bureau"])
def test_only_administrators_see_or_retry_a_stopped_import(client, supplier, who, request) -> None:
    batch = applying(supplier, started_at=limit_ago(1))
    client.force_login(request.getfixturevalue(who))
    assert client.get(f"/imports/{batch.pk}/").status_code == 403
    assert client.post(f"/imports/{batch.pk}/retry/").status_code == 403
    batch.refresh_from_db()
    assert batch.status == ImportStatus.APPLYING
    assert not TrainingCompletion.objects.exists()


def test_an_import_waiting_after_a_worker_shut_down_shows_its_rows_done(
    client, admin_user_, supplier
) -> None:
    batch = applying(supplier, started_at=limit_ago(1))
    ImportBatch.objects.filter(pk=batch.pk).update(status=ImportStatus.QUEUED)
    client.force_login(admin_user_)
    page = client.get(f"/imports/{batch.pk}/").content.decode()
    assert "Waiting to be applied: 1 of 1 rows" in page
    assert "hx-trigger" in page  # the page follows it until a worker is done with it
    assert "/retry/" not in page


def test_an_import_that_failed_midway_says_its_first_rows_stay(
    client, admin_user_, supplier
) -> None:
    batch = applying(supplier, started_at=limit_ago(-30))
    ImportBatch.objects.filter(pk=batch.pk).update(status=ImportStatus.FAILED, error="kapot")
    client.force_login(admin_user_)
    page = client.get(f"/imports/{batch.pk}/").content.decode()
    assert "The first 1 rows were saved before the error, and they stay." in page


def previewing(supplier, *, started_at: datetime.datetime | None) -> ImportBatch:
    """An uploaded batch a worker began previewing at `started_at` (None: still waiting)."""
    PersonFactory(employee_number="1")
    batch = make_batch(supplier, csv_file(GOOD))
    ImportBatch.objects.filter(pk=batch.pk).update(
        status=ImportStatus.PREVIEWING, preview_started_at=started_at, rows_done=5000
    )
    batch.refresh_from_db()
    return batch


def test_a_preview_under_way_shows_the_rows_read_and_is_followed(
    client, admin_user_, supplier
) -> None:
    batch = previewing(supplier, started_at=limit_ago(-30))
    assert not batch.is_stopped
    client.force_login(admin_user_)
    page = client.get(f"/imports/{batch.pk}/").content.decode()
    assert "Being previewed: 5000 rows read" in page
    assert "hx-trigger" in page
    assert "Refresh this page" in page  # without JavaScript
    assert "/retry/" not in page
    progress = client.get(f"/imports/{batch.pk}/progress/", HTTP_HX_REQUEST="true")
    assert "HX-Refresh" not in progress


def test_a_preview_past_its_time_limit_is_stopped_and_retry_previews_it_again(
    client, admin_user_, supplier, django_capture_on_commit_callbacks
) -> None:
    batch = previewing(supplier, started_at=limit_ago(1))
    assert batch.is_stopped
    assert list(ImportBatch.objects.stopped()) == [batch]
    client.force_login(admin_user_)
    page = client.get(f"/imports/{batch.pk}/").content.decode()
    assert "Previewing the file stopped before it was done" in page
    assert "hx-trigger" not in page
    assert f'action="/imports/{batch.pk}/retry/"' in page
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/imports/{batch.pk}/retry/")
    batch.refresh_from_db()
    assert batch.status == ImportStatus.PREVIEWED  # eager Celery in tests
    assert batch.counts["unchanged"] + batch.counts["new"] == 1
    assert not TrainingCompletion.objects.exists()  # a preview writes nothing


def test_a_preview_that_could_not_reach_the_queue_offers_to_try_again(
    client, admin_user_, supplier, django_capture_on_commit_callbacks
) -> None:
    batch = make_batch(supplier, csv_file(GOOD))
    ImportBatch.objects.filter(pk=batch.pk).update(error="The task queue cannot be reached")
    client.force_login(admin_user_)
    assert (
        f'action="/imports/{batch.pk}/retry/"'
        in client.get(f"/imports/{batch.pk}/").content.decode()
    )
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/imports/{batch.pk}/retry/")
    batch.refresh_from_db()
    assert batch.status == ImportStatus.PREVIEWED
    assert batch.error == ""


def test_the_preview_task_leaves_a_batch_previewed_since_alone(supplier) -> None:
    batch = attendance_import_preview(batch=make_batch(supplier, csv_file(GOOD)))
    preview_attendance_import.apply(args=(batch.pk,))  # a late redelivery
    preview_attendance_import.apply(args=(batch.pk + 1000,))  # a batch deleted since
    again = ImportBatch.objects.get(pk=batch.pk)
    assert again.status == ImportStatus.PREVIEWED
    assert again.preview_started_at is None
