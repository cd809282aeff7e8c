"""Migrations reports/0003 and 0004: files keep their content and learn their figures'
hash, language and renderer; the trigger comes and goes with 0004 (PostgreSQL only)."""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from typing import Any

import pytest
from django.db import IntegrityError, connection, transaction
from django.db.migrations.executor import MigrationExecutor

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = ("reports", "0002_one_active_job_per_quarter")
AFTER = ("reports", "0004_snapshots_immutable")


def migrate(target: tuple[str, str]) -> Any:
    executor = MigrationExecutor(connection)
    executor.migrate([target])
    return executor.loader.project_state([target]).apps


@pytest.fixture
def at_0002() -> Iterator[None]:
    migrate(BEFORE)
    yield
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())


def test_every_file_keeps_its_content_and_gets_the_hash_of_its_snapshot(at_0002: None) -> None:
    apps = migrate(BEFORE)
    snapshot_model = apps.get_model("reports", "ReportSnapshot")
    file_model = apps.get_model("reports", "ReportFile")
    snapshots = [
        snapshot_model.objects.create(
            kind=kind,
            quarter="2025Q1",
            version=1,
            content_hash=digest * 64,
            data={"kind": kind},
            created_at=datetime.datetime(2025, 4, 5, tzinfo=datetime.UTC),
            trigger="page",
        )
        for kind, digest in (("icop", "a"), ("regiegroep", "b"))
    ]
    for snapshot in snapshots:
        for fmt in ("xlsx", "csv", "pdf"):
            content = f"{snapshot.kind} {fmt}".encode()
            file_model.objects.create(
                snapshot=snapshot, format=fmt, content=content, size=len(content)
            )

    after = migrate(AFTER).get_model("reports", "ReportFile").objects.order_by("pk")

    assert [
        (
            f.snapshot.kind,
            f.format,
            bytes(f.content),
            f.content_hash,
            f.language,
            f.renderer_version,
        )
        for f in after.select_related("snapshot")
    ] == [
        (kind, fmt, f"{kind} {fmt}".encode(), digest * 64, "nl", 1)
        for kind, digest in (("icop", "a"), ("regiegroep", "b"))
        for fmt in ("xlsx", "csv", "pdf")
    ]
    if connection.vendor == "postgresql":
        with pytest.raises(IntegrityError, match="frozen"), transaction.atomic():
            after.filter(format="pdf").delete()

    migrate(BEFORE)

    # Back: the trigger is gone and the files are all still there.
    assert file_model.objects.count() == 6
    file_model.objects.filter(format="pdf").delete()
    assert file_model.objects.count() == 4
