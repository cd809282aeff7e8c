"""The attendance import in the admin: administrators add a file, it is previewed by the
worker, and its facts are shown read-only."""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from imports.models import ImportBatch, ImportStatus
from tests.imports.conftest import csv_file


def test_administrators_can_add_an_import_in_the_admin_and_see_its_facts(
    client, admin_user_, supplier, django_capture_on_commit_callbacks
) -> None:
    client.force_login(admin_user_)
    content = csv_file([["1", "Ann", "Smit", "", "", "03-03-2025", "Utrecht", "ja"]])
    with django_capture_on_commit_callbacks(execute=False) as queued:
        response = client.post(
            reverse("admin:imports_importbatch_add"),
            {
                "supplier": supplier.pk,
                "file": SimpleUploadedFile("lijst.csv", content),
                "sheet": "",
            },
        )
    assert response.status_code == 302, response.content[:2000]
    batch = ImportBatch.objects.get()
    assert batch.status == ImportStatus.PREVIEWING  # the request only stores and queues
    for callback in queued:
        callback()  # the worker's part (eager Celery in tests)
    batch.refresh_from_db()
    assert batch.status == ImportStatus.PREVIEWED
    assert batch.uploaded_by == admin_user_
    page = client.get(reverse("admin:imports_importbatch_change", args=[batch.pk]))
    assert batch.sha256 in page.content.decode()
    assert 'name="sha256"' not in page.content.decode()  # read-only
