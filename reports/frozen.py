"""The one way past the database triggers that keep report snapshots frozen.

On PostgreSQL, migration 0004 adds triggers that refuse to change or delete a snapshot's
figures and hash, or its files, whatever code tries (an admin action, a shell, a bulk
update()). Only the retention service (privacy/retention.py) may: it runs inside
`snapshots_unlocked_for_retention()`, which sets `training_monitor.retention` for the
current transaction only (set_config(..., is_local => true), as SET LOCAL does) and sets
it back on the way out. An error inside rolls the transaction or savepoint back, which
takes the setting back with it. SQLite, the demo's database, has no trigger; there
`save()` refuses changes, as before.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Final

from django.db import DEFAULT_DB_ALIAS, connections
from django.db.backends.base.base import BaseDatabaseWrapper

RETENTION_SETTING: Final = "training_monitor.retention"


def _set(connection: BaseDatabaseWrapper, value: str) -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT set_config(%s, %s, true)", [RETENTION_SETTING, value])


@contextmanager
def snapshots_unlocked_for_retention(*, using: str = DEFAULT_DB_ALIAS) -> Iterator[None]:
    """Inside: this transaction, and no other, may change or delete report snapshots."""
    connection = connections[using]
    if not connection.in_atomic_block:
        # Outside a transaction the setting would end with its own statement.
        raise RuntimeError("unlocking report snapshots needs a transaction")
    if connection.vendor != "postgresql":
        yield
        return
    _set(connection, "on")
    yield
    # Not in a finally: after an error the rollback takes the setting back already, and
    # a broken transaction would refuse this statement.
    _set(connection, "off")
