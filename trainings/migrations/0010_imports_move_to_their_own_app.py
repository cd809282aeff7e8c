"""The import's models move to the app `imports` (imports/migrations/0001_initial).

State only: the tables keep their names (the models say db_table), so no row moves.
"""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("trainings", "0009_import_links_on_rows"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.DeleteModel(name="ImportRow"),
                migrations.DeleteModel(name="ImportBatch"),
                migrations.DeleteModel(name="ImportProfile"),
            ],
            database_operations=[],
        ),
    ]
