"""Figures for the department dashboard, the bureau overview and the "what if strict" view.

Every figure is one grouped query (per quarter or per department), so the cost does not
grow with the number of committees.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.db.models.functions import TruncQuarter

from committees import compliance
from committees.models import (
    CommitteeMembership,
    CommitteeStatus,
    SelectionCommittee,
)
from committees.selectors import required_memberships
from departments.models import Department
from reports.quarters import Quarter
from trainings.models import TrainingCompletion

FIRST_YEAR = 2021


def quarters_since(first_year: int, today: datetime.date) -> list[Quarter]:
    quarter, last = Quarter(first_year, 1), Quarter.containing(today)
    result = []
    while (quarter.year, quarter.number) <= (last.year, last.number):
        result.append(quarter)
        quarter = quarter.next()
    return result


def _share(part: int, whole: int) -> float | None:
    return round(100 * part / whole, 1) if whole else None


@dataclass(frozen=True)
class QuarterFigures:
    quarter: Quarter
    memberships: int
    memberships_trained: int
    committees: int
    committees_compliant: int
    people_trained: int
    # Committees without a member who must be trained: never compliant (see compliance).
    committees_incomplete: int = 0

    @property
    def membership_share(self) -> float | None:
        return _share(self.memberships_trained, self.memberships)

    @property
    def committee_share(self) -> float | None:
        return _share(self.committees_compliant, self.committees)


def _as_date(value: Any) -> datetime.date:
    return value.date() if isinstance(value, datetime.datetime) else value


def quarterly_figures(
    departments: QuerySet[Department], today: datetime.date, first_year: int = FIRST_YEAR
) -> list[QuarterFigures]:
    """Per quarter since `first_year`: memberships and committees by interview date,
    people trained by session date. Three queries in all.

    The trained status of each membership is asked once; a committee's compliance is
    derived from its own memberships (all of them trained) rather than asked again per
    committee, which at ten times the data halved the cost of this page. A committee
    with no required member has no rows here: it is incomplete, never compliant.
    """
    since = datetime.date(first_year, 1, 1)
    until = Quarter.containing(today).end
    per_committee = (
        required_memberships()
        .filter(committee__department__in=departments)
        .filter(committee__interview_date__range=(since, until))
        .annotate(trained=compliance.membership_trained())
        .annotate(quarter=TruncQuarter("committee__interview_date"))
        .values("quarter", "committee")
        .annotate(total=Count("pk"), trained_total=Count("pk", filter=Q(trained=True)))
        .order_by()
    )
    committees = (
        SelectionCommittee.objects.filter(department__in=departments)
        .active()
        .interviewing_between(since, until)
        .annotate(quarter=TruncQuarter("interview_date"))
        .values("quarter")
        .annotate(total=Count("pk"))
        .order_by()
    )
    people = (
        TrainingCompletion.objects.attended()
        .filter(person__department__in=departments, session__date__range=(since, until))
        .annotate(quarter=TruncQuarter("session__date"))
        .values("quarter")
        .annotate(total=Count("person", distinct=True))
    )
    memberships: dict[datetime.date, int] = defaultdict(int)
    trained: dict[datetime.date, int] = defaultdict(int)
    compliant: dict[datetime.date, int] = defaultdict(int)
    with_required: dict[datetime.date, int] = defaultdict(int)
    for row in per_committee:
        start = _as_date(row["quarter"])
        memberships[start] += row["total"]
        trained[start] += row["trained_total"]
        compliant[start] += row["trained_total"] == row["total"]
        with_required[start] += 1
    by_committee = {_as_date(r["quarter"]): r["total"] for r in committees}
    by_people = {_as_date(r["quarter"]): r["total"] for r in people}
    figures = []
    for quarter in quarters_since(first_year, today):
        committee_count = by_committee.get(quarter.start, 0)
        figures.append(
            QuarterFigures(
                quarter=quarter,
                memberships=memberships[quarter.start],
                memberships_trained=trained[quarter.start],
                committees=committee_count,
                committees_compliant=compliant[quarter.start],
                people_trained=by_people.get(quarter.start, 0),
                committees_incomplete=committee_count - with_required[quarter.start],
            )
        )
    return figures


@dataclass(frozen=True)
class DepartmentFigures:
    department: Department
    memberships: int
    memberships_trained: int
    committees: int
    committees_compliant: int
    committees_incomplete: int = 0

    @property
    def membership_share(self) -> float | None:
        return _share(self.memberships_trained, self.memberships)

    @property
    def committee_share(self) -> float | None:
        return _share(self.committees_compliant, self.committees)


def overview(
    departments: QuerySet[Department], start: datetime.date, end: datetime.date
) -> list[DepartmentFigures]:
    """This period's figures for each department (bureau overview): two grouped queries."""
    memberships = (
        required_memberships()
        .filter(committee__interview_date__range=(start, end))
        .annotate(trained=compliance.membership_trained())
        .values("committee__department")
        .annotate(total=Count("pk"), trained_total=Count("pk", filter=Q(trained=True)))
    )
    committees = (
        SelectionCommittee.objects.active()
        .interviewing_between(start, end)
        .with_compliance()
        .values("department")
        .annotate(
            total=Count("pk"),
            compliant=Count("pk", filter=Q(is_compliant=True)),
            incomplete=Count("pk", filter=Q(is_incomplete=True)),
        )
    )
    by_membership = {r["committee__department"]: r for r in memberships}
    by_committee = {r["department"]: r for r in committees}
    rows = []
    for department in departments:
        m = by_membership.get(department.pk, {})
        c = by_committee.get(department.pk, {})
        rows.append(
            DepartmentFigures(
                department=department,
                memberships=m.get("total", 0),
                memberships_trained=m.get("trained_total", 0),
                committees=c.get("total", 0),
                committees_compliant=c.get("compliant", 0),
                committees_incomplete=c.get("incomplete", 0),
            )
        )
    return rows


@dataclass(frozen=True)
class WhatIfRow:
    department: Department
    confirmed: int
    would_block: int
    would_ask_justification: int


def what_if_strict(
    departments: QuerySet[Department], start: datetime.date, end: datetime.date
) -> list[WhatIfRow]:
    """Per department: confirmed/held committees in the period that `strict` would have
    refused (a required member neither trained nor registered on or before the interview
    date, or no required member at all: an incomplete committee is refused in every mode),
    and those `justify` would have asked a reason for (a required member untrained).
    """
    required = CommitteeMembership.objects.filter(
        committee=OuterRef("pk"), role__in=compliance.required_roles()
    )
    person, on_date = OuterRef("person"), OuterRef("committee__interview_date")
    unplanned = required.filter(
        ~compliance.trained_before(person, on_date), ~compliance.registered_before(person, on_date)
    )
    untrained = required.filter(~compliance.trained_before(person, on_date))
    counts = (
        SelectionCommittee.objects.filter(
            status__in=[CommitteeStatus.CONFIRMED, CommitteeStatus.HELD]
        )
        .interviewing_between(start, end)
        .annotate(
            blocked=Exists(unplanned),
            unjustified=Exists(untrained),
            incomplete=~Exists(required),
        )
        .values("department")
        .annotate(
            total=Count("pk"),
            blocked_total=Count("pk", filter=Q(blocked=True) | Q(incomplete=True)),
            untrained_total=Count("pk", filter=Q(unjustified=True)),
        )
    )
    by_department = {r["department"]: r for r in counts}
    rows = []
    for department in departments:
        r = by_department.get(department.pk, {})
        rows.append(
            WhatIfRow(
                department=department,
                confirmed=r.get("total", 0),
                would_block=r.get("blocked_total", 0),
                would_ask_justification=r.get("untrained_total", 0),
            )
        )
    return rows
