"""Seed one history row per department: its current enforcement mode, valid since the
beginning (2000-01-01, before any data this app holds). Without it a report on a past
quarter would find no mode in force; with it the mode changes made from now on start a
new period."""

import datetime

from django.db import migrations

SINCE = datetime.datetime(2000, 1, 1, tzinfo=datetime.UTC)


def seed(apps, schema_editor):
    department = apps.get_model("departments", "Department")
    history = apps.get_model("departments", "HistoricalDepartment")
    history.objects.bulk_create(
        history(
            id=d.pk,
            code=d.code,
            name_nl=d.name_nl,
            name_en=d.name_en,
            in_tender=d.in_tender,
            enforcement_mode=d.enforcement_mode,
            history_date=SINCE,
            history_type="+",
            history_change_reason="Mode in force since the beginning (seeded)",
        )
        for d in department.objects.all()
    )


def unseed(apps, schema_editor):
    history = apps.get_model("departments", "HistoricalDepartment")
    history.objects.filter(history_date=SINCE).delete()


class Migration(migrations.Migration):
    dependencies = [("departments", "0007_department_history")]

    operations = [migrations.RunPython(seed, unseed)]
