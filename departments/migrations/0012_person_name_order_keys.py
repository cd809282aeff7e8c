"""The people lists page on the name order ending in the primary key (keyset paging: a
page starts after the last person of the one before, without counting everyone; issue 15).

The new indexes replace the two name-order indexes without the key. Built CONCURRENTLY on
PostgreSQL (250,000 people across the Rijk), so the migration is not atomic.
"""

from django.db import migrations, models

from training_monitor.migration_ops import drop_index_concurrently, index_concurrently

TABLE = "departments_person"
KEY = ["last_name", "first_name", "particle", "id"]


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("departments", "0011_person_search_indexes"),
    ]

    operations = [
        index_concurrently(
            "person",
            models.Index(fields=["department", *KEY], name="person_department_name_idx"),
            TABLE,
            ["department_id", *KEY],
        ),
        index_concurrently(
            "person", models.Index(fields=KEY, name="person_name_key_idx"), TABLE, KEY
        ),
        drop_index_concurrently(
            "person",
            models.Index(
                fields=["department", "last_name", "first_name"],
                name="departments_departm_abce1e_idx",
            ),
            TABLE,
            ["department_id", "last_name", "first_name"],
        ),
        drop_index_concurrently(
            "person",
            models.Index(
                fields=["last_name", "first_name", "particle"], name="person_name_order_idx"
            ),
            TABLE,
            ["last_name", "first_name", "particle"],
        ),
    ]
