"""Privacy (AVG): the retention period.

People without committee or training activity for `RETENTION_YEARS` are removed, or
anonymised when committees and trainings still refer to them (those rows carry the
figures of the frozen quarterly reports, which hold only aggregates and must keep adding
up). The historical records of django-simple-history and the import rows that mention
them go with them; their names, e-mail addresses and employee numbers are replaced in
every text that still carries them (privacy/scrub.py). Uploaded import files are deleted
IMPORT_FILE_RETENTION_DAYS after upload.
"""

from __future__ import annotations

import datetime
import logging
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field, replace
from typing import Any

from django.conf import settings
from django.db import models, transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from committees.models import CommitteeMembership
from departments.models import Person
from departments.touched import figures_touched
from imports.models import ImportRow
from imports.services import import_files_expire
from notifications.services import SENT_KEEP_DAYS, notifications_scrub_sent
from privacy.scrub import ANONYMOUS_NAME, texts_scrub
from reports.frozen import snapshots_unlocked_for_retention
from trainings.models import Evaluation, TrainingCompletion
from trainings.touched import sessions_touched

__all__ = ["ANONYMOUS_NAME", "RetentionResult", "people_apply_retention", "retention_cutoff"]

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class RetentionResult:
    cutoff: datetime.date
    anonymised: int = 0
    deleted: int = 0
    history_rows_removed: int = 0
    import_rows_scrubbed: int = 0
    # Rows changed per table and column: {"committeejustification.text": 2, ...}
    texts_scrubbed: dict[str, int] = field(default_factory=dict)
    import_files_deleted: int = 0
    # Sent e-mails older than notifications.services.SENT_KEEP_DAYS, blanked.
    notifications_scrubbed: int = 0
    dry_run: bool = False

    def as_dict(self) -> dict[str, Any]:
        return asdict(self) | {"cutoff": self.cutoff.isoformat()}


class _DryRun(Exception):
    """Raised inside the transaction to throw away what a dry run did."""

    def __init__(self, result: RetentionResult) -> None:
        self.result = result


def retention_cutoff(*, years: int, today: datetime.date) -> datetime.date:
    """The same day `years` years ago (28 February for a 29 February)."""
    try:
        return today.replace(year=today.year - years)
    except ValueError:
        return today.replace(year=today.year - years, day=28)


def _is_anonymised() -> Q:
    return Q(first_name=ANONYMOUS_NAME, particle="", last_name="", email=None, employee_number=None)


def _start_of(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(
        datetime.datetime.combine(day, datetime.time.min), timezone.get_current_timezone()
    )


def people_due_for_retention(*, years: int, today: datetime.date) -> models.QuerySet[Person]:
    """People entered before the cutoff with no committee or session on or after it."""
    cutoff = retention_cutoff(years=years, today=today)
    start_of_cutoff = _start_of(cutoff)
    recent_committee = CommitteeMembership.objects.filter(
        person=OuterRef("pk"), committee__interview_date__gte=cutoff
    )
    recent_training = TrainingCompletion.objects.filter(
        person=OuterRef("pk"), session__date__gte=cutoff
    )
    return (
        Person.objects.filter(created_at__lt=start_of_cutoff)
        .exclude(Exists(recent_committee))
        .exclude(Exists(recent_training))
    )


def import_rows_mentioning(people: Sequence[Person]) -> models.QuerySet[ImportRow]:
    """Import rows linked to these people, or carrying their email or employee number."""
    condition = Q(person__in=[p.pk for p in people])
    emails = [p.email for p in people if p.email]
    numbers = [p.employee_number for p in people if p.employee_number]
    if emails:
        condition |= Q(data__email__in=emails)
    if numbers:
        condition |= Q(data__employee_number__in=numbers)
    return ImportRow.objects.filter(condition)


def _history_models() -> list[tuple[type[models.Model], str]]:
    """Historical tables that hold a person, with the column that names them."""
    return [
        (Person.history.model, "id"),
        (CommitteeMembership.history.model, "person_id"),
        (TrainingCompletion.history.model, "person_id"),
    ]


def people_apply_retention(
    *,
    years: int,
    today: datetime.date,
    dry_run: bool = False,
    import_file_days: int | None = None,
) -> RetentionResult:
    """Anonymise or delete the people due for retention, scrub their names from every
    text, and delete uploaded import files older than `import_file_days` (default
    IMPORT_FILE_RETENTION_DAYS), in one transaction.

    Idempotent: anonymised people are skipped, deleted people are gone. A dry run does
    everything and rolls it back, so its counts are exactly what a real run would do
    (files are only deleted from storage once the transaction commits).
    """
    cutoff = retention_cutoff(years=years, today=today)
    if import_file_days is None:
        import_file_days = settings.IMPORT_FILE_RETENTION_DAYS
    try:
        # Retention is the one path that may change or delete frozen reports (today it
        # leaves them: they hold aggregates only), and only inside this block.
        with transaction.atomic(), snapshots_unlocked_for_retention():
            result = _apply(years=years, today=today, cutoff=cutoff, dry_run=dry_run)
            files = import_files_expire(days=import_file_days, now=_start_of(today))
            scrubbed = notifications_scrub_sent(
                before=_start_of(today) - datetime.timedelta(days=SENT_KEEP_DAYS)
            )
            result = replace(result, import_files_deleted=files, notifications_scrubbed=scrubbed)
            if dry_run:
                raise _DryRun(result)
    except _DryRun as rolled_back:
        return rolled_back.result
    # Counts only: never names, so the log holds no personal data.
    logger.info("Retention applied: %s", result.as_dict())
    return result


def _apply(
    *, years: int, today: datetime.date, cutoff: datetime.date, dry_run: bool
) -> RetentionResult:
    due = list(
        people_due_for_retention(years=years, today=today)
        .exclude(_is_anonymised())
        .annotate(
            referenced=Exists(CommitteeMembership.objects.filter(person=OuterRef("pk")))
            | Exists(TrainingCompletion.objects.filter(person=OuterRef("pk")))
        )
        .select_for_update(of=("self",))
    )
    if not due:
        return RetentionResult(cutoff=cutoff, dry_run=dry_run)
    to_anonymise = [p for p in due if p.referenced]
    to_delete = [p for p in due if not p.referenced]

    import_rows = import_rows_mentioning(due).update(raw={}, data={}, problems=[])
    texts = texts_scrub(people=due)
    all_ids = [p.pk for p in due]
    deleted_ids = [p.pk for p in to_delete]

    # Evaluations of a deleted person would collide with the session's anonymous
    # aggregate if set to NULL, and say nothing without their author: delete them.
    evaluations = Evaluation.objects.filter(person__in=deleted_ids)
    scored = set(evaluations.values_list("session__date", "session__supplier"))
    evaluations.delete()
    # Their scores leave the supplier comparison: its stored figures, in this transaction.
    sessions_touched(keys=scored)
    Person.objects.filter(pk__in=deleted_ids).delete()
    # Only people without memberships or completions are deleted, so no count should
    # move; the stored figures of their departments are recomputed all the same, in
    # this transaction, so that they stay true whatever retention deletes later.
    if to_delete:
        figures_touched(since=None, departments={p.department_id for p in to_delete})

    # After the deletes: deleting a person writes one more historical record, with the name.
    history = 0
    for model, column in _history_models():
        # The person's own history goes for everyone; memberships and completions of
        # anonymised people stay (ids and roles only, no names) to explain the figures.
        ids = all_ids if model is Person.history.model else deleted_ids
        if ids:
            count, _detail = model._default_manager.filter(**{f"{column}__in": ids}).delete()
            history += count

    # update() writes no new historical record, so the old names are nowhere.
    anonymised = Person.objects.filter(pk__in=[p.pk for p in to_anonymise]).update(
        first_name=ANONYMOUS_NAME,
        particle="",
        last_name="",
        email=None,
        employee_number=None,
        updated_at=timezone.now(),
    )
    return RetentionResult(
        cutoff=cutoff,
        anonymised=anonymised,
        deleted=len(deleted_ids),
        history_rows_removed=history,
        import_rows_scrubbed=import_rows,
        texts_scrubbed=texts,
        dry_run=dry_run,
    )
