"""Writing what a file's rows planned (imports.matching): people, sessions, completions,
evaluations and the import's own rows.

In bulk, a chunk at a time, inside the caller's transaction. On PostgreSQL the large
inserts (completions with their history, the import's rows) go through COPY: for a
whole quarter of the Rijk this is most of the time an apply takes.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Sequence
from typing import TYPE_CHECKING, Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection
from django.utils import timezone
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from departments.models import Person
from imports.matching import Pair, PersonRef, PlannedRow, SessionIndex
from imports.models import HELD_OUTCOMES, ImportRow
from trainings.models import Evaluation, TrainingCompletion, TrainingProgramme, TrainingSession

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser


# --- COPY: the fast path for large inserts on PostgreSQL -------------------------------


def copy_available() -> bool:
    return connection.vendor == "postgresql"


def _copy_into(table: str, columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> None:
    """Write `rows` into `table` with PostgreSQL's COPY (psycopg 3), in the transaction."""
    quote = connection.ops.quote_name
    sql = f"COPY {quote(table)} ({', '.join(quote(c) for c in columns)}) FROM STDIN"
    with connection.cursor() as cursor, cursor.cursor.copy(sql) as copy:
        for row in rows:
            copy.write_row(row)


def _next_ids(table: str, count: int) -> list[int]:
    """Reserve `count` primary keys from the table's identity sequence."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
            [table, count],
        )
        return [row[0] for row in cursor.fetchall()]


def _json(value: Any) -> str:
    return json.dumps(value, cls=DjangoJSONEncoder, ensure_ascii=False)


# --- people and sessions -------------------------------------------------------------------


def people_write(
    new_people: list[tuple[PersonRef, Person]], *, user: AbstractBaseUser | None
) -> None:
    """Create a chunk's new people and give their refs the keys (a new person may have
    neither e-mail nor number: the ref itself is the link)."""
    if not new_people:
        return
    bulk_create_with_history(
        [person for _, person in new_people], Person, batch_size=1000, default_user=user
    )
    for ref, person in new_people:
        ref.pk = person.pk


def sessions_write(index: SessionIndex) -> None:
    """Write the programmes and sessions the index made since the last call."""
    if index.new_programmes:
        TrainingProgramme.objects.bulk_create(index.new_programmes)
        index.new_programmes = []
    if index.new_sessions:
        sessions = [ref.new for ref in index.new_sessions if ref.new is not None]
        for session in sessions:
            session.programme_id = session.programme.pk
        TrainingSession.objects.bulk_create(sessions)
        for ref in index.new_sessions:
            if ref.new is not None:
                ref.pk = ref.new.pk
        index.new_sessions = []


# --- completions and evaluations -----------------------------------------------------------


def completions_update(statuses: dict[int, str], *, user: AbstractBaseUser | None) -> None:
    """Give existing completions (by pk) a new status, with their history."""
    if not statuses:
        return
    now = timezone.now()
    # The history needs whole rows: read them back in one query.
    changed = list(TrainingCompletion.objects.filter(pk__in=statuses))
    for completion in changed:
        # A row written again with the status it has keeps the moment that status began.
        if completion.status != statuses[completion.pk]:
            completion.status_changed_at = now
        completion.status = statuses[completion.pk]
        completion.updated_at = now
    bulk_update_with_history(
        changed,
        TrainingCompletion,
        ["status", "status_changed_at", "updated_at"],
        batch_size=1000,
        default_user=user,
    )


def completions_create(
    statuses: dict[Pair, str], *, user: AbstractBaseUser | None
) -> dict[Pair, int]:
    """Insert new completions with their history rows (COPY on PostgreSQL); their pks."""
    if not statuses:
        return {}
    now = timezone.now()
    if not copy_available():
        created = bulk_create_with_history(
            [
                TrainingCompletion(
                    person_id=person_id, session_id=session_id, status=status, status_changed_at=now
                )
                for (person_id, session_id), status in statuses.items()
            ],
            TrainingCompletion,
            batch_size=1000,
            default_user=user,
        )
        return {(c.person_id, c.session_id): c.pk for c in created}
    table = TrainingCompletion._meta.db_table
    user_id = user.pk if user is not None and user.is_authenticated else None
    ids = dict(zip(statuses, _next_ids(table, len(statuses)), strict=True))
    completions = [(ids[pair], pair[0], pair[1], status) for pair, status in statuses.items()]
    columns = ["id", "person_id", "session_id", "status", "created_at", "updated_at"]
    columns.append("status_changed_at")
    _copy_into(table, columns, ((*c, now, now, now) for c in completions))
    _copy_into(
        TrainingCompletion.history.model._meta.db_table,
        [*columns, "history_date", "history_type", "history_user_id"],
        ((*c, now, now, now, now, "+", user_id) for c in completions),
    )
    return ids


def evaluations_write(created: list[Evaluation], updated: list[Evaluation]) -> list[int]:
    """Save a chunk's new and changed evaluations; the pks of the new ones."""
    made = Evaluation.objects.bulk_create(created, batch_size=1000)
    Evaluation.objects.bulk_update(updated, ["score", "scale"], batch_size=1000)
    return [evaluation.pk for evaluation in made]


def evaluations_rescale(ids: list[int], scale: int) -> None:
    """Set the file's score scale (known only once the whole file is read) on the
    evaluations it wrote, where the score fits it."""
    Evaluation.objects.filter(pk__in=ids).exclude(scale=scale).filter(score__lte=scale).update(
        scale=scale
    )


# --- the import's own rows ------------------------------------------------------------------


def row_data(planned: PlannedRow, *, held: bool) -> dict[str, Any]:
    """What ImportRow.data keeps: a held row's values (for correcting it), an applied
    row's match: how its person was found and whether its session is new."""
    if held:
        return planned.values.as_json()
    return {"match": planned.match_json()}


def rows_write(batch_id: int, chunk: list[PlannedRow]) -> None:
    """One ImportRow per row of the chunk, linked to its person and completion."""
    if copy_available():
        _rows_copy(batch_id, chunk)
        return
    rows = []
    for planned in chunk:
        held = planned.outcome in HELD_OUTCOMES
        rows.append(
            ImportRow(
                batch_id=batch_id,
                row_number=planned.row_number,
                outcome=planned.outcome,
                raw=planned.raw if held else {},
                data=row_data(planned, held=held),
                problems=planned.problems,
                person_id=planned.person.pk if planned.person is not None else None,
                completion_id=planned.completion_id,
            )
        )
    ImportRow.objects.bulk_create(rows, batch_size=2000)


def _rows_copy(batch_id: int, chunk: list[PlannedRow]) -> None:
    """The same rows as rows_write, written with COPY (no model instances)."""

    def rows() -> Iterator[tuple[Any, ...]]:
        for planned in chunk:
            held = planned.outcome in HELD_OUTCOMES
            person = planned.person
            yield (
                batch_id,
                planned.row_number,
                planned.outcome,
                _json(planned.raw) if held else "{}",
                _json(row_data(planned, held=held)),
                _json(planned.problems) if planned.problems else "[]",
                person.pk if person is not None else None,
                planned.completion_id,
                "",
            )

    columns = [
        "batch_id", "row_number", "outcome", "raw", "data", "problems", "person_id",
        "completion_id", "resolution",
    ]  # fmt: skip
    _copy_into(ImportRow._meta.db_table, columns, rows())
