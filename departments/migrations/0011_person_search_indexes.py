"""Indexes for the people list in name order and for searching names inside words.

Built CONCURRENTLY on PostgreSQL (250,000 people across the Rijk), so the migration is not
atomic; the trigram indexes exist on PostgreSQL only (training_monitor.migration_ops).
"""

from django.db import migrations, models

from training_monitor.migration_ops import index_concurrently, trigram_extension, trigram_index

TABLE = "departments_person"


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("departments", "0010_unique_messages"),
    ]

    operations = [
        index_concurrently(
            "person",
            models.Index(
                fields=["last_name", "first_name", "particle"], name="person_name_order_idx"
            ),
            TABLE,
            ["last_name", "first_name", "particle"],
        ),
        trigram_extension(),
        *(
            trigram_index(TABLE, column, f"person_{column}_trgm")
            for column in ("first_name", "particle", "last_name", "email")
        ),
    ]
