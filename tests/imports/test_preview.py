"""attendance_import_preview: the dry run the worker runs, with its progress and its stop."""

from __future__ import annotations

import pytest

from imports.models import ImportBatch, ImportStatus
from imports.services import CHUNK_SIZE, attendance_import_preview
from tests.factories import DepartmentFactory
from tests.imports.conftest import csv_file, make_batch
from trainings.models import TrainingCompletion

pytestmark = pytest.mark.django_db
ROWS = CHUNK_SIZE * 2 + 1


def _large_file() -> bytes:
    return csv_file(
        [
            [f"{600000 + n}", "Deel", f"Nemer{n}", f"d{n}@example.nl", "AAA", "03-03-2025",
             "Utrecht", "ja"]
            for n in range(ROWS)
        ]
    )  # fmt: skip


def test_a_preview_says_how_many_rows_it_has_read_and_stops_when_asked(supplier) -> None:
    DepartmentFactory(code="AAA")
    batch = make_batch(supplier, _large_file())
    ImportBatch.objects.filter(pk=batch.pk).update(status=ImportStatus.PREVIEWING)
    batch.refresh_from_db()
    asked: list[int] = []

    def stop_at_the_second_chunk() -> bool:
        asked.append(ImportBatch.objects.get(pk=batch.pk).rows_done)
        return len(asked) == 2

    attendance_import_preview(batch=batch, should_stop=stop_at_the_second_chunk)
    assert asked == [CHUNK_SIZE, 2 * CHUNK_SIZE]  # read so far, before each chunk
    batch.refresh_from_db()
    assert batch.status == ImportStatus.PREVIEWING  # for the worker to send again
    assert batch.counts == {}

    attendance_import_preview(batch=batch)
    batch.refresh_from_db()
    assert batch.status == ImportStatus.PREVIEWED
    assert batch.counts["new"] == ROWS
    assert batch.rows_done == 0  # the apply's checkpoint from here on
    assert not TrainingCompletion.objects.exists()
