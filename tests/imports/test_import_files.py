"""Uploaded attendance files leave storage once they are no longer needed.

A file holds the names and e-mail addresses of everyone on a supplier's list. It goes
when the batch is refused or discarded, after a dry run, when an administrator deletes
the batch, and by retention after IMPORT_FILE_RETENTION_DAYS; the batch and its counts stay.
"""

from __future__ import annotations

import datetime

import pytest
from django.conf import settings
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.utils import timezone

from imports.models import ImportBatch, ImportStatus
from imports.services import (
    ImportNotAllowed,
    attendance_import_apply,
    attendance_import_preview,
    import_file_delete,
    import_files_expire,
)
from tests.factories import PersonFactory
from tests.imports.conftest import csv_file, make_batch

pytestmark = pytest.mark.django_db

GOOD = [["1", "", "", "", "", "03-03-2025", "Utrecht", "ja"]]
BAD = [*GOOD, ["", "", "", "", "", "03-03-2025", "Utrecht", "ja"]]


@pytest.fixture(autouse=True)
def _english_pages(client) -> None:
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"


def _stored(batch: ImportBatch) -> str:
    name = batch.file.name
    assert name
    assert default_storage.exists(name)
    return name


def _stored_files() -> set[str]:
    if not default_storage.exists("imports"):
        return set()
    folders = default_storage.listdir("imports")[0]
    return {f for d in folders for f in default_storage.listdir(f"imports/{d}")[1]}


def test_a_refused_file_is_deleted_and_its_counts_stay(
    supplier, django_capture_on_commit_callbacks
) -> None:
    PersonFactory(employee_number="1")
    batch = make_batch(supplier, csv_file(BAD))
    name = _stored(batch)
    attendance_import_preview(batch=batch)
    with django_capture_on_commit_callbacks(execute=True):
        attendance_import_apply(batch=batch, hold_invalid=False)
    batch.refresh_from_db()
    assert batch.status == ImportStatus.REJECTED
    assert batch.counts["total"] == 2
    assert batch.file.name == ""
    assert not default_storage.exists(name)


def test_an_applied_file_is_kept_until_retention(
    supplier, django_capture_on_commit_callbacks
) -> None:
    PersonFactory(employee_number="1")
    batch = make_batch(supplier, csv_file(GOOD))
    with django_capture_on_commit_callbacks(execute=True):
        attendance_import_apply(batch=batch, hold_invalid=False)
    assert default_storage.exists(_stored(batch))


def test_the_file_stays_when_the_transaction_rolls_back(
    supplier, django_capture_on_commit_callbacks
) -> None:
    batch = make_batch(supplier, csv_file(GOOD))
    name = _stored(batch)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        assert import_file_delete(batch=batch)
    # Storage is only touched on commit: nothing has been deleted yet.
    assert default_storage.exists(name)
    assert len(callbacks) == 1
    assert import_file_delete(batch=batch) is False  # twice is harmless


def test_a_batch_without_its_file_cannot_be_previewed_or_applied(
    client, admin_user_, supplier, django_capture_on_commit_callbacks
) -> None:
    batch = make_batch(supplier, csv_file(GOOD))
    attendance_import_preview(batch=batch)
    with django_capture_on_commit_callbacks(execute=True):
        import_file_delete(batch=batch)
    with pytest.raises(ImportNotAllowed, match="has been deleted"):
        attendance_import_preview(batch=batch)
    with pytest.raises(ImportNotAllowed, match="has been deleted"):
        attendance_import_apply(batch=batch, hold_invalid=True)
    client.force_login(admin_user_)
    page = client.get(f"/imports/{batch.pk}/").content.decode()
    assert "Apply this file" not in page
    response = client.post(f"/imports/{batch.pk}/apply/", follow=True)
    assert "The file of this import has been deleted." in response.content.decode()


def test_an_administrator_discards_a_previewed_file_on_the_page(
    client, admin_user_, supplier, django_capture_on_commit_callbacks
) -> None:
    batch = make_batch(supplier, csv_file(GOOD))
    attendance_import_preview(batch=batch)
    name = _stored(batch)
    client.force_login(admin_user_)
    assert "Discard this file" in client.get(f"/imports/{batch.pk}/").content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/imports/{batch.pk}/discard/")
    assert response.status_code == 302
    batch.refresh_from_db()
    assert batch.status == ImportStatus.REJECTED
    assert batch.counts["total"] == 1
    assert not default_storage.exists(name)


def test_an_applied_file_cannot_be_discarded(
    client, admin_user_, supplier, django_capture_on_commit_callbacks
) -> None:
    PersonFactory(employee_number="1")
    batch = make_batch(supplier, csv_file(GOOD))
    attendance_import_apply(batch=batch, hold_invalid=False)
    client.force_login(admin_user_)
    response = client.post(f"/imports/{batch.pk}/discard/", follow=True)
    assert "Only a file that has not been applied can be discarded." in response.content.decode()
    batch.refresh_from_db()
    assert batch.status == ImportStatus.APPLIED
    assert default_storage.exists(_stored(batch))


@pytest.mark.parametrize("who", ["op_user", "outsider", "bureau"])
def test_only_administrators_may_discard(client, supplier, who, request) -> None:
    batch = make_batch(supplier, csv_file(GOOD))
    client.force_login(request.getfixturevalue(who))
    assert client.post(f"/imports/{batch.pk}/discard/").status_code == 403
    batch.refresh_from_db()
    assert batch.status == ImportStatus.UPLOADED
    assert default_storage.exists(_stored(batch))


def test_a_dry_run_of_the_command_leaves_no_file(
    tmp_path, supplier, capsys, django_capture_on_commit_callbacks
) -> None:
    PersonFactory(employee_number="1")
    path = tmp_path / "lijst.csv"
    path.write_bytes(csv_file(GOOD))
    before = _stored_files()
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(SystemExit):
        call_command("import_attendance", str(path), "--supplier", "ACME", "--dry-run")
    batch = ImportBatch.objects.get()
    assert batch.counts["new"] == 1
    assert batch.file.name == ""
    assert _stored_files() == before


def test_the_admin_deletes_the_file_with_the_batch_and_discards_by_action(
    client, admin_user_, supplier, django_capture_on_commit_callbacks
) -> None:
    deleted = make_batch(supplier, csv_file(GOOD), name="weg.csv")
    discarded = make_batch(supplier, csv_file(BAD), name="niet.csv")
    names = [_stored(deleted), _stored(discarded)]
    client.force_login(admin_user_)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/admin/imports/importbatch/{deleted.pk}/delete/", {"post": "yes"})
        client.post(
            "/admin/imports/importbatch/",
            {"action": "discard", "_selected_action": [discarded.pk]},
        )
    assert not ImportBatch.objects.filter(pk=deleted.pk).exists()
    discarded.refresh_from_db()
    assert discarded.status == ImportStatus.REJECTED
    assert not any(default_storage.exists(name) for name in names)


def test_retention_deletes_files_older_than_the_period_but_not_those_in_use(
    supplier, django_capture_on_commit_callbacks
) -> None:
    old, recent, queued = (make_batch(supplier, csv_file(GOOD), name=n) for n in "abc")
    long_ago = timezone.now() - datetime.timedelta(days=91)
    ImportBatch.objects.filter(pk__in=[old.pk, queued.pk]).update(created_at=long_ago)
    ImportBatch.objects.filter(pk=queued.pk).update(status=ImportStatus.QUEUED)
    with django_capture_on_commit_callbacks(execute=True):
        assert import_files_expire(days=90, now=timezone.now()) == 1
        assert import_files_expire(days=90, now=timezone.now()) == 0
    for batch in (old, recent, queued):
        batch.refresh_from_db()
    assert old.file.name == ""
    assert old.counts == {}
    assert old.sha256
    assert default_storage.exists(_stored(recent))
    assert default_storage.exists(_stored(queued))


def test_the_retention_period_of_files_is_90_days_by_default() -> None:
    assert settings.IMPORT_FILE_RETENTION_DAYS == 90
