"""Subject access (AVG article 15): everything the system holds on one person."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

from django.db import models
from django.utils import timezone

from committees.models import CommitteeJustification, CommitteeMembership
from departments.models import Person
from privacy.retention import import_rows_mentioning
from trainings.models import Evaluation, TrainingCompletion


def _json_safe(value: Any) -> Any:
    if isinstance(value, datetime.datetime | datetime.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, dict):
        return {str(k): _json_safe(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_json_safe(v) for v in value]
    return value


def _history_rows(model: type[models.Model], **lookup: Any) -> list[dict[str, Any]]:
    rows = model._default_manager.filter(**lookup).order_by("history_date").values()
    return [_json_safe(dict(row)) for row in rows]


def person_subject_access_export(*, person: Person) -> dict[str, Any]:
    """Everything the system holds on `person`, JSON-safe (AVG article 15)."""
    memberships = (
        CommitteeMembership.objects.filter(person=person)
        .select_related("committee__department")
        .order_by("committee__interview_date", "pk")
    )
    completions = (
        TrainingCompletion.objects.filter(person=person)
        .select_related("session__supplier", "session__programme", "import_batch")
        .order_by("session__date", "pk")
    )
    evaluations = (
        Evaluation.objects.filter(person=person)
        .select_related("session__supplier")
        .order_by("session__date", "pk")
    )
    import_rows = (
        import_rows_mentioning([person])
        .select_related("batch__supplier")
        .order_by("batch__created_at", "row_number")
    )
    justifications = [
        j
        for j in CommitteeJustification.objects.filter(committee__memberships__person=person)
        .select_related("committee")
        .distinct()
        if person.full_name in j.untrained_members.split("\n")
    ]
    return _json_safe(
        {
            "generated_at": timezone.now(),
            "person": {
                "id": person.pk,
                "first_name": person.first_name,
                "last_name": person.last_name,
                "employee_number": person.employee_number,
                "email": person.email,
                "department": {
                    "code": person.department.code,
                    "name_nl": person.department.name_nl,
                    "name_en": person.department.name_en,
                },
                "created_at": person.created_at,
                "updated_at": person.updated_at,
            },
            "committee_memberships": [
                {
                    "id": m.pk,
                    "role": m.role,
                    "created_at": m.created_at,
                    "committee": {
                        "id": m.committee.pk,
                        "department": m.committee.department.code,
                        "vacancy_reference": m.committee.vacancy_reference,
                        "vacancy_title": m.committee.vacancy_title,
                        "interview_date": m.committee.interview_date,
                        "status": m.committee.status,
                    },
                }
                for m in memberships
            ],
            "training_completions": [
                {
                    "id": c.pk,
                    "status": c.status,
                    "created_at": c.created_at,
                    "updated_at": c.updated_at,
                    "import": c.import_batch.file_name if c.import_batch else None,
                    "session": {
                        "id": c.session.pk,
                        "date": c.session.date,
                        "supplier": c.session.supplier.name,
                        "programme": str(c.session.programme),
                        "place": c.session.place,
                        "online": c.session.is_online,
                        "cancelled": c.session.cancelled,
                    },
                }
                for c in completions
            ],
            "evaluations": [
                {
                    "id": e.pk,
                    "session_date": e.session.date,
                    "supplier": e.session.supplier.name,
                    "score": e.score,
                    "scale": e.scale,
                    "answers": e.answers,
                    "created_at": e.created_at,
                }
                for e in evaluations
            ],
            "justifications_naming_them": [
                {
                    "committee": j.committee.vacancy_reference,
                    "status": j.status,
                    "created_at": j.created_at,
                    "untrained_members": j.untrained_members,
                }
                for j in justifications
            ],
            "import_rows": [
                {
                    "import": r.batch.file_name,
                    "supplier": r.batch.supplier.name,
                    "uploaded_at": r.batch.created_at,
                    "row_number": r.row_number,
                    "outcome": r.outcome,
                    "linked_to_person": r.person_id == person.pk,
                    "cells": r.raw,
                    "values": r.data,
                    "problems": r.problems,
                    "resolution": r.resolution,
                    "resolved_at": r.resolved_at,
                }
                for r in import_rows
            ],
            "history": {
                "person": _history_rows(Person.history.model, id=person.pk),
                "committee_memberships": _history_rows(
                    CommitteeMembership.history.model, person_id=person.pk
                ),
                "training_completions": _history_rows(
                    TrainingCompletion.history.model, person_id=person.pk
                ),
            },
        }
    )
