"""Redis down: every page still works, and starting an import fails fast, losing nothing."""

from __future__ import annotations

import time

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile

from imports.models import ImportBatch, ImportStatus
from imports.services import attendance_import_enqueue, attendance_import_preview
from tests.factories import (
    CommitteeFactory,
    MembershipFactory,
    PersonFactory,
    ProgrammeFactory,
    SupplierFactory,
)
from tests.imports.conftest import csv_file
from trainings.models import TrainingCompletion

pytestmark = pytest.mark.django_db

ROWS = [["1", "", "", "", "", "03-03-2025", "Utrecht", "ja"]]


@pytest.fixture
def data(department):
    committee = CommitteeFactory(department=department)
    membership = MembershipFactory(committee=committee)
    return {"committee": committee, "person": membership.person}


def test_every_main_page_answers_while_redis_is_down(
    client, dead_broker, data, department, admin_user_, op_user, bureau
) -> None:
    committee, person = data["committee"], data["person"]
    pages = {
        admin_user_: [
            "/",
            "/committees/",
            f"/committees/{committee.pk}/",
            f"/committees/{committee.pk}/edit/",
            f"/departments/{department.code}/",
            f"/people/{person.pk}/",
            f"/people/{person.pk}/subject-access/",
            "/departments/what-if-strict/",
            "/reports/",
            "/imports/",
            "/imports/review/",
            "/privacy/",
        ],
        op_user: ["/", "/committees/", f"/departments/{department.code}/", "/reports/"],
        bureau: ["/", "/committees/", "/reports/", "/departments/what-if-strict/"],
    }
    for user, urls in pages.items():
        client.force_login(user)
        for url in urls:
            started = time.monotonic()
            response = client.get(url, follow=True)
            assert response.status_code == 200, (user.username, url)
            assert time.monotonic() - started < 5, url


def test_applying_an_import_while_redis_is_down_fails_fast_and_can_be_retried(
    client, dead_broker, admin_user_, django_capture_on_commit_callbacks
) -> None:
    supplier = SupplierFactory(code="ACME")
    ProgrammeFactory(supplier=supplier, name="Objectief selecteren", version="1")
    PersonFactory(employee_number="1")
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    client.force_login(admin_user_)
    client.post(
        "/imports/",
        {"supplier": supplier.pk, "file": SimpleUploadedFile("lijst.csv", csv_file(ROWS))},
    )
    # The worker previews it (Redis was up then).
    batch = attendance_import_preview(batch=ImportBatch.objects.get())
    assert batch.status == ImportStatus.PREVIEWED

    started = time.monotonic()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/imports/{batch.pk}/apply/", {})
    assert time.monotonic() - started < 10
    assert response.status_code == 302

    batch.refresh_from_db()
    assert batch.status == ImportStatus.PREVIEWED  # kept, ready to apply again
    assert "task queue cannot be reached" in batch.error
    page = client.get(f"/imports/{batch.pk}/").content.decode()
    assert "task queue cannot be reached" in page
    assert "Apply this file" in page
    assert not TrainingCompletion.objects.exists()


def test_the_import_is_applied_when_it_is_retried_after_redis_is_back(
    client, admin_user_, django_capture_on_commit_callbacks
) -> None:
    supplier = SupplierFactory(code="ACME")
    ProgrammeFactory(supplier=supplier, name="Objectief selecteren", version="1")
    PersonFactory(employee_number="1")
    client.force_login(admin_user_)
    client.post(
        "/imports/",
        {"supplier": supplier.pk, "file": SimpleUploadedFile("lijst.csv", csv_file(ROWS))},
    )
    batch = ImportBatch.objects.get()
    # As left behind by a failed attempt while Redis was down.
    ImportBatch.objects.filter(pk=batch.pk).update(error="queue down")

    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/imports/{batch.pk}/apply/", {})

    batch.refresh_from_db()
    assert batch.status == ImportStatus.APPLIED  # eager Celery: Redis "back"
    assert batch.error == ""
    assert TrainingCompletion.objects.count() == 1


def test_enqueueing_a_batch_that_is_no_longer_queued_changes_nothing(dead_broker) -> None:
    batch = ImportBatch.objects.create(
        supplier=SupplierFactory(), file_name="x.csv", sha256="0" * 64, status="applied"
    )
    assert attendance_import_enqueue(batch=batch) is False
    batch.refresh_from_db()
    assert batch.status == ImportStatus.APPLIED
