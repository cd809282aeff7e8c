"""The one way past the database triggers that keep report snapshots frozen.

On PostgreSQL, migration 0004 adds triggers that refuse to change or delete a snapshot's
figures and hash, or its files, whatever code tries (an admin action, a shell, a bulk
update()). Only the retention service (privacy/retention.py) may: it runs inside
`snapshots_unlocked_for_retention()`, which sets `training_monitor.retention` for the
current transaction only (set_config(..., is_local => true), as SET LOCAL does) and sets
it back on the way out. An error inside rolls the transaction or savepoint back, which
takes the setting back with it. SQLite, the demo's database, has no trigger; there
`save()` refuses changes, as before.

Pages cache what they render from a snapshot (reports.snapshot_page). A transaction that
unlocked the snapshots may have changed them, so when it commits it gives the cache a new
`snapshots_generation()`, which every such cache key holds: nothing rendered from a
snapshot before survives a change to it. (Retention runs daily and today leaves
snapshots as they are; the price is one rendering per snapshot page after each run.)
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Final
from uuid import uuid4

from django.core.cache import cache
from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.db.backends.base.base import BaseDatabaseWrapper

RETENTION_SETTING: Final = "training_monitor.retention"
GENERATION_KEY: Final = "reports:snapshots-generation"


def snapshots_generation() -> str:
    """A token that changes whenever snapshots may have changed (see the module's text).

    Missing (a fresh or flushed cache, or evicted), a new random one is made: then no
    earlier cache entry is found again, which is always safe.
    """
    token = cache.get(GENERATION_KEY)
    if token is None:
        cache.add(GENERATION_KEY, uuid4().hex, timeout=None)
        token = cache.get(GENERATION_KEY)
    return str(token)


def _new_generation() -> None:
    cache.set(GENERATION_KEY, uuid4().hex, timeout=None)


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
    # Only once the change is committed; a rollback (a dry run) changes nothing.
    transaction.on_commit(_new_generation, using=using)
    if connection.vendor != "postgresql":
        yield
        return
    _set(connection, "on")
    yield
    # Not in a finally: after an error the rollback takes the setting back already, and
    # a broken transaction would refuse this statement.
    _set(connection, "off")
