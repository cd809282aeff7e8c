"""Changes to committees and their members, shared by the pages, the admin and imports."""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import DateField, OuterRef, Value
from django.utils.translation import gettext as _

from committees import compliance
from committees.cancellation_notices import relied_cancellation_notices_queue
from committees.enforcement import (
    CONFIRMING_STATUSES,
    EnforcementCheck,
    EnforcementError,
    committee_check_enforcement,
    committee_enforce,
)
from committees.models import (
    CommitteeJustification,
    CommitteeMembership,
    CommitteeStatus,
    SelectionCommittee,
)
from committees.selectors import committees_relying_on, sessions_for_membership
from departments.models import Department, Person
from departments.people import person_save
from departments.touched import figures_touched
from trainings.models import TrainingCompletion, TrainingSession
from trainings.services import (
    Cancellation,
    Place,
    RegistrationRefused,
    registration_cancel,
    registration_create,
    session_mark_cancelled,
    waitlist_join,
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


def _committee_touched(committee: SelectionCommittee, *earlier: datetime.date) -> None:
    """The committee's quarter (and the one it moved from) changed for its department:
    the stored figures follow in this transaction (departments.touched)."""
    dates = [committee.interview_date, *earlier]
    figures_touched(since=min(dates), until=max(dates), departments=[committee.department_id])


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
    if status in CONFIRMING_STATUSES:
        # A new committee has no members yet: it is incomplete, and confirming an
        # incomplete committee is refused in every mode. Add the members, then confirm.
        empty = EnforcementCheck(
            mode=department.enforcement_mode, status=status, untrained=(), unplanned=(), required=0
        )
        raise EnforcementError(empty.blocked_message(), code="incomplete")
    committee = SelectionCommittee(
        department=department,
        vacancy_reference=vacancy_reference,
        vacancy_title=vacancy_title,
        interview_date=interview_date,
        status=status,
        notes=notes,
    )
    _set_history_user(committee, user)
    committee.save()
    _committee_touched(committee)
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
    previous_date = committee.interview_date
    for name in changed:
        setattr(committee, name, changes[name])
    _set_history_user(committee, user)
    committee.save(update_fields=[*changed, "updated_at"])
    if check is not None:
        committee_record_justification(
            committee=committee, check=check, justification=justification, user=user
        )
    _committee_touched(committee, previous_date)
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


@dataclass(frozen=True)
class Registration:
    """A committee registered with its members (`committee_register`), and what the
    department's rule said without refusing (who is not trained yet)."""

    committee: SelectionCommittee
    warnings: tuple[str, ...] = ()


@transaction.atomic
def committee_register(
    *,
    department: Department,
    vacancy_reference: str,
    vacancy_title: str,
    interview_date: datetime.date,
    members: Sequence[tuple[Person, str]],
    status: str = CommitteeStatus.PLANNED,
    notes: str = "",
    justification: str = "",
    user: User | AnonymousUser | None = None,
) -> Registration:
    """Create a committee, add its members and give it `status`: the three steps O&P
    staff take on the pages (new committee, add members, edit the status), through the
    same services, so the department's rule asks and refuses exactly what it asks there.

    One transaction: a refusal leaves nothing behind. A refusal is a ValidationError
    keyed by what it is about: `members.<index>` for a member (the same person twice),
    `status` for a confirmation refused, `justification` when only a reason is missing.
    """
    committee = committee_create(
        department=department,
        vacancy_reference=vacancy_reference,
        vacancy_title=vacancy_title,
        interview_date=interview_date,
        notes=notes,
        user=user,
    )
    for index, (person, role) in enumerate(members):
        try:
            committee_add_member(committee=committee, person=person, role=role, user=user)
        except ValidationError as error:
            raise ValidationError({f"members.{index}": error.error_list}) from error
    if status == CommitteeStatus.PLANNED:
        return Registration(committee)
    check = committee_check_enforcement(committee=committee, status=status)
    try:
        committee_update(committee=committee, user=user, justification=justification, status=status)
    except EnforcementError as error:
        field = "justification" if error.code == "justification_required" else "status"
        raise ValidationError({field: error.error_list}) from error
    # What the edit page shows as a warning after confirming (committees.forms).
    warns = check.confirming and check.warns
    return Registration(committee, (check.warning_message(),) if warns else ())


def _member_check(
    *, committee: SelectionCommittee, person: Person, role: str
) -> EnforcementCheck | None:
    """The rule for one member joining (or changing role on) a confirmed committee.

    None when the rule has nothing to say: the committee is not confirmed, the role needs
    no training, or the person is trained by the interview date.
    """
    if committee.status not in CONFIRMING_STATUSES or role not in compliance.required_roles():
        return None
    on_date = Value(committee.interview_date, output_field=DateField())
    state = (
        Person.objects.filter(pk=person.pk)
        .annotate(
            trained=compliance.trained_before(OuterRef("pk"), on_date),
            registered=compliance.registered_before(OuterRef("pk"), on_date),
        )
        .values("trained", "registered")
        .get()
    )
    if state["trained"]:
        return None
    return EnforcementCheck(
        mode=committee.department.enforcement_mode,
        status=committee.status,
        untrained=(person.full_name,),
        unplanned=() if state["registered"] else (person.full_name,),
    )


def _enforce_member(
    *,
    committee: SelectionCommittee,
    person: Person,
    role: str,
    justification: str,
) -> EnforcementCheck | None:
    """Apply the department's rule to a member change on a confirmed committee.

    Otherwise adding an untrained member (or making an adviser a member) after
    confirming would get round the rule that confirming enforces. Returns the check for
    the caller to record once the change is saved (so the justification comes after the
    member joined, as the subject-access export expects).
    """
    check = _member_check(committee=committee, person=person, role=role)
    if check is None:
        return None
    if check.blocked:
        raise EnforcementError(
            _(
                "%(name)s is not trained or registered for a session before the interview "
                "date. This committee is already confirmed, so this member cannot be added."
            )
            % {"name": person.full_name},
            code="strict",
        )
    if check.needs_justification and not justification.strip():
        raise EnforcementError(check.justification_message(), code="justification_required")
    return check


@transaction.atomic
def committee_add_member(
    *,
    committee: SelectionCommittee,
    person: Person,
    role: str,
    user: User | AnonymousUser | None = None,
    justification: str = "",
) -> CommitteeMembership:
    """Put `person` on `committee`; the same person twice is refused."""
    if CommitteeMembership.objects.filter(committee=committee, person=person).exists():
        raise ValidationError(
            _("%(name)s is already on this committee.") % {"name": person.full_name},
            code="duplicate",
        )
    check = _enforce_member(
        committee=committee, person=person, role=role, justification=justification
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
    if check is not None:
        committee_record_justification(
            committee=committee, check=check, justification=justification, user=user
        )
    _committee_touched(committee)
    return membership


@transaction.atomic
def membership_change_role(
    *,
    membership: CommitteeMembership,
    role: str,
    user: User | AnonymousUser | None = None,
    justification: str = "",
) -> CommitteeMembership:
    """Give a member another role; a role that needs training goes through the rule."""
    if membership.role == role:
        return membership
    refusal = membership_leaving_refusal(membership=membership, new_role=role)
    if refusal is not None:
        raise refusal
    check = _enforce_member(
        committee=membership.committee,
        person=membership.person,
        role=role,
        justification=justification,
    )
    membership.role = role
    _set_history_user(membership, user)
    membership.save(update_fields=["role"])
    if check is not None:
        committee_record_justification(
            committee=membership.committee, check=check, justification=justification, user=user
        )
    _committee_touched(membership.committee)
    return membership


def membership_leaving_refusal(
    *, membership: CommitteeMembership, new_role: str | None = None
) -> EnforcementError | None:
    """Why this member may not leave (or take a role without training), if so.

    A confirmed committee keeps at least one member who must be trained: otherwise it
    would become incomplete after confirming, which no mode allows.
    """
    required = compliance.required_roles()
    committee = membership.committee
    if committee.status not in CONFIRMING_STATUSES or membership.role not in required:
        return None
    if new_role in required:
        return None
    others = committee.memberships.filter(role__in=required).exclude(pk=membership.pk)
    if others.exists():
        return None
    return EnforcementError(
        _(
            "This committee is confirmed, so it must keep at least one member who must be "
            "trained. Add another one first, or set the committee back to planned."
        ),
        code="incomplete",
    )


@transaction.atomic
def committee_remove_member(
    *, membership: CommitteeMembership, user: User | AnonymousUser | None = None
) -> None:
    refusal = membership_leaving_refusal(membership=membership)
    if refusal is not None:
        raise refusal
    _set_history_user(membership, user)
    membership.delete()
    _committee_touched(membership.committee)


def person_create(
    *,
    department: Department,
    first_name: str,
    last_name: str,
    particle: str = "",
    email: str | None = None,
    employee_number: str | None = None,
    user: User | AnonymousUser | None = None,
) -> Person:
    """Create a person; uniqueness is checked in words fit for `user` (departments.people)."""
    person = Person(
        department=department,
        first_name=first_name,
        particle=particle,
        last_name=last_name,
        email=email,
        employee_number=employee_number,
    )
    return person_save(person=person, user=user)


# --- registering members for sessions -----------------------------------------------------


def _check_needs_training(membership: CommitteeMembership) -> None:
    """Refuse a member whose role needs no training, or who is trained already."""
    if membership.role not in compliance.required_roles():
        raise RegistrationRefused(
            _("%(name)s does not need the training in this role: no registration is needed.")
            % {"name": membership.person.full_name}
        )
    trained = CommitteeMembership.objects.filter(pk=membership.pk).filter(
        compliance.membership_trained()
    )
    if trained.exists():
        raise RegistrationRefused(
            _("%(name)s is already trained for this committee: no registration is needed.")
            % {"name": membership.person.full_name}
        )


def _session_refusal(membership: CommitteeMembership, session: TrainingSession) -> str:
    """Why `sessions_for_membership` does not offer `session`."""
    if session.cancelled:
        return _("This session has been cancelled.")
    if session.department_id not in (None, membership.committee.department_id):
        return _("This session is not available for this committee.")
    return _(
        "This session cannot be chosen for this member: choose one on or before the interview date."
    )


def member_register(
    *,
    membership: CommitteeMembership,
    session: TrainingSession,
    user: User | AnonymousUser | None,
    waitlist: bool = False,
) -> Place:
    """Register a committee member for a session on or before the interview date.

    The session must be one `sessions_for_membership` offers. Their registrations for
    later sessions are cancelled (choosing again moves them to an earlier one). When no
    place is left `SessionFull` is raised, unless `waitlist`: then the member goes on
    the waiting list (or gets a place that came free meanwhile).
    """
    _check_needs_training(membership)
    if not sessions_for_membership(membership).filter(pk=session.pk).exists():
        raise RegistrationRefused(_session_refusal(membership, session))
    join = waitlist_join if waitlist else registration_create
    return join(person=membership.person, session=session, user=user, replace_later=True)


@transaction.atomic
def member_registration_cancel(
    *, completion: TrainingCompletion, user: User | AnonymousUser | None
) -> Cancellation:
    """Cancel a member's registration (the page warns first when a confirmed committee
    relies on it: `committees_relying_on`); the first on the waiting list moves up.

    The O&P staff of each committee that relied on it are told at once, in the same
    transaction (committees.cancellation_notices).
    """
    relying = list(committees_relying_on(completion))
    # trainings.services refreshes the figures of the person's committees too.
    cancellation = registration_cancel(completion=completion, user=user)
    relied_cancellation_notices_queue(completion=cancellation.completion, committees=relying)
    return cancellation


@transaction.atomic
def session_cancel(*, session: TrainingSession, user: User | AnonymousUser | None) -> int:
    """Cancel a session (the admin's *cancelled*): its waiting list is cleared and each
    registration cancelled as from the committee page (`member_registration_cancel`).
    Returns how many confirmed committees relied on it (`committees_relying_on`)."""
    relying: set[int] = set()
    for completion in session_mark_cancelled(session=session, user=user):
        relying.update(committees_relying_on(completion).values_list("pk", flat=True))
        member_registration_cancel(completion=completion, user=user)
    return len(relying)
