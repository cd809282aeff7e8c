"""Migrations trainings 0009-0010 and imports 0001: the import moves to its own app.

No row is lost: the tables keep their names, the content types (and so the roles'
permissions) move along, and a completion's link to its import is kept on the row.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterator, Sequence
from typing import Any

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = [("trainings", "0008_import_file_department"), ("imports", None)]
AFTER = [("imports", "0001_initial")]


def migrate(targets: Sequence[tuple[str, str | None]]) -> Any:
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    executor.loader.build_graph()
    return executor.loader.project_state(
        [t for t in targets if t[1] is not None]  # type: ignore[misc]
    ).apps


@pytest.fixture
def before_the_move() -> Iterator[Any]:
    yield migrate(BEFORE)
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())


def _old_import(apps: Any) -> dict[str, int]:
    """A supplier's applied file with two rows: one whose row links its completion, one
    (from before rows linked them) known only by TrainingCompletion.import_batch."""
    get = apps.get_model
    department = get("departments", "Department").objects.create(
        code="MIG", name_nl="Migratie", name_en="Migration"
    )
    supplier = get("trainings", "Supplier").objects.create(code="MIG", name="Mig")
    programme = get("trainings", "TrainingProgramme").objects.create(
        supplier=supplier, name="Objectief selecteren"
    )
    session = get("trainings", "TrainingSession").objects.create(
        supplier=supplier, programme=programme, date=datetime.date(2025, 3, 3)
    )
    person = get("departments", "Person")
    anna = person.objects.create(first_name="Anna", last_name="Berg", department=department)
    jan = person.objects.create(first_name="Jan", last_name="Dam", department=department)
    profile = get("trainings", "ImportProfile").objects.create(supplier=supplier, name="P")
    batch = get("trainings", "ImportBatch").objects.create(
        supplier=supplier, profile=profile, file_name="a.csv", sha256="ab" * 32, status="applied"
    )
    completion = get("trainings", "TrainingCompletion")
    linked = completion.objects.create(
        person=anna, session=session, status="attended", import_batch=batch
    )
    unlinked = completion.objects.create(
        person=jan, session=session, status="attended", import_batch=batch
    )
    row = get("trainings", "ImportRow")
    row.objects.create(batch=batch, row_number=2, outcome="new", person=anna, completion=linked)
    row.objects.create(batch=batch, row_number=3, outcome="new", person=jan)
    return {"batch": batch.pk, "linked": linked.pk, "unlinked": unlinked.pk}


def test_the_move_keeps_every_row_and_links_completions_by_their_rows(before_the_move) -> None:
    keys = _old_import(before_the_move)
    content_type = before_the_move.get_model("contenttypes", "ContentType")
    old_type = content_type.objects.get_or_create(app_label="trainings", model="importbatch")[0]

    after = migrate(AFTER)

    batch = after.get_model("imports", "ImportBatch").objects.get(pk=keys["batch"])
    assert (batch.file_name, batch.profile.name) == ("a.csv", "P")
    rows = after.get_model("imports", "ImportRow").objects.filter(batch=batch)
    assert sorted(rows.values_list("row_number", "completion_id")) == [
        (2, keys["linked"]),
        (3, keys["unlinked"]),
    ]
    moved_type = after.get_model("contenttypes", "ContentType").objects.get(pk=old_type.pk)
    assert (moved_type.app_label, moved_type.model) == ("imports", "importbatch")
    with connection.cursor() as cursor:
        columns = [c.name for c in connection.introspection.get_table_description(
            cursor, "trainings_trainingcompletion"
        )]  # fmt: skip
    assert "import_batch_id" not in columns


def test_the_move_can_be_undone(before_the_move) -> None:
    keys = _old_import(before_the_move)
    migrate(AFTER)

    back = migrate(BEFORE)

    assert back.get_model("trainings", "ImportBatch").objects.filter(pk=keys["batch"]).exists()
    assert back.get_model("trainings", "ImportRow").objects.count() == 2
