"""Reads for the import: the indexes a file is matched against, and what pages show.

Each index is loaded with a fixed number of queries however large the Rijk is; matching
(imports.matching) then needs no database at all.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from departments.models import Person
from imports.matching import Pair, PeopleIndex, SessionIndex
from imports.models import ImportBatch, ImportProfile, ImportRow, ImportStatus, RowOutcome
from imports.reading.messages import lazy_format
from trainings.models import (
    Evaluation,
    Supplier,
    TrainingCompletion,
    TrainingProgramme,
    TrainingSession,
)

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


def people_index_load() -> PeopleIndex:
    """Everyone, in one streamed query."""
    rows = Person.objects.values_list(
        "pk", "employee_number", "email", "first_name", "particle", "last_name", "department_id"
    )
    return PeopleIndex(rows.iterator(chunk_size=20000))


def session_index_load(supplier: Supplier) -> SessionIndex:
    """The supplier's sessions and programmes, in two queries."""
    sessions = list(
        TrainingSession.objects.filter(supplier=supplier).values_list(
            "pk", "date", "place", "is_online", "external_id", "programme_id"
        )
    )
    used = {session[-1] for session in sessions}
    programmes = TrainingProgramme.objects.filter(Q(supplier=supplier) | Q(pk__in=used))
    return SessionIndex(supplier, {p.pk: p for p in programmes}, sessions)


def completion_statuses(supplier_id: int) -> dict[Pair, tuple[int, str]]:
    """Every completion of the supplier's sessions: (person, session) -> (pk, status).
    One query for a whole file, however many chunks it has."""
    rows = TrainingCompletion.objects.filter(session__supplier=supplier_id).values_list(
        "pk", "person_id", "session_id", "status"
    )
    return {
        (person_id, session_id): (pk, status)
        for pk, person_id, session_id, status in rows.iterator(chunk_size=20000)
    }


def completion_statuses_of(pairs: Iterable[Pair]) -> dict[Pair, tuple[int, str]]:
    """The same for a few known (person, session) pairs: a row from the review queue."""
    known = [pair for pair in pairs if pair[0] > 0 and pair[1] > 0]
    if not known:
        return {}
    rows = TrainingCompletion.objects.filter(
        person_id__in={person for person, _ in known},
        session_id__in={session for _, session in known},
    ).values_list("pk", "person_id", "session_id", "status")
    return {(person, session): (pk, status) for pk, person, session, status in rows}


def evaluations_of(pairs: Iterable[Pair]) -> dict[Pair, Evaluation]:
    pairs = list(pairs)
    if not pairs:
        return {}
    rows = Evaluation.objects.filter(
        person_id__in={person for person, _ in pairs},
        session_id__in={session for _, session in pairs},
    ).only("pk", "person_id", "session_id", "score", "scale")
    return {(e.person_id, e.session_id): e for e in rows}  # type: ignore[misc]


def saved_profile(supplier_id: int, signature: str) -> ImportProfile | None:
    """The supplier's profile made for files with exactly these headers, if any."""
    return (
        ImportProfile.objects.filter(supplier_id=supplier_id, signature=signature)
        .order_by("-pk")
        .first()
    )


def duplicate_message(batch: ImportBatch) -> StrOrPromise | None:
    original = batch.duplicate_of
    if original is None:
        return None
    return lazy_format(
        _("This exact file was already imported on %(date)s (%(file)s)."),
        date=timezone.localtime(original.applied_at or original.created_at).strftime(
            "%d-%m-%Y %H:%M"
        ),
        file=original.file_name,
    )


def file_problems_of(batch: ImportBatch) -> list[dict[str, Any]]:
    return [p for p in batch.problems if p.get("row") is None]


def review_queue(*, batch: ImportBatch | None = None) -> QuerySet[ImportRow]:
    rows = ImportRow.objects.pending_review().select_related("batch", "batch__supplier")
    if batch is not None:
        rows = rows.filter(batch=batch)
    return rows


# The rows the detail page shows one by one, as the preview keeps them.
ROWS_SHOWN = 200


def row_matches(batch: ImportBatch) -> list[dict[str, Any]]:
    """Per row, who and which session it matched ("new" for those it adds): from the
    preview before the file is applied, from its rows after. The first ROWS_SHOWN rows."""
    if batch.status == ImportStatus.APPLIED:
        rows = batch.rows.order_by("row_number").values("row_number", "outcome", "data")
        found = [
            {"row": r["row_number"], "outcome": r["outcome"], "match": r["data"].get("match")}
            for r in rows[:ROWS_SHOWN]
        ]
    else:
        found = batch.preview_rows[:ROWS_SHOWN]
    labels = dict(RowOutcome.choices)
    return [
        row | {"outcome_label": labels.get(row["outcome"], ""), "match": _dated(row["match"])}
        for row in found
    ]


def _dated(match: dict[str, Any] | None) -> dict[str, Any] | None:
    """The match with its session date as a date, for the page to show as people write it."""
    if not match or not match.get("session_date"):
        return match
    return match | {"session_date": datetime.date.fromisoformat(match["session_date"])}


def people_matching(text: str) -> Any:
    return Person.objects.search(text).select_related("department")[:20] if text else []
