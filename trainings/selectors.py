"""Reads shared by the pages and the API."""

from __future__ import annotations

from django.db.models import QuerySet

from departments.models import Person
from trainings.models import TrainingCompletion


def person_completions(person: Person) -> QuerySet[TrainingCompletion]:
    """A person's training history: every place (registered, attended, no-show,
    cancelled), with its session, supplier and programme and who entered or confirmed a
    hand entry. The person page and the API's training of a person read this one."""
    return TrainingCompletion.objects.filter(person=person).select_related(
        "session__supplier", "session__programme", "entered_by", "confirmed_by"
    )
