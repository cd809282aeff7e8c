"""An import is linked to what it wrote by ImportRow.completion, not by
TrainingCompletion.import_batch: trainings knows nothing of the import (issue 11).

Every applied row has linked its completion since the import began, so the rows already
hold the links; a completion whose batch has no row linking it (none are known) gets the
one row of that batch for the same person, where there is exactly one. Then the column
goes, with its copy in the history table.
"""

from django.db import migrations


def link_rows(apps, schema_editor):
    ImportRow = apps.get_model("trainings", "ImportRow")
    TrainingCompletion = apps.get_model("trainings", "TrainingCompletion")
    linked = ImportRow.objects.filter(completion__isnull=False).values("completion_id")
    unlinked = TrainingCompletion.objects.filter(import_batch__isnull=False).exclude(
        pk__in=linked
    )
    for pk, batch_id, person_id in unlinked.values_list("pk", "import_batch_id", "person_id"):
        rows = ImportRow.objects.filter(
            batch_id=batch_id,
            person_id=person_id,
            completion__isnull=True,
            outcome__in=["new", "updated", "unchanged"],
        )
        if rows.count() == 1:
            rows.update(completion_id=pk)


class Migration(migrations.Migration):
    dependencies = [
        ("trainings", "0008_import_file_department"),
    ]

    operations = [
        migrations.RunPython(link_rows, migrations.RunPython.noop, elidable=True),
        migrations.RemoveField(model_name="trainingcompletion", name="import_batch"),
        migrations.RemoveField(model_name="historicaltrainingcompletion", name="import_batch"),
    ]
