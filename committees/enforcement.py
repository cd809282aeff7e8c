"""The enforcement rule ("less non-committal measures"), in one place.

Each department chooses how hard the system pushes back when a committee is confirmed
(status confirmed or held) while members who must be trained are not:

- advisory: allowed, with a warning;
- justify: allowed only with a written justification, which is stored;
- strict: refused until every required member is trained or registered for a session
  on or before the interview date.

In every mode, a committee without any required member (incomplete) cannot be
confirmed: "0 of 0 trained" would otherwise pass every mode.

Pages, the admin and imports all call `committee_check_enforcement` /
`committee_enforce`, so the rule cannot differ between them.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db.models import DateField, OuterRef, Value
from django.utils.translation import gettext as _

from committees import compliance
from committees.models import CommitteeMembership, CommitteeStatus, SelectionCommittee
from departments.models import EnforcementMode

CONFIRMING_STATUSES = frozenset({CommitteeStatus.CONFIRMED, CommitteeStatus.HELD})


class EnforcementError(ValidationError):
    """Raised when the department's enforcement mode refuses a status change.

    `check` is the check that refused, when there was one: pages use it to link each
    blocking member to their registration page.
    """

    check: EnforcementCheck | None = None


@dataclass(frozen=True)
class EnforcementCheck:
    mode: str
    status: str
    # Names of required members who are not trained by the interview date.
    untrained: tuple[str, ...]
    # Of those, the ones not even registered for a session on or before that date.
    unplanned: tuple[str, ...]
    # Members whose role requires training; None when the check is about one member.
    required: int | None = None
    # The memberships behind `unplanned` as (membership id, name): what the refusal
    # links to (each member's registration page).
    blocking: tuple[tuple[int, str], ...] = ()

    @property
    def confirming(self) -> bool:
        return self.status in CONFIRMING_STATUSES

    @property
    def incomplete(self) -> bool:
        return self.required == 0

    @property
    def blocked(self) -> bool:
        if self.confirming and self.incomplete:
            return True
        return self.mode == EnforcementMode.STRICT and self.confirming and bool(self.unplanned)

    @property
    def needs_justification(self) -> bool:
        return self.mode == EnforcementMode.JUSTIFY and self.confirming and bool(self.untrained)

    @property
    def warns(self) -> bool:
        return bool(self.untrained)

    def blocked_message(self) -> str:
        if self.incomplete:
            return _(
                "This committee cannot be confirmed: it has no member who must be trained "
                "(only external members, or no members at all). Add them first."
            )
        refusal = _(
            "This committee cannot be confirmed yet. These members must first be trained "
            "or registered for a session on or before the interview date: %(names)s."
        ) % {"names": ", ".join(self.unplanned)}
        return f"{refusal} {self.alternatives_message()}"

    @staticmethod
    def alternatives_message() -> str:
        return _(
            "What would work: register them for a session before the interview date, "
            "replace them with a trained member, or move the interview date."
        )

    def justification_message(self) -> str:
        return _(
            "These members are not trained yet: %(names)s. Explain why the committee "
            "is confirmed anyway."
        ) % {"names": ", ".join(self.untrained)}

    def warning_message(self) -> str:
        return _("Not trained yet: %(names)s.") % {"names": ", ".join(self.untrained)}


def committee_check_enforcement(
    *,
    committee: SelectionCommittee,
    status: str,
    interview_date: datetime.date | None = None,
    mode: str | None = None,
) -> EnforcementCheck:
    """What the department's mode says about giving `committee` this status.

    `interview_date` is the date the committee will have (a form may change it in the
    same step); it defaults to the stored one. One query, whatever the committee size.
    """
    on_date = Value(interview_date or committee.interview_date, output_field=DateField())
    rows = list(
        CommitteeMembership.objects.filter(
            committee=committee, role__in=compliance.required_roles()
        )
        .annotate(
            trained=compliance.trained_before(OuterRef("person"), on_date),
            registered=compliance.registered_before(OuterRef("person"), on_date),
        )
        .select_related("person")
        .order_by("person__last_name", "person__first_name")
    )
    untrained = [m for m in rows if not m.trained]
    unplanned = [m for m in untrained if not m.registered]
    return EnforcementCheck(
        mode=mode or committee.department.enforcement_mode,
        status=status,
        untrained=tuple(m.person.full_name for m in untrained),
        unplanned=tuple(m.person.full_name for m in unplanned),
        required=len(rows),
        blocking=tuple((m.pk, m.person.full_name) for m in unplanned),
    )


def committee_enforce(
    *,
    committee: SelectionCommittee,
    status: str,
    justification: str = "",
    interview_date: datetime.date | None = None,
) -> EnforcementCheck:
    """Check the rule and raise `EnforcementError` when the change is not allowed."""
    check = committee_check_enforcement(
        committee=committee, status=status, interview_date=interview_date
    )
    if check.blocked:
        code = "incomplete" if check.incomplete else "strict"
        error = EnforcementError(check.blocked_message(), code=code)
        error.check = check
        raise error
    if check.needs_justification and not justification.strip():
        raise EnforcementError(check.justification_message(), code="justification_required")
    return check
