"""Completions get `status_changed_at`: when their status last changed.

Existing rows are filled from their history: the first history row of the last run of
rows with the current status. Rows without such history keep `updated_at`, the best
there is.
"""

import django.db.models.functions.datetime
import django.utils.timezone
from django.db import migrations, models


FILL_SQL = """
UPDATE trainings_trainingcompletion AS c
SET status_changed_at = COALESCE(
    (
        SELECT MIN(h.history_date)
        FROM trainings_historicaltrainingcompletion AS h
        WHERE h.id = c.id AND h.status = c.status AND h.history_date > COALESCE(
            (
                SELECT MAX(o.history_date)
                FROM trainings_historicaltrainingcompletion AS o
                WHERE o.id = c.id AND o.status <> c.status
            ),
            '-infinity'
        )
    ),
    c.updated_at
)
"""


def fill_from_history(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(FILL_SQL)
        return
    # Other databases (tests on SQLite): the same rule, row by row.
    completion = apps.get_model("trainings", "TrainingCompletion")
    history = apps.get_model("trainings", "HistoricalTrainingCompletion")
    for row in completion.objects.all():
        runs = list(history.objects.filter(id=row.pk).order_by("history_date"))
        since = row.updated_at
        for entry in reversed(runs):
            if entry.status != row.status:
                break
            since = entry.history_date
        completion.objects.filter(pk=row.pk).update(status_changed_at=since)


class Migration(migrations.Migration):

    dependencies = [
        ('trainings', '0010_imports_move_to_their_own_app'),
    ]

    operations = [
        migrations.AddField(
            model_name='historicaltrainingcompletion',
            name='status_changed_at',
            field=models.DateTimeField(db_default=django.db.models.functions.datetime.Now(), default=django.utils.timezone.now, verbose_name='status changed at'),
        ),
        migrations.AddField(
            model_name='trainingcompletion',
            name='status_changed_at',
            field=models.DateTimeField(db_default=django.db.models.functions.datetime.Now(), default=django.utils.timezone.now, verbose_name='status changed at'),
        ),
        migrations.RunPython(fill_from_history, migrations.RunPython.noop, elidable=True),
    ]
