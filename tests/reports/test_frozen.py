"""Report snapshots are frozen in the database, not only in save().

On PostgreSQL a trigger refuses UPDATE and DELETE of a snapshot's figures, hash and
files, whatever code asks, except inside the retention service's unlock
(reports/frozen.py). Each file records the figures' hash, its language and its
renderer's version, so a better layout adds a file to the same version.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.db import IntegrityError, connection, transaction

from privacy.retention import people_apply_retention
from reports.frozen import snapshots_unlocked_for_retention
from reports.models import ReportFile, ReportSnapshot, Trigger
from reports.services import (
    RENDERER_VERSIONS,
    REPORT_LANGUAGE,
    content_hash,
    report_compile,
    snapshot_file,
)
from tests.factories import bureau_user
from tests.reports.conftest import World

pytestmark = pytest.mark.django_db


def compile_icop(**extra: object) -> ReportSnapshot:
    snapshot, _created = report_compile(
        kind="icop", quarter="2025Q1", requested_by=None, trigger=Trigger.PAGE, **extra
    )
    return snapshot


def refused() -> Any:
    return pytest.raises(IntegrityError, match="frozen")


@pytest.fixture(autouse=True)
def _postgresql() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("the trigger is PostgreSQL's; SQLite keeps the check in save()")


class TestTheTrigger:
    @pytest.mark.parametrize(
        "change", [{"data": {}}, {"content_hash": "0" * 64}, {"quarter": "2024Q4"}]
    )
    def test_queryset_update_of_the_figures_or_hash_is_refused(
        self, world: World, change: dict[str, object]
    ) -> None:
        snapshot = compile_icop()

        with refused(), transaction.atomic():
            ReportSnapshot.objects.filter(pk=snapshot.pk).update(**change)

        snapshot.refresh_from_db()
        assert snapshot.content_hash == content_hash(snapshot.data)

    def test_queryset_delete_of_a_snapshot_is_refused(self, world: World) -> None:
        snapshot = compile_icop()

        with refused(), transaction.atomic():
            ReportSnapshot.objects.filter(pk=snapshot.pk).delete()
        with refused(), transaction.atomic(), connection.cursor() as cursor:
            # Past Django's collector too: the snapshot row alone, in SQL.
            cursor.execute("DELETE FROM reports_reportsnapshot WHERE id = %s", [snapshot.pk])

        assert ReportSnapshot.objects.filter(pk=snapshot.pk).exists()
        assert snapshot.files.count() == 3

    def test_a_file_can_be_neither_changed_nor_deleted(self, world: World) -> None:
        snapshot = compile_icop()
        pdf = snapshot.files.get(format="pdf")

        with refused(), transaction.atomic():
            ReportFile.objects.filter(pk=pdf.pk).update(content=b"%PDF forged")
        with refused(), transaction.atomic():
            ReportFile.objects.filter(pk=pdf.pk).delete()

        assert bytes(ReportFile.objects.get(pk=pdf.pk).content) == bytes(pdf.content)

    def test_a_file_must_show_the_figures_of_its_snapshot(self, world: World) -> None:
        snapshot = compile_icop()

        with pytest.raises(IntegrityError, match="figures of its snapshot"), transaction.atomic():
            ReportFile.objects.create(
                snapshot=snapshot,
                format="pdf",
                content_hash="0" * 64,
                language="en",
                renderer_version=1,
                content=b"%PDF",
                size=4,
            )

    def test_deleting_the_user_who_asked_for_it_keeps_the_snapshot(self, world: World) -> None:
        user = bureau_user()
        snapshot, _created = report_compile(
            kind="icop", quarter="2025Q1", requested_by=user, trigger=Trigger.PAGE
        )
        figures = snapshot.data

        user.delete()

        snapshot.refresh_from_db()
        assert snapshot.requested_by is None
        assert snapshot.data == figures


class TestTheRetentionPath:
    def test_inside_the_retention_unlock_a_snapshot_can_be_deleted(self, world: World) -> None:
        snapshot = compile_icop()

        with transaction.atomic(), snapshots_unlocked_for_retention():
            ReportSnapshot.objects.filter(pk=snapshot.pk).delete()

        assert not ReportSnapshot.objects.filter(pk=snapshot.pk).exists()
        assert not ReportFile.objects.filter(snapshot_id=snapshot.pk).exists()

    def test_the_unlock_ends_with_the_block(self, world: World) -> None:
        snapshot = compile_icop()
        with transaction.atomic(), snapshots_unlocked_for_retention():
            pass

        with refused(), transaction.atomic():
            ReportSnapshot.objects.filter(pk=snapshot.pk).update(data={})

    def test_retention_runs_with_frozen_reports_and_locks_them_again(self, world: World) -> None:
        snapshot = compile_icop()

        people_apply_retention(years=7, today=world.q1_session.date.replace(year=2034))

        with refused(), transaction.atomic():
            ReportSnapshot.objects.filter(pk=snapshot.pk).delete()


class TestFilesPerRenderer:
    def test_each_file_records_the_figures_hash_its_language_and_renderer(
        self, world: World
    ) -> None:
        snapshot = compile_icop()

        files = {
            (f.format, f.content_hash, f.language, f.renderer_version) for f in snapshot.files.all()
        }

        assert files == {
            (fmt, snapshot.content_hash, REPORT_LANGUAGE, version)
            for fmt, version in RENDERER_VERSIONS.items()
        }

    def test_a_new_renderer_adds_a_file_to_the_same_version(
        self, world: World, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        snapshot = compile_icop()
        old_pdf = snapshot_file(snapshot=snapshot, fmt="pdf")
        newer = dict(RENDERER_VERSIONS, pdf=RENDERER_VERSIONS["pdf"] + 1)
        monkeypatch.setattr("reports.services.RENDERER_VERSIONS", newer)

        again = compile_icop()

        assert again.pk == snapshot.pk
        assert ReportSnapshot.objects.count() == 1
        assert snapshot.files.count() == 4
        new_pdf = snapshot_file(snapshot=snapshot, fmt="pdf")
        assert new_pdf.renderer_version == newer["pdf"]
        assert new_pdf.content_hash == snapshot.content_hash
        assert bytes(ReportFile.objects.get(pk=old_pdf.pk).content) == bytes(old_pdf.content)
