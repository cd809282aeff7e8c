"""Migration operations for PostgreSQL-only indexes, shared by the apps' migrations.

The demo runs on SQLite, so an index PostgreSQL alone can build (a trigram index) is
created only there; the others are created CONCURRENTLY on PostgreSQL, so that a table
of a few hundred thousand rows is not locked against writes while it is indexed, and
plainly on SQLite. Migrations using these are `atomic = False` (CONCURRENTLY refuses to
run in a transaction).
"""

from __future__ import annotations

from typing import Any

from django.db import migrations


def _run(forward: str, backward: str, *, postgresql_only: bool) -> migrations.RunPython:
    def run(sql: str) -> Any:
        def operation(apps: Any, schema_editor: Any) -> None:
            on_postgresql = schema_editor.connection.vendor == "postgresql"
            if on_postgresql or not postgresql_only:
                statement = sql if on_postgresql else sql.replace(" CONCURRENTLY", "")
                schema_editor.execute(statement)

        return operation

    return migrations.RunPython(run(forward), run(backward))


def trigram_index(table: str, column: str, name: str) -> migrations.RunPython:
    """A GIN trigram index on UPPER(column): serves `icontains` (UPPER(...) LIKE '%x%')."""
    return _run(
        f'CREATE INDEX CONCURRENTLY IF NOT EXISTS "{name}" ON "{table}" '
        f'USING gin (UPPER("{column}") gin_trgm_ops)',
        f'DROP INDEX CONCURRENTLY IF EXISTS "{name}"',
        postgresql_only=True,
    )


def trigram_extension() -> migrations.RunPython:
    # pg_trgm is a trusted extension (PostgreSQL 13+): the database owner may create it.
    return _run("CREATE EXTENSION IF NOT EXISTS pg_trgm", "SELECT 1", postgresql_only=True)


def index_concurrently(
    model_name: str, index: Any, table: str, columns: list[str]
) -> migrations.SeparateDatabaseAndState:
    """The model's `Meta.indexes` entry `index`, built without locking the table."""
    quoted = ", ".join(f'"{column}"' for column in columns)
    return migrations.SeparateDatabaseAndState(
        state_operations=[migrations.AddIndex(model_name=model_name, index=index)],
        database_operations=[
            _run(
                f'CREATE INDEX CONCURRENTLY IF NOT EXISTS "{index.name}" ON "{table}" ({quoted})',
                f'DROP INDEX CONCURRENTLY IF EXISTS "{index.name}"',
                postgresql_only=False,
            )
        ],
    )


def drop_index_concurrently(
    model_name: str, index: Any, table: str, columns: list[str]
) -> migrations.SeparateDatabaseAndState:
    """Remove the model's `Meta.indexes` entry `index` without locking the table (the
    reverse of `index_concurrently`)."""
    quoted = ", ".join(f'"{column}"' for column in columns)
    return migrations.SeparateDatabaseAndState(
        state_operations=[migrations.RemoveIndex(model_name=model_name, name=index.name)],
        database_operations=[
            _run(
                f'DROP INDEX CONCURRENTLY IF EXISTS "{index.name}"',
                f'CREATE INDEX CONCURRENTLY IF NOT EXISTS "{index.name}" ON "{table}" ({quoted})',
                postgresql_only=False,
            )
        ],
    )
