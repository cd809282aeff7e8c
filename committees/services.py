"""Changes to committees and their members, shared by the pages, the admin and imports."""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import DateField, OuterRef, Value
from django.utils.translation import gettext as _

from committees import compliance
from committees.enforcement import CONFIRMING_STATUSES, EnforcementCheck, committee_enforce
from committees.models import (
    CommitteeJustification,
    CommitteeMembership,
    CommitteeStatus,
    SelectionCommittee,
)
from departments.models import (
    Department,
    EnforcementMode,
    Person,
    normalise_email,
    normalise_employee_number,
)

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser, User

# The fields a page may change on a committee.
EDITABLE_FIELDS = ("vacancy_reference", "vacancy_title", "interview_date", "status", "notes")


def committee_record_justification(
    *,
    committee: SelectionCommittee,
    check: EnforcementCheck,
    justification: str,
    user: User | AnonymousUser | None,
) -> None:
    if not check.needs_justification:
        return
    CommitteeJustification.objects.create(
        committee=committee,
        status=check.status,
        text=justification.strip(),
        untrained_members="\n".join(check.untrained),
        created_by=user if user is not None and user.is_authenticated else None,
    )


def _set_history_user(obj: Any, user: User | AnonymousUser | None) -> None:
    # Outside a request (imports, shell) simple_history cannot see the user.
    if user is not None and user.is_authenticated:
        obj._history_user = user


@transaction.atomic
def committee_create(
    *,
    department: Department,
    vacancy_reference: str,
    vacancy_title: str,
    interview_date: datetime.date,
    status: str = CommitteeStatus.PLANNED,
    notes: str = "",
    user: User | AnonymousUser | None = None,
) -> SelectionCommittee:
    committee = SelectionCommittee(
        department=department,
        vacancy_reference=vacancy_reference,
        vacancy_title=vacancy_title,
        interview_date=interview_date,
        status=status,
        notes=notes,
    )
    # A new committee has no members yet, so every mode allows any status.
    _set_history_user(committee, user)
    committee.save()
    return committee


@transaction.atomic
def committee_update(
    *,
    committee: SelectionCommittee,
    user: User | AnonymousUser | None,
    justification: str = "",
    **changes: Any,
) -> SelectionCommittee:
    """Change the committee's fields; a (re)confirmation goes through enforcement."""
    unknown = set(changes) - set(EDITABLE_FIELDS)
    if unknown:
        raise TypeError(f"Cannot change {sorted(unknown)}")
    changed = [name for name, value in changes.items() if getattr(committee, name) != value]
    status = changes.get("status", committee.status)
    interview_date = changes.get("interview_date", committee.interview_date)
    check: EnforcementCheck | None = None
    # Only a change into a confirming status, or a new date for a confirmed committee,
    # is checked: editing the notes of an old confirmed committee must stay possible.
    if status in CONFIRMING_STATUSES and ({"status", "interview_date"} & set(changed)):
        check = committee_enforce(
            committee=committee,
            status=status,
            justification=justification,
            interview_date=interview_date,
        )
    if not changed:
        return committee
    for name in changed:
        setattr(committee, name, changes[name])
    _set_history_user(committee, user)
    committee.save(update_fields=[*changed, "updated_at"])
    if check is not None:
        committee_record_justification(
            committee=committee, check=check, justification=justification, user=user
        )
    return committee


def committee_change_status(
    *,
    committee: SelectionCommittee,
    status: str,
    user: User | AnonymousUser | None,
    justification: str = "",
) -> SelectionCommittee:
    return committee_update(
        committee=committee, user=user, justification=justification, status=status
    )


def _is_trained_or_registered(person: Person, committee: SelectionCommittee) -> bool:
    on_date = Value(committee.interview_date, output_field=DateField())
    return (
        Person.objects.filter(pk=person.pk)
        .filter(
            compliance.trained_before(OuterRef("pk"), on_date)
            | compliance.registered_before(OuterRef("pk"), on_date)
        )
        .exists()
    )


@transaction.atomic
def committee_add_member(
    *,
    committee: SelectionCommittee,
    person: Person,
    role: str,
    user: User | AnonymousUser | None = None,
) -> CommitteeMembership:
    """Put `person` on `committee`; the same person twice is refused."""
    if CommitteeMembership.objects.filter(committee=committee, person=person).exists():
        raise ValidationError(
            _("%(name)s is already on this committee.") % {"name": person.full_name},
            code="duplicate",
        )
    # In strict mode a confirmed committee must stay compliant: otherwise adding an
    # untrained member after confirming would get round the rule.
    if (
        committee.department.enforcement_mode == EnforcementMode.STRICT
        and committee.status in CONFIRMING_STATUSES
        and role in compliance.required_roles()
        and not _is_trained_or_registered(person, committee)
    ):
        raise ValidationError(
            _(
                "%(name)s is not trained or registered for a session before the interview "
                "date. This committee is already confirmed, so this member cannot be added."
            )
            % {"name": person.full_name},
            code="strict",
        )
    membership = CommitteeMembership(committee=committee, person=person, role=role)
    _set_history_user(membership, user)
    try:
        with transaction.atomic():
            membership.save()
    except IntegrityError as error:  # added at the same moment by someone else
        raise ValidationError(
            _("%(name)s is already on this committee.") % {"name": person.full_name},
            code="duplicate",
        ) from error
    return membership


def committee_remove_member(
    *, membership: CommitteeMembership, user: User | AnonymousUser | None = None
) -> None:
    _set_history_user(membership, user)
    membership.delete()


def person_create(
    *,
    department: Department,
    first_name: str,
    last_name: str,
    email: str | None = None,
    employee_number: str | None = None,
    user: User | AnonymousUser | None = None,
) -> Person:
    """Create a person after the model's own normalising and uniqueness checks."""
    person = Person(
        department=department,
        first_name=first_name,
        last_name=last_name,
        # Normalised first: field validation runs before Person.clean().
        email=normalise_email(email),
        employee_number=normalise_employee_number(employee_number),
    )
    person.full_clean()
    _set_history_user(person, user)
    person.save()
    return person
