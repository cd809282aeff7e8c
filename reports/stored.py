"""Stored quarterly figures: computed when data change, read by the pages.

The department dashboard (every quarter since 2021), what-if-strict (four quarters) and
the bureau's home overview (this quarter) once recomputed the compliance rule over every
membership of those quarters on each view. Now each (quarter, department) has one row of
counts (`StoredFigures`), computed by the same selectors as the reports
(reports.figures, reports.dashboard.what_if_counts), and the pages read those rows.

Past quarters still change (late imports, hand entries, committee corrections,
retention), so every service that writes calls `departments.touched.figures_touched`
in its own transaction; the callback registered in ReportsConfig.ready lands here and
recomputes the quarters and departments touched. A page view never writes.

The open quarter is stored as well, not computed live: the writes refresh it like any
other, and live it cost as much as the home overview did before (the rule over a
quarter's memberships of every department).

`figures_rebuild` recomputes everything: after a deploy that changes a rule, or as a
repair (`manage.py rebuild_figures`).
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable

from django.db import connection, transaction
from django.db.models import Count, Max, Min, Q, QuerySet
from django.db.models.functions import ExtractQuarter, ExtractYear
from django.utils import timezone

from committees.models import CommitteeMembership, SelectionCommittee
from departments.models import Department, Person
from departments.touched import data_versions_bump
from reports import dashboard, figures
from reports.models import StoredFigures
from reports.quarters import Quarter
from trainings.models import TrainingCompletion, TrainingSession

Counts = dict[tuple[figures.Key, int], dict[str, int]]
# Any number: the key of the PostgreSQL advisory lock that orders the refreshes.
_LOCK_KEY = 712_012


def figures_compute(
    first: Quarter, last: Quarter, departments: QuerySet[Department] | None = None
) -> Counts:
    """Every stored count per (quarter, department), from the data (four grouped queries)."""
    result: Counts = defaultdict(lambda: dict.fromkeys(StoredFigures.COUNTS, 0))
    for key, c in figures.committees_by_department(first, last, departments).items():
        result[key].update(
            committees=c["committees"],
            compliant=c["compliant"],
            incomplete=c["incomplete"],
            justified=c["justified"],
        )
    for key, m in figures.memberships_by_department(first, last, departments).items():
        result[key].update(memberships=m["memberships"], trained=m["trained"])
    for key, p in figures.people_by_department(first, last, departments).items():
        result[key].update(
            people_trained=p["trained"], people_by_hand=p["by_hand"], no_shows=p["no_shows"]
        )
    for key, w in dashboard.what_if_counts(first.start, last.end, departments).items():
        result[key].update(w)
    for key, completions in _completions(first, last, departments).items():
        result[key]["completions"] = completions
    return dict(result)


def _completions(
    first: Quarter, last: Quarter, departments: QuerySet[Department] | None
) -> dict[tuple[figures.Key, int], int]:
    """Counted completions in any state per (session quarter, person's department), as
    `figures.with_training_data` asks (1 query)."""
    rows = (
        TrainingCompletion.objects.counted()
        .filter(session__date__gte=first.start, session__date__lte=last.end)
        .filter(**({} if departments is None else {"person__department__in": departments}))
        .annotate(y=ExtractYear("session__date"), q=ExtractQuarter("session__date"))
        .values("y", "q", "person__department")
        .annotate(n=Count("pk"))
        .order_by()
    )
    return {((r["y"], r["q"]), r["person__department"]): r["n"] for r in rows}


def with_training_data(start: datetime.date, end: datetime.date) -> set[int]:
    """`figures.with_training_data` from the stored figures and the tenders (2 small
    queries instead of an EXISTS over every completion of each department)."""
    last = Quarter.containing(end)
    registering = (
        StoredFigures.objects.filter(completions__gt=0)
        .filter(Q(year__lt=last.year) | Q(year=last.year, number__lte=last.number))
        .values_list("department", flat=True)
        .distinct()
    )
    return set(registering) | figures.tender_departments_between(start, end)


def _data_bounds() -> tuple[Quarter, Quarter] | None:
    """The first and last quarter with committees or sessions, the last at least today's."""
    committees = SelectionCommittee.objects.aggregate(
        first=Min("interview_date"), last=Max("interview_date")
    )
    sessions = TrainingSession.objects.aggregate(first=Min("date"), last=Max("date"))
    firsts = [d for d in (committees["first"], sessions["first"]) if d is not None]
    if not firsts:
        return None
    lasts = [d for d in (committees["last"], sessions["last"], timezone.localdate()) if d]
    return Quarter.containing(min(firsts)), Quarter.containing(max(lasts))


def _scope(
    departments: frozenset[int], people: frozenset[int], since: datetime.date | None
) -> QuerySet[Department] | None:
    """The departments whose figures `people` and `departments` touch (None: all).

    A person's training counts for their own department (people trained) and for the
    department of every committee they sit on from then on (trained memberships).
    """
    if not departments and not people:
        return None
    ids = set(departments)
    if people:
        ids |= set(Person.objects.filter(pk__in=people).values_list("department", flat=True))
        sits = CommitteeMembership.objects.filter(person__in=people)
        if since is not None:
            sits = sits.filter(committee__interview_date__gte=since)
        ids |= set(sits.values_list("committee__department", flat=True).distinct())
    return Department.objects.filter(pk__in=sorted(ids))


def lock_refreshes() -> None:
    """Refreshes one at a time, until the end of the transaction: a refresh that waited
    computes after the other's commit, so it sees that data too (READ COMMITTED) and the
    last one to commit leaves figures that count everything."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_LOCK_KEY])


@transaction.atomic
def figures_refresh(
    *,
    since: datetime.date | None = None,
    until: datetime.date | None = None,
    departments: frozenset[int] = frozenset(),
    people: frozenset[int] = frozenset(),
) -> int:
    """Recompute the stored figures of the quarters from `since` to `until` (None: from
    the first, to the last with data) for the departments touched; returns the rows kept.

    Also raises the data versions of those departments: the dashboard caches what it
    shows of the same data under them (a rebuild after a new rule included).
    """
    lock_refreshes()
    scope = _scope(departments, people, since)
    data_versions_bump(departments=None if scope is None else [d.pk for d in scope])
    bounds = _data_bounds()
    if bounds is None:
        StoredFigures.objects.all().delete()
        return 0
    first = Quarter.containing(since) if since is not None else bounds[0]
    last = Quarter.containing(until) if until is not None else max(bounds[1], first)
    computed = figures_compute(first, last, scope)
    # Without bounds every row of the scope goes, also rows outside the data (a repair).
    everything = since is None and until is None
    stale = (
        StoredFigures.objects.all() if everything else StoredFigures.objects.between(first, last)
    )
    if scope is not None:
        stale = stale.filter(department__in=scope)
    stale.delete()
    StoredFigures.objects.bulk_create(
        [
            StoredFigures(department_id=department, year=key[0], number=key[1], **counts)
            for (key, department), counts in computed.items()
        ]
    )
    return len(computed)


@transaction.atomic
def figures_rebuild() -> int:
    """Recompute every stored figure from the data, per department and per supplier
    (idempotent); returns the rows."""
    # Here, not at the top: reports.supplier_figures shares this module's lock.
    from reports.supplier_figures import supplier_figures_rebuild

    return figures_refresh() + supplier_figures_rebuild()


def on_touched(
    since: datetime.date | None,
    until: datetime.date | None,
    departments: frozenset[int],
    people: frozenset[int],
) -> None:
    """The callback registered with departments.touched (see ReportsConfig.ready): the
    stored figures, and the data versions of the same departments (what the dashboard
    caches; it shows what the figures count)."""
    figures_refresh(since=since, until=until, departments=departments, people=people)
    scope = _scope(departments, people, since)
    data_versions_bump(departments=None if scope is None else scope.values_list("pk", flat=True))


# --- Reading (the pages) ------------------------------------------------------------------


def stored_counts(
    first: Quarter, last: Quarter, departments: QuerySet[Department] | Iterable[Department]
) -> Counts:
    """The stored counts per (quarter, department) (1 query); missing rows are zeros."""
    rows = (
        StoredFigures.objects.between(first, last)
        .filter(department__in=departments)
        .values_list("year", "number", "department_id", *StoredFigures.COUNTS)
    )
    # Plain tuples, not model instances: every page reads these, most of all the dashboard.
    return {
        ((year, number), department): dict(zip(StoredFigures.COUNTS, counts, strict=True))
        for year, number, department, *counts in rows
    }


def _zeros() -> dict[str, int]:
    return dict.fromkeys(StoredFigures.COUNTS, 0)


def quarterly_figures(
    departments: QuerySet[Department] | Iterable[Department],
    today: datetime.date,
    first_year: int = dashboard.FIRST_YEAR,
) -> list[dashboard.QuarterFigures]:
    """`dashboard.quarterly_figures`, read from the stored figures (1 query)."""
    quarters = dashboard.quarters_since(first_year, today)
    totals: dict[figures.Key, dict[str, int]] = defaultdict(_zeros)
    for (key, _department), counts in stored_counts(quarters[0], quarters[-1], departments).items():
        for name, value in counts.items():
            totals[key][name] += value
    return [
        dashboard.QuarterFigures(
            quarter=quarter,
            memberships=totals[(quarter.year, quarter.number)]["memberships"],
            memberships_trained=totals[(quarter.year, quarter.number)]["trained"],
            committees=totals[(quarter.year, quarter.number)]["committees"],
            committees_compliant=totals[(quarter.year, quarter.number)]["compliant"],
            people_trained=totals[(quarter.year, quarter.number)]["people_trained"],
            committees_incomplete=totals[(quarter.year, quarter.number)]["incomplete"],
        )
        for quarter in quarters
    ]


def overview(
    departments: QuerySet[Department], quarter: Quarter
) -> list[dashboard.DepartmentFigures]:
    """`dashboard.overview`, read from the stored figures (3 small queries)."""
    key = (quarter.year, quarter.number)
    stored = stored_counts(quarter, quarter, departments)
    with_data = with_training_data(quarter.start, quarter.end)
    rows = []
    for department in departments:
        counts = stored.get((key, department.pk)) or _zeros()
        rows.append(
            dashboard.DepartmentFigures(
                department=department,
                memberships=counts["memberships"],
                memberships_trained=counts["trained"],
                committees=counts["committees"],
                committees_compliant=counts["compliant"],
                committees_incomplete=counts["incomplete"],
                has_training_data=department.pk in with_data,
            )
        )
    return rows


def what_if_strict(
    departments: QuerySet[Department], first: Quarter, last: Quarter
) -> list[dashboard.WhatIfRow]:
    """`dashboard.what_if_strict` over whole quarters, read from the stored figures
    (3 small queries)."""
    by_department: dict[int, dict[str, int]] = defaultdict(_zeros)
    for (_key, department), counts in stored_counts(first, last, departments).items():
        for name, value in counts.items():
            by_department[department][name] += value
    with_data = with_training_data(first.start, last.end)
    return dashboard.what_if_rows(departments, by_department, with_data)
