"""Uploads in S3-compatible object storage: a worker on another machine applies them,
and retention and discarding delete the objects.

moto's S3 server (`moto_server`, a stand-in for the organisation's object storage) runs as
a separate process. The test process uploads through the storage the settings build for
MEDIA_STORAGE=s3; a real Celery worker started with only that environment (its secret key
in a file, as compose passes it, and no media directory at all) reads the file from the
bucket.
"""

from __future__ import annotations

import datetime
import io
import socket
import subprocess
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest
import redis
from django.conf import settings
from django.utils import timezone

from imports.models import ImportBatch, ImportStatus
from imports.services import (
    attendance_import_preview,
    attendance_import_queue,
    import_batch_create,
    import_batch_discard,
)
from privacy.retention import people_apply_retention
from tests.factories import DepartmentFactory, ProgrammeFactory, SupplierFactory
from tests.imports.conftest import csv_file
from tests.production.deployment import VENV_BIN
from tests.workers import app_sending_to, redis_url_or_skip, start_worker, stop_worker, wait_until
from training_monitor.storage import media_storage
from trainings.models import TrainingCompletion

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]
QUEUE = "tm-imports-object-storage"
BUCKET = "tm-uploads"
PREFIX = "media"
ACCESS_KEY = "tm-test-access"
SECRET_KEY = "tm-test-secret"  # moto accepts any key
PUBLIC_GRANTEES = ("AllUsers", "AuthenticatedUsers")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=1):  # noqa: S310 - a fixed http URL
            return True
    except urllib.error.HTTPError:
        return True
    except OSError:
        return False


@pytest.fixture(scope="module")
def s3_endpoint() -> Iterator[str]:
    port = _free_port()
    server = subprocess.Popen(
        [str(VENV_BIN / "moto_server"), "-H", "127.0.0.1", "-p", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    endpoint = f"http://127.0.0.1:{port}"
    try:
        wait_until(lambda: _answers(endpoint), 20, "moto_server")
        yield endpoint
    finally:
        server.terminate()
        server.wait(timeout=10)


@pytest.fixture
def bucket(s3_endpoint: str) -> Any:
    s3 = boto3.resource(
        "s3",
        endpoint_url=s3_endpoint,
        region_name="us-east-1",
        aws_access_key_id=ACCESS_KEY,
        aws_secret_access_key=SECRET_KEY,
    )
    created = s3.create_bucket(Bucket=BUCKET)
    yield created
    created.objects.all().delete()
    created.delete()


@pytest.fixture
def s3_env(s3_endpoint: str, bucket: Any, settings: Any, tmp_path: Path) -> dict[str, str]:
    """MEDIA_STORAGE=s3, for this process's settings and a worker's environment."""
    (tmp_path / "s3_secret_access_key").write_text(SECRET_KEY + "\n")
    settings.STORAGES = {
        **settings.STORAGES,
        "default": media_storage(
            kind="s3",
            bucket=BUCKET,
            endpoint_url=s3_endpoint,
            region="us-east-1",
            access_key=ACCESS_KEY,
            secret_key=SECRET_KEY,
            prefix=PREFIX,
        ),
    }
    return {
        "MEDIA_STORAGE": "s3",
        "S3_BUCKET": BUCKET,
        "S3_ENDPOINT_URL": s3_endpoint,
        "S3_REGION": "us-east-1",
        "S3_PREFIX": PREFIX,
        "S3_ACCESS_KEY_ID": ACCESS_KEY,
        "S3_SECRET_ACCESS_KEY_FILE": str(tmp_path / "s3_secret_access_key"),
        # Another machine: no media directory at all.
        "MEDIA_ROOT": str(tmp_path / "no-media-here"),
        "TEST_FILE_STORAGE": "",
    }


@pytest.fixture
def worker(s3_env: dict[str, str]) -> Iterator[subprocess.Popen[bytes]]:
    redis_url = redis_url_or_skip()
    client = redis.Redis.from_url(redis_url)
    client.delete(QUEUE, "unacked", "unacked_index")
    process = start_worker(redis_url, QUEUE, **s3_env)
    with app_sending_to(redis_url, QUEUE):
        try:
            yield process
        finally:
            stop_worker(process)
            client.delete(QUEUE, "unacked", "unacked_index")


def _rows(count: int) -> list[list[str]]:
    return [
        [f"{800000 + n}", "Deel", f"Nemer{n}", f"nemer{n}@example.nl", "AAA",
         "03-03-2025", "Utrecht", "ja"]
        for n in range(count)
    ]  # fmt: skip


@pytest.fixture
def supplier() -> Any:
    DepartmentFactory(code="AAA")
    supplier = SupplierFactory(code="ACME")
    ProgrammeFactory(supplier=supplier, name="Objectief selecteren", version="1")
    return supplier


def _upload(content: bytes, supplier: Any) -> ImportBatch:
    batch = import_batch_create(
        file=io.BytesIO(content), file_name="lijst.csv", supplier=supplier, user=None
    )
    attendance_import_preview(batch=batch)
    return batch


def _keys(bucket: Any) -> set[str]:
    return {item.key for item in bucket.objects.all()}


def test_an_upload_in_the_bucket_is_applied_by_a_worker_without_media_and_retention_deletes_it(
    worker: subprocess.Popen[bytes], bucket: Any, s3_env: dict[str, str], supplier: Any
) -> None:
    batch = _upload(csv_file(_rows(3)), supplier)
    key = f"{PREFIX}/{batch.file.name}"
    assert _keys(bucket) == {key}
    assert not Path(s3_env["MEDIA_ROOT"]).exists()
    grants = bucket.Object(key).Acl().grants
    assert not [g for g in grants if g["Grantee"].get("URI", "").endswith(PUBLIC_GRANTEES)]

    attendance_import_queue(batch=batch, hold_invalid=False)

    def applied() -> bool:
        assert worker.poll() is None, worker.stdout.read().decode() if worker.stdout else ""
        return ImportBatch.objects.get(pk=batch.pk).is_finished

    wait_until(applied, 60, "the worker to apply the file")
    batch.refresh_from_db()
    assert batch.status == ImportStatus.APPLIED, batch.error
    assert TrainingCompletion.objects.filter(import_rows__batch=batch).distinct().count() == 3
    assert not Path(s3_env["MEDIA_ROOT"]).exists()

    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    result = people_apply_retention(
        years=settings.RETENTION_YEARS, today=tomorrow, import_file_days=0
    )
    assert result.import_files_deleted == 1
    assert _keys(bucket) == set()


def test_the_same_file_twice_gets_two_objects_and_discarding_one_deletes_only_its_own(
    s3_env: dict[str, str], bucket: Any, supplier: Any
) -> None:
    content = csv_file(_rows(2))
    first, second = _upload(content, supplier), _upload(content, supplier)
    assert first.file.name != second.file.name
    assert _keys(bucket) == {f"{PREFIX}/{first.file.name}", f"{PREFIX}/{second.file.name}"}
    # The only links are signed and short-lived (the admin shows one).
    assert "X-Amz-Signature=" in first.file.url
    assert "X-Amz-Expires=300" in first.file.url
    with urllib.request.urlopen(first.file.url, timeout=5) as signed:  # noqa: S310
        assert signed.read() == content
    unsigned = first.file.url.partition("?")[0]
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(unsigned, timeout=5)  # noqa: S310
    assert refused.value.code == 403

    import_batch_discard(batch=second)

    assert _keys(bucket) == {f"{PREFIX}/{first.file.name}"}
    with first.file.open("rb") as stream:
        assert stream.read() == content
