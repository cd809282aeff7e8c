"""What the Regiegroep's and the ICOP's meetings asked for: the figures behind the
enforcement rule, per role, and the late cancellations per supplier.

Each table is built declaratively (columns say which cells count people) and goes
through `reports.presentation.suppression.suppress`, like every other table.

Definitions (also in the tables' help texts):

* The *enforcement mode* of a quarter is the mode in force at the quarter's end, read
  from the department's history (`DepartmentQuerySet.with_enforcement_mode_at`). One
  mode per department and quarter, as in the compliance table; the moment a committee
  was confirmed is not stored apart from its history, and a department changes its mode
  by decision, mostly at a quarter's start.
* A committee *confirmed or held with untrained members* has status confirmed or held,
  an interview date in the quarter, and fewer trained members (by its interview date)
  than members whose role requires training. It is *justified* when someone wrote a
  justification for it (enforcement mode `justify` asks for one).
* A *late cancellation* is a place cancelled `LATE_CANCELLATION_DAYS` days or less
  before its session, or after it (`TrainingCompletionQuerySet.late_cancellations`).
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Collection, Iterable

from django.conf import settings
from django.db.models import Count, Exists, F, OuterRef, Q
from django.db.models.functions import ExtractQuarter, ExtractYear
from django.utils import timezone
from django.utils.translation import gettext as _

from committees import compliance
from committees.enforcement import CONFIRMING_STATUSES
from committees.models import (
    CommitteeJustification,
    CommitteeMembership,
    CommitteeStatus,
    MembershipRole,
    SelectionCommittee,
)
from departments.models import Department, EnforcementMode
from reports.presentation.suppression import suppress
from reports.presentation.tables import CellValue, Column, Row, Table
from reports.quarters import Quarter
from trainings.models import TrainingCompletion

Key = tuple[int, int]  # (year, quarter number), as in reports.figures


def _count(value: CellValue) -> int:
    return value if isinstance(value, int) else 0


def registry_coverage(without: Iterable[str]) -> str:
    """Which departments a table built from the app's registry covers, for its total."""
    codes = sorted(without)
    if not codes:
        return _("all departments")
    return _("departments with figures from the app; not %(codes)s") % {"codes": ", ".join(codes)}


def late_cancellation_days() -> int:
    return int(getattr(settings, "LATE_CANCELLATION_DAYS", 3))


def quarter_end_moment(quarter: Quarter) -> datetime.datetime:
    """The last moment of the quarter's last day, in the local time zone."""
    return timezone.make_aware(datetime.datetime.combine(quarter.end, datetime.time.max))


def enforcement_modes(quarter: Quarter) -> dict[int, str]:
    """Per department id, the enforcement mode in force at the end of `quarter` (1 query)."""
    then = Department.objects.with_enforcement_mode_at(quarter_end_moment(quarter))
    # The stubs cannot see an annotation made inside a QuerySet method.
    return dict(then.values_list("pk", "enforcement_mode_then"))  # type: ignore[misc]


def mode_label(mode: str) -> str:
    """The mode's short name ("Justify"), without its explanation: after a colon in English,
    in brackets in Dutch ("Verantwoorden (bevestigen mag alleen met een verantwoording)")."""
    return re.split(r":| \(", str(EnforcementMode(mode).label), maxsplit=1)[0]


def late_cancellations_by_supplier(first: Quarter, last: Quarter) -> dict[tuple[Key, int], int]:
    """Late-cancelled places per (quarter, supplier) of the session (1 query)."""
    rows = (
        TrainingCompletion.objects.late_cancellations(late_cancellation_days())
        .filter(session__date__gte=first.start, session__date__lte=last.end)
        .annotate(y=ExtractYear("session__date"), q=ExtractQuarter("session__date"))
        .values("y", "q", "session__supplier")
        .annotate(places=Count("pk"))
        .order_by()
    )
    return {((r["y"], r["q"]), r["session__supplier"]): r["places"] for r in rows}


def late_cancellation_column() -> Column:
    return Column(
        "late_cancellations",
        _("Late cancellations (places)"),
        "int",
        help=_(
            "Places cancelled %(days)s days or less before the session, or after it, in "
            "sessions held in the quarter."
        )
        % {"days": late_cancellation_days()},
        # Places of a whole supplier, like the no-shows: no small group of people.
    )


def empty_sessions_column() -> Column:
    return Column(
        "empty_sessions",
        _("Sessions without attendees"),
        "int",
        help=_(
            "Sessions in the quarter that were not cancelled but where nobody attended. "
            "They are not in sessions held."
        ),
    )


# --- Committees confirmed or held with untrained members --------------------------------


def untrained_committees(
    quarter: Quarter, departments: Collection[int]
) -> dict[int, dict[str, int]]:
    """Per department: committees confirmed or held with untrained members, and of those
    the ones with a justification (1 query)."""
    justified = Exists(CommitteeJustification.objects.filter(committee=OuterRef("pk")))
    rows = (
        SelectionCommittee.objects.with_compliance()
        .interviewing_between(quarter.start, quarter.end)
        .filter(
            status__in=CONFIRMING_STATUSES,
            department__in=departments,
            required_count__gt=F("trained_count"),
        )
        .alias(justified=justified)
        .values("department")
        .annotate(committees=Count("pk"), justified_count=Count("pk", filter=Q(justified=True)))
        .order_by()
    )
    return {
        r["department"]: {"committees": r["committees"], "justified": r["justified_count"]}
        for r in rows
    }


def untrained_committees_table(
    quarter: Quarter,
    departments: Iterable[Department],
    modes: dict[int, str],
    *,
    coverage: str,
    threshold: int,
) -> Table:
    """Per department and its enforcement mode at the quarter's end: committees confirmed
    or held with untrained members, with and without a justification."""
    departments = list(departments)
    found = untrained_committees(quarter, [d.pk for d in departments])
    columns = (
        Column("code", _("Code"), "text"),
        Column("department", _("Department"), "text"),
        Column(
            "enforcement",
            _("Enforcement mode"),
            "text",
            help=_("The enforcement mode in force at the end of the quarter."),
        ),
        Column(
            "confirmed_untrained",
            _("Confirmed or held with untrained members"),
            "int",
            help=_(
                "Committees with status confirmed or held, interviewing in the quarter, with "
                "members whose role requires training who were not trained by the interview "
                "date."
            ),
        ),
        Column("with_justification", _("Of which with a justification"), "int"),
        Column(
            "without_justification",
            _("Of which without a justification"),
            "int",
            help=_("In enforcement mode 'justify' each of these should have had one."),
        ),
    )
    order = {mode: n for n, mode in enumerate(EnforcementMode.values)}
    rows = []
    for department in sorted(departments, key=lambda d: (order[modes[d.pk]], d.code)):
        figures = found.get(department.pk, {"committees": 0, "justified": 0})
        rows.append(
            Row(
                {
                    "code": department.code,
                    "department": department.name_nl,
                    "enforcement": mode_label(modes[department.pk]),
                    "confirmed_untrained": figures["committees"],
                    "with_justification": figures["justified"],
                    "without_justification": figures["committees"] - figures["justified"],
                }
            )
        )
    total = Row(
        {
            "department": _("Total, %(coverage)s") % {"coverage": coverage},
            **{
                key: sum(_count(r.get(key)) for r in rows)
                for key in ("confirmed_untrained", "with_justification", "without_justification")
            },
        }
    )
    table = Table(
        key="committees-untrained",
        title=_("Committees confirmed or held with untrained members"),
        columns=columns,
        rows=tuple(rows),
        total_row=total,
        notes=(_("Ordered by enforcement mode, then by department."),),
    )
    return suppress(table, threshold=threshold)


# --- Untrained members by role ------------------------------------------------------------


def memberships_by_role(
    quarter: Quarter, departments: Collection[int]
) -> dict[str, dict[str, int]]:
    """Memberships requiring training and trained ones per role (1 query)."""
    rows = (
        CommitteeMembership.objects.with_training_status()
        .filter(
            requires_training=True,
            committee__department__in=departments,
            committee__interview_date__gte=quarter.start,
            committee__interview_date__lte=quarter.end,
        )
        .exclude(committee__status=CommitteeStatus.CANCELLED)
        .values("role")
        .annotate(memberships=Count("pk"), trained=Count("pk", filter=Q(is_trained=True)))
        .order_by()
    )
    return {r["role"]: {"memberships": r["memberships"], "trained": r["trained"]} for r in rows}


def roles_table(
    quarter: Quarter, departments: Collection[int], *, coverage: str, threshold: int
) -> Table:
    """Memberships requiring training, trained and untrained, per role."""
    found = memberships_by_role(quarter, departments)
    columns = (
        Column("role", _("Role"), "text"),
        Column(
            "memberships",
            _("Memberships requiring training"),
            "int",
            count_of_people=True,
            total_of=("trained", "untrained"),
        ),
        Column(
            "trained",
            _("Trained memberships"),
            "int",
            count_of_people=True,
            group="memberships",
        ),
        Column(
            "untrained",
            _("Untrained memberships"),
            "int",
            help=_("Members not trained by their committee's interview date."),
            count_of_people=True,
            group="memberships",
        ),
    )
    rows = []
    for role in compliance.required_roles():
        figures = found.get(role, {"memberships": 0, "trained": 0})
        rows.append(
            Row(
                {
                    "role": str(MembershipRole(role).label),
                    "memberships": figures["memberships"],
                    "trained": figures["trained"],
                    "untrained": figures["memberships"] - figures["trained"],
                }
            )
        )
    total = Row(
        {
            "role": _("Total, %(coverage)s") % {"coverage": coverage},
            **{
                key: sum(_count(r.get(key)) for r in rows)
                for key in ("memberships", "trained", "untrained")
            },
        }
    )
    table = Table(
        key="untrained-roles",
        title=_("Untrained members by role"),
        columns=columns,
        rows=tuple(rows),
        total_row=total,
    )
    return suppress(table, threshold=threshold)
