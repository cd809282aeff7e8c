"""Stored supplier figures: computed when sessions, places or evaluations change, read
by the supplier comparison.

The comparison (page, three downloads, chart) once aggregated a year of sessions, places
and evaluations per request: 250-300 ms at the Rijk's scale, three quarters of it in the
database and in summing 35,000 rows of evaluations per session. Now each (quarter,
session supplier, programme version) has one row of sums (`StoredSupplierFigures`), and
the comparison adds up the rows of its period: one small query.

Sums only, so that quarters and versions add up: counts of sessions and places, and for
the scores (put on 1-10) the sums and sums of squares from which
`reports.supplier_comparison.Scores` computes the mean and its 95% interval.

The services that write sessions, places and evaluations call `trainings.touched` in
their own transaction; `on_touched` (registered in ReportsConfig.ready) recomputes the
quarters and suppliers they touched. A page view never writes. `supplier_figures_rebuild`
(part of `reports.stored.figures_rebuild` and `manage.py rebuild_figures`) recomputes
everything: after a deploy that changes a rule, or as a repair.

Late cancellations depend on LATE_CANCELLATION_DAYS: each row records the days it was
counted with, and the comparison counts them live (one query) for rows counted with
other days, until `rebuild_figures` has run.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass, fields
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import Count, DecimalField, Exists, F, Max, Min, OuterRef, Q, QuerySet, Sum
from django.db.models.functions import ExtractQuarter, ExtractYear

from reports.figures import min_responses
from reports.meetings import late_cancellation_days
from reports.models import SUM_DECIMALS, StoredSupplierFigures
from reports.quarters import Quarter
from reports.stored import lock_refreshes
from trainings.models import CompletionStatus, Evaluation, TrainingCompletion, TrainingSession

# (year, quarter number, session supplier id, session programme id)
Key = tuple[int, int, int, int]
Sums = dict[str, Any]

# What a stored decimal keeps: the rows are compared with a recomputation exactly.
_PLACES = Decimal(10) ** -SUM_DECIMALS
_DECIMALS = (
    "total",
    "individual_total",
    "individual_squares",
    "within_squares",
    "aggregate_squares",
)
_SQL_SUMS: DecimalField[Decimal, Decimal] = DecimalField(max_digits=24, decimal_places=4)
_GROUP = ("y", "q", "by_supplier", "by_programme")


# Student's t, 97.5th percentile (two-sided 95%), by degrees of freedom 1-30.
_T975 = (
    12.7062, 4.3027, 3.1824, 2.7764, 2.5706, 2.4469, 2.3646, 2.3060, 2.2622, 2.2281,
    2.2010, 2.1788, 2.1604, 2.1448, 2.1314, 2.1199, 2.1098, 2.1009, 2.0930, 2.0860,
    2.0796, 2.0739, 2.0687, 2.0639, 2.0595, 2.0555, 2.0518, 2.0484, 2.0452, 2.0423,
)  # fmt: skip
_Z975 = 1.959963985


def t_975(df: int) -> Decimal:
    """Student's t quantile for a two-sided 95% interval with `df` degrees of freedom.

    A table up to 30, then the Cornish-Fisher expansion around the normal quantile
    (off by less than 0.0001 from 31 on): the project has no SciPy, and needs no more.
    """
    if df < 1:
        raise ValueError("a t quantile needs at least one degree of freedom")
    if df <= len(_T975):
        return Decimal(str(_T975[df - 1]))
    z, n = _Z975, float(df)
    value = (
        z
        + (z**3 + z) / (4 * n)
        + (5 * z**5 + 16 * z**3 + 3 * z) / (96 * n**2)
        + (3 * z**7 + 19 * z**5 + 17 * z**3 - 15 * z) / (384 * n**3)
    )
    return Decimal(str(round(value, 6)))


@dataclass
class Scores:
    """The normalised (1-10) scores of one group, as sums that add up over quarters and
    versions: the mean and its interval follow from them without every single score.

    Individual scores give their count, sum and sum of squares, and the spread within
    their sessions (the sum of squares about each session's own mean, and its df). Of an
    aggregate evaluation only its responses n and mean m are known: they give n, n * m
    (in `total`), n * m^2 and n - 1.
    """

    responses: int = 0
    total: Decimal = Decimal(0)
    individual: int = 0
    individual_total: Decimal = Decimal(0)
    individual_squares: Decimal = Decimal(0)
    within_squares: Decimal = Decimal(0)
    within_df: int = 0
    aggregate_squares: Decimal = Decimal(0)
    aggregate_df: int = 0

    @classmethod
    def from_sums(cls, sums: Mapping[str, Any]) -> Scores:
        return cls(**{name: sums[name] for name in SCORE_SUMS})

    def sums(self) -> Sums:
        return {name: getattr(self, name) for name in SCORE_SUMS}

    def add(self, other: Scores) -> None:
        for name in SCORE_SUMS:
            setattr(self, name, getattr(self, name) + getattr(other, name))

    def add_session(self, count: int, total: Decimal, squares: Decimal | None) -> None:
        """One session's responses: individual scores (with their sum of squares) or an
        aggregate evaluation (`squares` None: the spread of its responses is unknown)."""
        self.responses += count
        self.total += total
        if squares is None:
            self.aggregate_squares += total * total / count  # n * m^2
            self.aggregate_df += count - 1
            return
        self.individual += count
        self.individual_total += total
        self.individual_squares += squares
        self.within_squares += squares - total * total / count
        self.within_df += count - 1

    @property
    def mean(self) -> Decimal | None:
        """The mean, or None when it rests on fewer than REPORT_MIN_RESPONSES responses."""
        if not self.responses or self.responses < min_responses():
            return None
        return self.total / self.responses

    def interval(self) -> tuple[Decimal, Decimal] | None:
        """The 95% t-interval of the mean of the individual normalised scores.

        s^2 = SS / (n - 1) with n all responses. Individual scores add their own squared
        deviations. An aggregate of n_j responses with mean m_j adds n_j (m_j - mean)^2,
        which is exact, plus (n_j - 1) times the spread of scores within a session: unknown
        for an aggregate, so the pooled within-session variance of this group's sessions
        with individual scores stands in. Without such sessions the interval is unknown
        (None); treating an aggregate as n_j equal scores would make it far too narrow.
        Summed over the aggregates: sum n_j m_j^2 - 2 mean sum n_j m_j + mean^2 sum n_j,
        plus sum (n_j - 1) times that spread.
        """
        mean = self.mean
        if mean is None or self.responses < 2:
            return None
        squares = (
            self.individual_squares
            - 2 * mean * self.individual_total
            + self.individual * mean * mean
        )
        if self.aggregate_df and not self.within_df:
            return None
        within = self.within_squares / self.within_df if self.within_df else Decimal(0)
        aggregated = self.responses - self.individual
        squares += (
            self.aggregate_squares
            - 2 * mean * (self.total - self.individual_total)
            + aggregated * mean * mean
            + self.aggregate_df * within
        )
        variance = max(squares, Decimal(0)) / (self.responses - 1)
        half = t_975(self.responses - 1) * (variance / self.responses).sqrt()
        return (max(mean - half, Decimal(1)), min(mean + half, Decimal(10)))


SCORE_SUMS = tuple(f.name for f in fields(Scores))


def held_sessions(first: Quarter, last: Quarter) -> QuerySet[TrainingSession]:
    """The sessions the comparison reads: held in the period by a supplier (not
    cancelled, not a training entered by hand)."""
    return TrainingSession.objects.filter(
        cancelled=False, entered_by_hand=False, date__gte=first.start, date__lte=last.end
    )


def _zeros() -> Sums:
    sums: Sums = dict.fromkeys(StoredSupplierFigures.SUMS, 0)
    sums.update(dict.fromkeys(_DECIMALS, Decimal(0)))
    sums["late_days"] = late_cancellation_days()
    return sums


def _in_quarters(queryset: QuerySet[Any], prefix: str) -> QuerySet[Any]:
    return queryset.annotate(
        y=ExtractYear(f"{prefix}date"),
        q=ExtractQuarter(f"{prefix}date"),
        # Not "supplier" and "programme": a session has fields of those names.
        by_supplier=F(f"{prefix}supplier"),
        by_programme=F(f"{prefix}programme"),
    )


def supplier_figures_compute(
    first: Quarter, last: Quarter, suppliers: Collection[int] | None = None
) -> dict[Key, Sums]:
    """Every stored sum per (quarter, supplier, programme) from the data (4 grouped
    queries); `suppliers`: only the sessions of these suppliers."""
    sessions = held_sessions(first, last)
    if suppliers is not None:
        sessions = sessions.filter(supplier__in=suppliers)
    result: dict[Key, Sums] = defaultdict(_zeros)
    for r in (
        _in_quarters(sessions, "")
        .values(*_GROUP)
        .annotate(n=Count("pk"), places=Sum("capacity"))
        .order_by()
    ):
        result[_key(r)].update(sessions=r["n"], capacity=r["places"] or 0)
    completions = TrainingCompletion.objects.counted().filter(session__in=sessions)
    for r in (
        _in_quarters(completions, "session__")
        .values(*_GROUP)
        .annotate(
            a=Count("pk", filter=Q(status=CompletionStatus.ATTENDED)),
            n=Count("pk", filter=Q(status=CompletionStatus.NO_SHOW)),
        )
        .order_by()
    ):
        result[_key(r)].update(attended=r["a"], no_shows=r["n"])
    for key, late in late_cancellations(completions).items():
        result[key]["late_cancellations"] = late
    _add_scores(sessions, result)
    for sums in result.values():
        for name in _DECIMALS:
            sums[name] = sums[name].quantize(_PLACES)
    return dict(result)


def _key(row: dict[str, Any]) -> Key:
    return (row["y"], row["q"], row["by_supplier"], row["by_programme"])


def late_cancellations(completions: QuerySet[TrainingCompletion]) -> dict[Key, int]:
    """Late-cancelled places per (quarter, supplier, programme) (1 query), as the
    quarterly reports count them (TrainingCompletionQuerySet.late_cancellations)."""
    rows = (
        _in_quarters(
            completions.late_cancellations(late_cancellation_days()),  # type: ignore[attr-defined]
            "session__",
        )
        .values(*_GROUP)
        .annotate(n=Count("pk"))
        .order_by()
    )
    return {_key(r): r["n"] for r in rows}


def _add_scores(sessions: QuerySet[TrainingSession], result: dict[Key, Sums]) -> None:
    """Add the normalised scores of `sessions` to `result` (1 query).

    A session's aggregate evaluation, when it has one, stands for all its responses, as
    in the quarterly reports; otherwise its participants' own scores count. The sums go
    per session first: the spread within a session, and an aggregate's mean, need them.
    """
    aggregate = Evaluation.objects.filter(session=OuterRef("session"), person__isnull=True)
    rows = (
        _in_quarters(
            Evaluation.objects.filter(session__in=sessions).filter(
                Q(person__isnull=True) | ~Exists(aggregate)
            ),
            "session__",
        )
        .values(*_GROUP, "session", "scale")
        .annotate(
            is_aggregate=Count("pk", filter=Q(person__isnull=True)),
            count=Sum("response_count"),
            total=Sum(F("score") * F("response_count"), output_field=_SQL_SUMS),
            squares=Sum(F("score") * F("score"), output_field=_SQL_SUMS),
        )
        .order_by()
    )
    per_session: dict[tuple[Key, int], list[Decimal]] = defaultdict(
        lambda: [Decimal(0), Decimal(0), Decimal(0), Decimal(0)]
    )
    for r in rows:
        # x = a + b * s puts s on 1-10; sums of x and x^2 follow from sums of s and s^2.
        b = Decimal(9) / Decimal(r["scale"] - 1)
        a, n = 1 - b, Decimal(r["count"])
        entry = per_session[(_key(r), r["session"])]
        entry[0] += n
        entry[1] += n * a + b * r["total"]
        entry[2] += n * a * a + 2 * a * b * r["total"] + b * b * r["squares"]
        entry[3] += r["is_aggregate"]
    scores: dict[Key, Scores] = defaultdict(Scores)
    for (key, _session), (n, total, squares, is_aggregate) in per_session.items():
        scores[key].add_session(int(n), total, None if is_aggregate else squares)
    for key, found in scores.items():
        result[key].update(found.sums())


# --- Keeping them -------------------------------------------------------------------------


@transaction.atomic
def supplier_figures_refresh(
    *, first: Quarter, last: Quarter, suppliers: Collection[int] | None = None
) -> int:
    """Recompute the stored figures of the quarters `first` to `last` of `suppliers`
    (None: all), in the caller's transaction; returns the rows kept."""
    lock_refreshes()
    computed = supplier_figures_compute(first, last, suppliers)
    stale = StoredSupplierFigures.objects.between(first, last)
    if suppliers is not None:
        stale = stale.filter(supplier__in=suppliers)
    stale.delete()
    StoredSupplierFigures.objects.bulk_create(
        StoredSupplierFigures(year=y, number=q, supplier_id=s, programme_id=p, **sums)
        for (y, q, s, p), sums in computed.items()
    )
    return len(computed)


@transaction.atomic
def supplier_figures_rebuild() -> int:
    """Recompute every stored supplier figure from the data (idempotent); returns the rows."""
    lock_refreshes()
    bounds = TrainingSession.objects.aggregate(first=Min("date"), last=Max("date"))
    StoredSupplierFigures.objects.all().delete()
    if bounds["first"] is None:
        return 0
    return supplier_figures_refresh(
        first=Quarter.containing(bounds["first"]), last=Quarter.containing(bounds["last"])
    )


def on_touched(keys: frozenset[tuple[datetime.date, int]] | None) -> None:
    """The callback registered with trainings.touched (see ReportsConfig.ready): the
    quarters from the first to the last touched, of the suppliers touched."""
    if keys is None:
        supplier_figures_rebuild()
        return
    dates = [date for date, _supplier in keys]
    supplier_figures_refresh(
        first=Quarter.containing(min(dates)),
        last=Quarter.containing(max(dates)),
        suppliers={supplier for _date, supplier in keys},
    )


# --- Reading (the comparison) ---------------------------------------------------------


def stored_supplier_rows(first: Quarter, last: Quarter) -> list[dict[str, Any]]:
    """The stored rows of the period with the names the comparison shows (1 query); late
    cancellations counted with other days than today's setting are counted again (1 more
    query, only then)."""
    rows = list(
        StoredSupplierFigures.objects.between(first, last)
        .values(
            "supplier",
            "supplier__name",
            "programme",
            "programme__supplier__name",
            "programme__name",
            "programme__version",
            *StoredSupplierFigures.SUMS,
        )
        .order_by()
    )
    days = late_cancellation_days()
    if any(r["late_days"] != days for r in rows):
        _late_again(first, last, rows)
    return rows


def _late_again(first: Quarter, last: Quarter, rows: Iterable[dict[str, Any]]) -> None:
    completions = TrainingCompletion.objects.counted().filter(
        session__in=held_sessions(first, last)
    )
    late: dict[tuple[int, int], int] = defaultdict(int)
    for (_y, _q, supplier, programme), n in late_cancellations(completions).items():
        late[(supplier, programme)] += n
    # The period's count goes to the first row of its supplier and programme, and 0 to
    # the others: the comparison only adds them up.
    for r in rows:
        r["late_cancellations"] = late.pop((r["supplier"], r["programme"]), 0)
