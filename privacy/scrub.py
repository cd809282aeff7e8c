"""Find and replace a person's names and e-mail addresses in free text, wherever it is stored.

Retention anonymises or deletes a person, but their name also sits in text that other
records carry: justifications and their untrained-members lists, committee notes,
evidence notes of hand-entered completions and the reasons of their history, the problems
of an import (which quote the names in the file), the Django admin log, and the notes on
interventions. `texts_scrub` replaces every mention there; the records themselves stay.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from django.contrib.admin.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q

from committees.models import CommitteeJustification, SelectionCommittee
from departments.models import Person
from departments.names import display_name
from imports.models import ImportBatch
from reports.models import Intervention
from trainings.models import TrainingCompletion

ANONYMOUS_NAME = "Geanonimiseerd"
# Shorter terms would match inside ordinary words and numbers.
MIN_TERM_LENGTH = 3
# Terms per query: keeps each query's OR-list (and the regular expression) small.
CHUNK = 200


def person_terms(people: Sequence[Person]) -> set[str]:
    """Every name, e-mail address and employee number these people have had.

    The history holds earlier names (a marriage, a typo fixed), which old texts still use.
    """
    terms: set[str] = set()
    history = Person.history.model._default_manager.filter(id__in=[p.pk for p in people])
    rows: Iterable[Any] = [
        *people,
        *history.only("first_name", "particle", "last_name", "email", "employee_number"),
    ]
    for row in rows:
        full_name = display_name(row.first_name, row.particle, row.last_name)
        for term in (full_name, row.email, row.employee_number):
            if term and len(term.strip()) >= MIN_TERM_LENGTH and term != ANONYMOUS_NAME:
                terms.add(term.strip())
    return terms


def _pattern(terms: Iterable[str]) -> re.Pattern[str]:
    # Longest first, so "Jan Jansen" wins over a shorter term inside it; whole words only.
    alternation = "|".join(re.escape(t) for t in sorted(terms, key=len, reverse=True))
    return re.compile(rf"(?<!\w)(?:{alternation})(?!\w)", re.IGNORECASE)


def scrub_value(value: Any, pattern: re.Pattern[str]) -> Any:
    """`value` (text, or JSON: lists and dicts of text) with every mention replaced."""
    if isinstance(value, str):
        return pattern.sub(ANONYMOUS_NAME, value)
    if isinstance(value, list):
        return [scrub_value(v, pattern) for v in value]
    if isinstance(value, dict):
        return {k: scrub_value(v, pattern) for k, v in value.items()}
    return value


def _chunks(terms: set[str]) -> Iterator[list[str]]:
    ordered = sorted(terms)
    for start in range(0, len(ordered), CHUNK):
        yield ordered[start : start + CHUNK]


def _scrub_field(model: type[models.Model], field: str, terms: set[str]) -> int:
    """Replace the terms in one column of one table; returns the rows changed."""
    manager = model._default_manager
    max_length = getattr(model._meta.get_field(field), "max_length", None)
    changed: dict[Any, models.Model] = {}
    for chunk in _chunks(terms):
        mentions = Q()
        for term in chunk:
            mentions |= Q(**{f"{field}__icontains": term})
        pattern = _pattern(chunk)
        for obj in manager.filter(mentions).only(model._meta.pk.attname, field):
            obj = changed.get(obj.pk, obj)
            value = getattr(obj, field)
            new = scrub_value(value, pattern)
            if isinstance(new, str) and max_length:
                new = new[:max_length]
            if new != value:
                setattr(obj, field, new)
                changed[obj.pk] = obj
    # bulk_update writes no historical record, so the old text is nowhere.
    manager.bulk_update(list(changed.values()), [field], batch_size=500)
    return len(changed)


def _scrubbed_fields() -> list[tuple[type[models.Model], str]]:
    """Every column of free text or JSON that may name a person (history tables too)."""
    return [
        (CommitteeJustification, "text"),
        (CommitteeJustification, "untrained_members"),
        (SelectionCommittee, "notes"),
        (SelectionCommittee.history.model, "notes"),
        (SelectionCommittee.history.model, "history_change_reason"),
        (TrainingCompletion, "evidence_note"),
        (TrainingCompletion.history.model, "evidence_note"),
        (TrainingCompletion.history.model, "history_change_reason"),
        (ImportBatch, "problems"),
        (ImportBatch, "error"),
        # Notes and signature lines skipped, the first values of each column, the
        # preview's matches: each may name a participant.
        (ImportBatch, "skipped_rows"),
        (ImportBatch, "column_guesses"),
        (ImportBatch, "preview_rows"),
        (Intervention, "description"),
        (LogEntry, "object_repr"),
        (LogEntry, "change_message"),
    ]


def texts_scrub(*, people: Sequence[Person]) -> dict[str, int]:
    """Replace these people's names, e-mail addresses and employee numbers everywhere.

    Returns the rows changed per table and column, e.g. {"committeejustification.text": 2}.
    """
    terms = person_terms(people)
    counts: dict[str, int] = {}
    if terms:
        for model, field in _scrubbed_fields():
            changed = _scrub_field(model, field, terms)
            if changed:
                key = f"{model._meta.model_name}.{field}"
                counts[key] = counts.get(key, 0) + changed
    # The admin log names a person's own entries after them; whatever the name was then.
    person_type = ContentType.objects.get_for_model(Person)
    renamed = (
        LogEntry.objects.filter(content_type=person_type, object_id__in=[str(p.pk) for p in people])
        .exclude(object_repr=ANONYMOUS_NAME)
        .update(object_repr=ANONYMOUS_NAME)
    )
    if renamed:
        counts["logentry.object_repr"] = counts.get("logentry.object_repr", 0) + renamed
    return counts
