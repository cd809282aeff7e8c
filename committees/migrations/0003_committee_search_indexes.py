"""Trigram indexes for the committee search on vacancy number and title (PostgreSQL only,
built CONCURRENTLY: training_monitor.migration_ops). The members' names are matched
through the people's indexes (departments 0011)."""

from django.db import migrations

from training_monitor.migration_ops import trigram_extension, trigram_index

TABLE = "committees_selectioncommittee"


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("committees", "0002_committee_justification"),
    ]

    operations = [
        trigram_extension(),
        *(
            trigram_index(TABLE, column, f"committee_{column}_trgm")
            for column in ("vacancy_reference", "vacancy_title")
        ),
    ]
