"""Adding many members at once: from a pasted list, or copied from another committee.

Both first make a plan (a preview the user checks), then add each planned person
through `committees.services.committee_add_member`, which applies the department's
enforcement rule. The preview applies the same rule (via EnforcementCheck) so it can
say in advance who will be refused and whether a justification is needed.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db.models import DateField, OuterRef, Q, Value
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from committees import compliance
from committees.enforcement import CONFIRMING_STATUSES, EnforcementCheck
from committees.models import CommitteeMembership, SelectionCommittee
from committees.services import committee_add_member
from departments.models import Person, normalise_email, normalise_employee_number

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser, User

# A paste is a list someone has at hand, not a data import: past this, use the import.
PASTE_MAX_ENTRIES = 500
_SEPARATORS = re.compile(r"[\s,;]+")
# Longer than any e-mail address or employee number: cannot match, so not looked up.
_MAX_ENTRY_LENGTH = 254


class LineState(StrEnum):
    ADD = "add"
    MEMBER = "member"
    NOT_FOUND = "not_found"
    DUPLICATE = "duplicate"
    REFUSED = "refused"
    ADDED = "added"
    FAILED = "failed"


STATE_LABELS = {
    LineState.ADD: gettext_lazy("Will be added"),
    LineState.MEMBER: gettext_lazy("Already a member"),
    LineState.NOT_FOUND: gettext_lazy("Not found"),
    LineState.DUPLICATE: gettext_lazy("Twice in the list"),
    LineState.REFUSED: gettext_lazy("Cannot be added"),
    LineState.ADDED: gettext_lazy("Added"),
    LineState.FAILED: gettext_lazy("Not added"),
}
# Lines the user still has to deal with: they go back into the text box.
OPEN_STATES = frozenset({LineState.NOT_FOUND, LineState.REFUSED, LineState.FAILED})


@dataclass
class PlannedLine:
    text: str
    role: str
    person: Person | None = None
    state: LineState = LineState.NOT_FOUND
    # "trained", "registered" or "untrained"; empty when not looked up.
    training: str = ""
    needs_justification: bool = False
    message: str = ""

    @property
    def state_label(self) -> str:
        return str(STATE_LABELS[self.state])


def paste_entries(text: str) -> list[str]:
    """The entries of a paste: one per line, or separated by commas, semicolons or spaces."""
    return [entry for entry in _SEPARATORS.split(text) if entry]


def validate_paste(text: str) -> None:
    count = len(paste_entries(text))
    if not count:
        raise ValidationError(_("Paste at least one employee number or e-mail address."))
    if count > PASTE_MAX_ENTRIES:
        raise ValidationError(
            _(
                "Paste at most %(limit)d employee numbers or e-mail addresses at a time; "
                "this list has %(count)d. Split the list, or ask the administrator for an import."
            )
            % {"limit": PASTE_MAX_ENTRIES, "count": count}
        )


def _key(entry: str) -> tuple[str, str] | None:
    if len(entry) > _MAX_ENTRY_LENGTH:
        return None
    if "@" in entry:
        email = normalise_email(entry)
        return ("email", email) if email else None
    number = normalise_employee_number(entry)
    return ("number", number) if number else None


def plan_paste(
    *, committee: SelectionCommittee, user: User | AnonymousUser, text: str, role: str
) -> list[PlannedLine]:
    """One line per pasted entry: who it is (in the user's departments only), or why not.

    Someone outside the user's departments is "not found", like someone who does not
    exist, so the answer confirms nothing about other ministries.
    """
    entries = paste_entries(text)[:PASTE_MAX_ENTRIES]
    keys = [_key(entry) for entry in entries]
    emails = {value for kind, value in filter(None, keys) if kind == "email"}
    numbers = {value for kind, value in filter(None, keys) if kind == "number"}
    found = Person.objects.visible_to(user).filter(
        Q(email__in=emails) | Q(employee_number__in=numbers)
    )
    by_key: dict[tuple[str, str], Person] = {}
    for person in found.select_related("department"):
        if person.email:
            by_key["email", person.email] = person
        if person.employee_number:
            by_key["number", person.employee_number] = person
    lines: list[PlannedLine] = []
    seen: set[int] = set()
    for entry, key in zip(entries, keys, strict=True):
        line = PlannedLine(text=entry, role=role)
        person = by_key.get(key) if key else None
        if person is not None:
            line.person = person
            line.state = LineState.DUPLICATE if person.pk in seen else LineState.ADD
            seen.add(person.pk)
        lines.append(line)
    _assess(committee, lines)
    return lines


# A committee to copy from, as the form lists it: id, vacancy reference and title,
# interview date.
CopySource = tuple[int, str, str, datetime.date]


def copy_sources(
    *, committee: SelectionCommittee, user: User | AnonymousUser, limit: int = 200
) -> list[CopySource]:
    """The committees whose members may be copied: the same department, visible to the
    user, newest interview first (the most recent `limit`). One query, the shown columns."""
    return list(
        SelectionCommittee.objects.visible_to(user)
        .filter(department=committee.department_id)
        .exclude(pk=committee.pk)
        .order_by("-interview_date", "-pk")
        .values_list("pk", "vacancy_reference", "vacancy_title", "interview_date")[:limit]
    )


def plan_copy(
    *, committee: SelectionCommittee, source: SelectionCommittee, user: User | AnonymousUser
) -> tuple[list[PlannedLine], int]:
    """The members of `source` to put on `committee`, each with their role there; and the
    number left out because they belong to a department the user may not see."""
    memberships = list(
        source.memberships.select_related("person__department").order_by(
            "person__last_name", "person__first_name"
        )
    )
    visible = set(
        Person.objects.visible_to(user)
        .filter(pk__in=[m.person_id for m in memberships])
        .values_list("pk", flat=True)
    )
    lines = [
        PlannedLine(text=m.person.full_name, role=m.role, person=m.person, state=LineState.ADD)
        for m in memberships
        if m.person_id in visible
    ]
    _assess(committee, lines)
    return lines, len(memberships) - len(lines)


def _assess(committee: SelectionCommittee, lines: list[PlannedLine]) -> None:
    """Mark who is already a member, each person's training by the interview date and
    what the enforcement rule says. Two queries, whatever the number of lines."""
    people = [line.person for line in lines if line.person is not None]
    members = set(
        CommitteeMembership.objects.filter(committee=committee, person__in=people).values_list(
            "person_id", flat=True
        )
    )
    on_date = Value(committee.interview_date, output_field=DateField())
    training = {
        pk: "trained" if trained else "registered" if registered else "untrained"
        for pk, trained, registered in Person.objects.filter(pk__in=[p.pk for p in people])
        .annotate(
            trained=compliance.trained_before(OuterRef("pk"), on_date),
            registered=compliance.registered_before(OuterRef("pk"), on_date),
        )
        .values_list("pk", "trained", "registered")
    }
    mode = committee.department.enforcement_mode
    for line in lines:
        if line.person is None:
            continue
        line.training = training.get(line.person.pk, "untrained")
        if line.state != LineState.ADD:
            continue
        if line.person.pk in members:
            line.state = LineState.MEMBER
            continue
        _apply_rule(committee, line, mode)


def _apply_rule(committee: SelectionCommittee, line: PlannedLine, mode: str) -> None:
    if (
        line.person is None
        or line.training == "trained"
        or line.role not in compliance.required_roles()
    ):
        return
    if committee.status not in CONFIRMING_STATUSES:
        return
    name = line.person.full_name
    check = EnforcementCheck(
        mode=mode,
        status=committee.status,
        untrained=(name,),
        unplanned=(name,) if line.training == "untrained" else (),
    )
    if check.blocked:
        line.state = LineState.REFUSED
        line.message = _(
            "Not trained or registered for a session before the interview date, and this "
            "committee is already confirmed."
        )
    elif check.needs_justification:
        line.needs_justification = True


def needs_justification(lines: list[PlannedLine]) -> list[str]:
    """Names of the people who can only be added with a justification."""
    return [
        line.person.full_name
        for line in lines
        if line.person is not None and line.state == LineState.ADD and line.needs_justification
    ]


def add_planned(
    *,
    committee: SelectionCommittee,
    user: User | AnonymousUser,
    lines: list[PlannedLine],
    justification: str = "",
) -> list[PlannedLine]:
    """Add every line marked ADD through the committee service; each line records its
    own outcome, so one refusal does not undo or hide the others."""
    for line in lines:
        if line.state != LineState.ADD or line.person is None:
            continue
        try:
            committee_add_member(
                committee=committee,
                person=line.person,
                role=line.role,
                user=user,
                justification=justification if line.needs_justification else "",
            )
        except ValidationError as error:
            line.state = LineState.FAILED
            line.message = " ".join(error.messages)
        else:
            line.state = LineState.ADDED
    return lines
