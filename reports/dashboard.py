"""Figures for the department dashboard, the bureau overview and the "what if strict" view.

The dashboard and the overview read the report's own selectors (reports.figures): the
same quarters, the same compliance rule and the same exact shares as the quarterly
reports, so a page can never say something its report row does not. Every figure is a
grouped query (per quarter and department), so the cost does not grow with the number
of committees.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.db.models.functions import ExtractQuarter, ExtractYear

from committees import compliance
from committees.models import CommitteeMembership, CommitteeStatus, SelectionCommittee
from departments.models import Department
from reports import figures
from reports.figures import with_training_data
from reports.quarters import Quarter

FIRST_YEAR = 2021


def quarters_since(first_year: int, today: datetime.date) -> list[Quarter]:
    quarter, last = Quarter(first_year, 1), Quarter.containing(today)
    result = []
    while (quarter.year, quarter.number) <= (last.year, last.number):
        result.append(quarter)
        quarter = quarter.next()
    return result


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
    def membership_share(self) -> Decimal | None:
        """A fraction (0 to 1), as in the reports; shown with the `percent` filter."""
        return figures.share(self.memberships_trained, self.memberships)

    @property
    def committee_share(self) -> Decimal | None:
        return figures.share(self.committees_compliant, self.committees)


def _per_quarter(rows: dict[tuple[figures.Key, int], dict[str, int]]) -> dict[str, dict[str, int]]:
    """The report's (quarter, department) figures added up per quarter ("2025Q4")."""
    totals: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for ((year, number), _department), counts in rows.items():
        for name, value in counts.items():
            totals[str(Quarter(year, number))][name] += value
    return totals


def quarterly_figures(
    departments: QuerySet[Department], today: datetime.date, first_year: int = FIRST_YEAR
) -> list[QuarterFigures]:
    """Per quarter since `first_year`, up to today's: memberships and committees by
    interview date, people trained by session date (three queries, the reports' own)."""
    quarters = quarters_since(first_year, today)
    first, last = quarters[0], quarters[-1]
    committees = _per_quarter(figures.committees_by_department(first, last, departments))
    memberships = _per_quarter(figures.memberships_by_department(first, last, departments))
    people = _per_quarter(figures.people_by_department(first, last, departments))
    result = []
    for quarter in quarters:
        c, m = committees[str(quarter)], memberships[str(quarter)]
        result.append(
            QuarterFigures(
                quarter=quarter,
                memberships=m["memberships"],
                memberships_trained=m["trained"],
                committees=c["committees"],
                committees_compliant=c["compliant"],
                people_trained=people[str(quarter)]["trained"],
                committees_incomplete=c["incomplete"],
            )
        )
    return result


@dataclass(frozen=True)
class DepartmentFigures:
    department: Department
    memberships: int
    memberships_trained: int
    committees: int
    committees_compliant: int
    committees_incomplete: int = 0
    # False: outside the tender and no trainings registered in the app ("no data").
    has_training_data: bool = True

    @property
    def membership_share(self) -> Decimal | None:
        if not self.has_training_data:
            return None
        return figures.share(self.memberships_trained, self.memberships)

    @property
    def committee_share(self) -> Decimal | None:
        if not self.has_training_data:
            return None
        return figures.share(self.committees_compliant, self.committees)


def overview(departments: QuerySet[Department], quarter: Quarter) -> list[DepartmentFigures]:
    """A quarter's figures for each department (the bureau's home page): the report's
    selectors, two grouped queries."""
    key = (quarter.year, quarter.number)
    committees = figures.committees_by_department(quarter, quarter, departments)
    memberships = figures.memberships_by_department(quarter, quarter, departments)
    with_data = with_training_data(quarter.start, quarter.end)
    rows = []
    for department in departments:
        c = committees.get((key, department.pk), {})
        m = memberships.get((key, department.pk), {})
        rows.append(
            DepartmentFigures(
                department=department,
                memberships=m.get("memberships", 0),
                memberships_trained=m.get("trained", 0),
                committees=c.get("committees", 0),
                committees_compliant=c.get("compliant", 0),
                committees_incomplete=c.get("incomplete", 0),
                has_training_data=department.pk in with_data,
            )
        )
    return rows


@dataclass(frozen=True)
class WhatIfRow:
    department: Department
    confirmed: int
    would_block: int
    would_ask_justification: int
    # False: no trainings in the app, so every committee would look blocked; such a row
    # is marked "no data" and left out of the totals.
    has_training_data: bool = True


def what_if_totals(rows: list[WhatIfRow]) -> dict[str, Any]:
    """The totals over the departments with training data, and the codes left out."""
    covered = [r for r in rows if r.has_training_data]
    return {
        "total_confirmed": sum(r.confirmed for r in covered),
        "total_asked": sum(r.would_ask_justification for r in covered),
        "total_blocked": sum(r.would_block for r in covered),
        "without_data": [r.department.code for r in rows if not r.has_training_data],
    }


def what_if_counts(
    start: datetime.date, end: datetime.date, departments: QuerySet[Department] | None = None
) -> dict[tuple[figures.Key, int], dict[str, int]]:
    """Per (quarter, department): confirmed/held committees in the period, those `strict`
    would have refused (a required member neither trained nor registered on or before the
    interview date, or no required member at all: an incomplete committee is refused in
    every mode), and those `justify` would have asked a reason for (a required member
    untrained). One grouped query.

    Compliance and incompleteness come from `with_compliance`, as in the reports; only
    "neither trained nor registered" is this page's own question.
    """
    required = CommitteeMembership.objects.filter(
        committee=OuterRef("pk"), role__in=compliance.required_roles()
    )
    person, on_date = OuterRef("person"), OuterRef("committee__interview_date")
    unplanned = required.filter(
        ~compliance.trained_before(person, on_date), ~compliance.registered_before(person, on_date)
    )
    scope = {} if departments is None else {"department__in": departments}
    counts = (
        SelectionCommittee.objects.filter(
            status__in=[CommitteeStatus.CONFIRMED, CommitteeStatus.HELD], **scope
        )
        .interviewing_between(start, end)
        .with_compliance()
        .annotate(
            blocked=Exists(unplanned),
            y=ExtractYear("interview_date"),
            q=ExtractQuarter("interview_date"),
        )
        .values("y", "q", "department")
        .annotate(
            total=Count("pk"),
            blocked_total=Count("pk", filter=Q(blocked=True) | Q(is_incomplete=True)),
            untrained_total=Count("pk", filter=Q(is_compliant=False, is_incomplete=False)),
        )
        .order_by()
    )
    return {
        ((r["y"], r["q"]), r["department"]): {
            "confirmed": r["total"],
            "would_block": r["blocked_total"],
            "would_ask": r["untrained_total"],
        }
        for r in counts
    }


def what_if_rows(
    departments: QuerySet[Department],
    counts: Mapping[int, Mapping[str, int]],
    with_data: set[int],
) -> list[WhatIfRow]:
    return [
        WhatIfRow(
            department=department,
            confirmed=counts.get(department.pk, {}).get("confirmed", 0),
            would_block=counts.get(department.pk, {}).get("would_block", 0),
            would_ask_justification=counts.get(department.pk, {}).get("would_ask", 0),
            has_training_data=department.pk in with_data,
        )
        for department in departments
    ]


def what_if_strict(
    departments: QuerySet[Department], start: datetime.date, end: datetime.date
) -> list[WhatIfRow]:
    """Per department, computed from the data (the page reads the stored figures,
    reports.stored): see `what_if_counts`."""
    by_department: dict[int, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for (_key, department), counts in what_if_counts(start, end, departments).items():
        for name, value in counts.items():
            by_department[department][name] += value
    return what_if_rows(departments, by_department, with_training_data(start, end))
