"""Subject access (AVG article 15): everything the system holds on one person, and only theirs.

The export is sent to the person who asked, so it must not disclose anyone else: not the
other members of their committees, not the colleagues who entered or confirmed a hand
entry, not the people in other rows of an import. Records about them carry no user ids;
free texts (justifications, evidence notes, reasons) keep the subject's name but have
every other known name and e-mail address replaced by OTHER_PERSON; import rows that only
share an identifier with the subject keep just the cells that are the subject's own.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.contrib.auth import get_user_model
from django.db import models
from django.db.models import OuterRef, Q, Subquery
from django.db.models.functions import Lower
from django.utils import timezone

from committees.models import CommitteeJustification, CommitteeMembership
from departments.models import Person
from imports.models import ImportRow
from notifications.models import Notification
from privacy.retention import import_rows_mentioning
from privacy.scrub import MIN_TERM_LENGTH, person_terms
from trainings.models import Evaluation, TrainingCompletion

OTHER_PERSON = "[andere persoon]"
# Columns that point at the users (O&P staff, the bureau) who made a change: their people.
_USER_COLUMNS = ("history_user_id", "entered_by_id", "confirmed_by_id", "created_by_id")


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


def _word_pattern(terms: Iterable[str]) -> re.Pattern[str] | None:
    usable = sorted({t.strip() for t in terms if t and len(t.strip()) >= MIN_TERM_LENGTH}, key=len)
    if not usable:
        return None
    alternation = "|".join(re.escape(t) for t in reversed(usable))
    return re.compile(rf"(?<!\w)(?:{alternation})(?!\w)", re.IGNORECASE)


# Free text may hold contact details of anyone: e-mail addresses and numbers that are not
# the subject's own are removed whoever they belong to.
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_NUMBER = re.compile(r"(?<!\w)\d{4,}(?!\w)")


class _Redactor:
    """Replaces other people's names, e-mail addresses and numbers in free text, never
    the subject's own."""

    def __init__(self, subject_terms: set[str], other_terms: set[str]) -> None:
        self.subject = {t.casefold() for t in subject_terms}
        self.others = _word_pattern(t for t in other_terms if t.casefold() not in self.subject)

    def _keep_own(self, match: re.Match[str]) -> str:
        return match.group(0) if match.group(0).casefold() in self.subject else OTHER_PERSON

    def text(self, value: str | None) -> str | None:
        if not value:
            return value
        if self.others is not None:
            value = self.others.sub(OTHER_PERSON, value)
        return _NUMBER.sub(self._keep_own, _EMAIL.sub(self._keep_own, value))

    def row(self, row: dict[str, Any]) -> dict[str, Any]:
        cleaned = {k: v for k, v in row.items() if k not in _USER_COLUMNS}
        return {k: self.text(v) if isinstance(v, str) else v for k, v in cleaned.items()}


def _history_rows(
    model: type[models.Model], redact: _Redactor, **lookup: Any
) -> list[dict[str, Any]]:
    rows = model._default_manager.filter(**lookup).order_by("history_date").values()
    return [_json_safe(redact.row(dict(row))) for row in rows]


def _justifications_naming(person: Person, terms: set[str]) -> list[CommitteeJustification]:
    """Justifications whose text or untrained-members list names the person.

    The untrained-members lists hold names only: a list counts when the person sat on
    that committee when it was written, so a namesake's earlier justification is left
    out. A text that names them counts for any committee they never sat on.
    """
    pattern = _word_pattern(terms)
    if pattern is None:
        return []
    mentions = Q()
    for term in terms:
        mentions |= Q(text__icontains=term) | Q(untrained_members__icontains=term)
    joined = {
        row["committee_id"]: row["history_date"]
        for row in CommitteeMembership.history.filter(person_id=person.pk)
        .order_by("-history_date")
        .values("committee_id", "history_date")
    }
    candidates = (
        CommitteeJustification.objects.filter(mentions)
        .select_related("committee", "created_by")
        .order_by("created_at", "pk")
    )

    def about_them(j: CommitteeJustification) -> bool:
        if j.committee_id not in joined:
            return bool(pattern.search(j.text))
        if j.created_at < joined[j.committee_id]:
            return False  # before they joined: a namesake
        return bool(pattern.search(j.text) or pattern.search(j.untrained_members))

    return [j for j in candidates if about_them(j)]


def _other_people_terms(
    person: Person, justifications: list[CommitteeJustification], subject: re.Pattern[str] | None
) -> set[str]:
    """The names and e-mail addresses of everyone who could show up next to the subject."""
    terms: set[str] = set()
    co_members = (
        Person.objects.filter(memberships__committee__memberships__person=person)
        .exclude(pk=person.pk)
        .only("first_name", "particle", "last_name", "email")
        .distinct()
    )
    for other in co_members:
        terms.update(t for t in (other.full_name, other.email) if t)
    for justification in justifications:
        for line in justification.untrained_members.splitlines():
            if line.strip() and not (subject and subject.fullmatch(line.strip())):
                terms.add(line.strip())
    users = get_user_model().objects.filter(
        Q(pk__in=[j.created_by_id for j in justifications if j.created_by_id])
        | Q(pk__in=TrainingCompletion.objects.filter(person=person).values("entered_by"))
        | Q(pk__in=TrainingCompletion.objects.filter(person=person).values("confirmed_by"))
        | Q(pk__in=TrainingCompletion.history.filter(person_id=person.pk).values("history_user"))
    )
    for user in users:
        terms.update(t for t in (user.get_full_name(), user.email) if t)
    terms.update(_registered_names_in(justifications, person))
    return terms


_CAPITALISED = re.compile(r"\b[A-Z][\w'-]{2,}")


def _registered_names_in(justifications: list[CommitteeJustification], person: Person) -> set[str]:
    """Names of other people in the register that the texts mention by last name.

    Someone named in a justification need not sit on the committee ("replaces Anouk
    Bakker"); every capitalised word that is someone's last name counts, with their full
    name, so "Anouk Bakker" and "Bakker" both go.
    """
    words = {w for j in justifications for w in _CAPITALISED.findall(j.text)}
    if not words:
        return set()
    named = Q()
    for word in words:
        named |= Q(last_name__iexact=word) | Q(last_name__iendswith=f" {word}")
    others = (
        Person.objects.filter(named)
        .exclude(pk=person.pk)
        .only("first_name", "particle", "last_name")
    )
    found: set[str] = set()
    for other in others[:500]:
        found.update({other.full_name, other.last_name.split()[-1]})
    own = {person.last_name.split()[-1].casefold()} if person.last_name else set()
    return {name for name in found if name.casefold() not in own}


def _person_section(person: Person) -> dict[str, Any]:
    return {
        "id": person.pk,
        "name": person.full_name,
        "first_name": person.first_name,
        "particle": person.particle,
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
    }


def _memberships(person: Person) -> list[dict[str, Any]]:
    memberships = (
        CommitteeMembership.objects.filter(person=person)
        .select_related("committee__department")
        .order_by("committee__interview_date", "pk")
    )
    return [
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
    ]


def _last_import_file() -> Subquery:
    """The file name of the last import that wrote the completion, if any."""
    rows = ImportRow.objects.filter(completion=OuterRef("pk")).order_by("-batch__created_at")
    return Subquery(rows.values("batch__file_name")[:1])


def _completions(person: Person, redact: _Redactor) -> list[dict[str, Any]]:
    completions = (
        TrainingCompletion.objects.filter(person=person)
        .select_related("session__supplier", "session__programme")
        .annotate(import_file=_last_import_file())
        .order_by("session__date", "pk")
    )
    # Who entered or confirmed a hand entry is that colleague's data: only that it happened.
    return [
        {
            "id": c.pk,
            "status": c.status,
            "source": c.source,
            "created_at": c.created_at,
            "updated_at": c.updated_at,
            "entered_at": c.entered_at,
            "evidence_note": redact.text(c.evidence_note),
            "confirmed_at": c.confirmed_at,
            "import": c.import_file,
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
    ]


def _evaluations(person: Person) -> list[dict[str, Any]]:
    evaluations = (
        Evaluation.objects.filter(person=person)
        .select_related("session__supplier")
        .order_by("session__date", "pk")
    )
    return [
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
    ]


def _justification_section(
    justifications: list[CommitteeJustification],
    subject: re.Pattern[str] | None,
    redact: _Redactor,
) -> list[dict[str, Any]]:
    return [
        {
            "committee": j.committee.vacancy_reference,
            "status": j.status,
            "created_at": j.created_at,
            "text": redact.text(j.text),
            "listed_as_untrained": bool(subject and subject.search(j.untrained_members)),
        }
        for j in justifications
    ]


def _own_cells(values: dict[str, Any], subject: re.Pattern[str] | None) -> dict[str, Any]:
    """Only the cells that hold the subject's own name, e-mail or number."""
    return {
        k: v for k, v in values.items() if isinstance(v, str) and subject and subject.fullmatch(v)
    }


def _import_rows(
    person: Person, subject: re.Pattern[str] | None, redact: _Redactor
) -> list[dict[str, Any]]:
    rows: Iterable[ImportRow] = (
        import_rows_mentioning([person])
        .select_related("batch__supplier")
        .order_by("batch__created_at", "row_number")
    )
    result = []
    for r in rows:
        # A row that only shares an e-mail or number with the subject may be another
        # person's (a typo): it shows the matching cells and the problem codes only.
        own = r.person_id == person.pk
        result.append(
            {
                "import": r.batch.file_name,
                "supplier": r.batch.supplier.name,
                "uploaded_at": r.batch.created_at,
                "row_number": r.row_number,
                "outcome": r.outcome,
                "linked_to_person": own,
                "cells": r.raw if own else _own_cells(r.raw, subject),
                "values": r.data if own else _own_cells(r.data, subject),
                "problems": [
                    {**p, "message": redact.text(str(p.get("message", "")))}
                    if own
                    else {"code": p.get("code"), "column": p.get("column")}
                    for p in r.problems
                ],
                "resolution": r.resolution,
                "resolved_at": r.resolved_at,
            }
        )
    return result


def _messages(person: Person, person_history: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The e-mails the outbox holds for any address the person has had (reminders,
    invitations): what was sent to them is theirs. Retention blanks sent texts after 90
    days; the subject and dates stay."""
    addresses = {person.email, *(row.get("email") for row in person_history)} - {None, ""}
    # People's addresses are stored in lower case, a user's as typed: one address in any case.
    rows = (
        Notification.objects.alias(address=Lower("recipient_email"))
        .filter(address__in=[a.lower() for a in addresses if a])
        .order_by("created_at")
    )
    return [
        {
            "kind": row.kind,
            "to": row.recipient_email,
            "subject": row.subject,
            "text": row.body_text,
            "status": row.status,
            "created_at": row.created_at,
            "sent_at": row.sent_at,
        }
        for row in rows
    ]


def person_subject_access_export(*, person: Person) -> dict[str, Any]:
    """Everything the system holds on `person`, and nobody else's data, JSON-safe."""
    terms = person_terms([person])
    subject = _word_pattern(terms)
    justifications = _justifications_naming(person, terms)
    redact = _Redactor(terms, _other_people_terms(person, justifications, subject))
    person_history = _history_rows(Person.history.model, redact, id=person.pk)
    return _json_safe(
        {
            "generated_at": timezone.now(),
            "person": _person_section(person),
            "messages": _messages(person, person_history),
            "committee_memberships": _memberships(person),
            "training_completions": _completions(person, redact),
            "evaluations": _evaluations(person),
            "justifications_naming_them": _justification_section(justifications, subject, redact),
            "import_rows": _import_rows(person, subject, redact),
            "history": {
                "person": person_history,
                "committee_memberships": _history_rows(
                    CommitteeMembership.history.model, redact, person_id=person.pk
                ),
                "training_completions": _history_rows(
                    TrainingCompletion.history.model, redact, person_id=person.pk
                ),
            },
        }
    )
