"""The supplier comparison for a tender: per supplier and per programme version, over a
chosen period of quarters.

The one place these figures are computed: the page, the three downloads and the chart all
read `supplier_comparison()`. Eight aggregate queries, whatever the number of suppliers,
versions or sessions: per grouping, sessions and places per group, late cancellations
per group, and evaluations per group and session (the interval needs the spread within
sessions).

Definitions (also in the README and in the report's explanations):

* *Sessions held*: sessions in the period, not cancelled, not entered by hand (a training
  recorded by hand is no session a supplier held). Places, no-shows and evaluations are
  read from the same sessions.
* *No-show rate*: no-show places divided by the places whose outcome is known (attended
  plus no-show), in places as everywhere in the reports.
* *Late-cancellation rate*: places cancelled within LATE_CANCELLATION_DAYS of the session
  (TrainingCompletion.status_changed_at), divided by the places booked (attended,
  no-show or cancelled late).
* *Mean score*: scores put on 1-10 linearly (`figures.ten_point`), weighted by responses,
  not shown below `REPORT_MIN_RESPONSES` responses; the 95% interval is explained in
  `Scores.interval`.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Count, DecimalField, Exists, F, OuterRef, Q, QuerySet, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from reports.figures import min_responses, share, threshold
from reports.meetings import late_cancellation_days
from reports.presentation.suppression import suppress
from reports.presentation.tables import (
    SUPPRESSED,
    CellValue,
    Chart,
    Column,
    Explanation,
    Number,
    Report,
    Row,
    Series,
    Suppressed,
    Table,
)
from reports.quarters import Quarter
from trainings.models import CompletionStatus, Evaluation, TrainingCompletion, TrainingSession

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
    """The normalised (1-10) scores of one group, split so that the interval can be
    computed without every individual score: sums per kind of evaluation."""

    responses: int = 0
    total: Decimal = Decimal(0)
    # Individual scores: their count, sum and sum of squares, and the spread within
    # their sessions (sum of squares about each session's own mean, and its df).
    individual: int = 0
    individual_total: Decimal = Decimal(0)
    individual_squares: Decimal = Decimal(0)
    within_squares: Decimal = Decimal(0)
    within_df: int = 0
    # Aggregate evaluations: (responses, mean) per session; only the mean is known.
    aggregates: list[tuple[int, Decimal]] = field(default_factory=list)

    def add_session(self, count: int, total: Decimal, squares: Decimal | None) -> None:
        """One session's responses: individual scores (with their sum of squares) or an
        aggregate evaluation (`squares` None: the spread of its responses is unknown)."""
        self.responses += count
        self.total += total
        if squares is None:
            self.aggregates.append((count, total / count))
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
        """
        mean = self.mean
        if mean is None or self.responses < 2:
            return None
        squares = (
            self.individual_squares
            - 2 * mean * self.individual_total
            + self.individual * mean * mean
        )
        spread_needed = any(count > 1 for count, _mean in self.aggregates)
        if spread_needed and not self.within_df:
            return None
        within = self.within_squares / self.within_df if self.within_df else Decimal(0)
        for count, session_mean in self.aggregates:
            squares += count * (session_mean - mean) ** 2 + (count - 1) * within
        variance = max(squares, Decimal(0)) / (self.responses - 1)
        half = t_975(self.responses - 1) * (variance / self.responses).sqrt()
        return (max(mean - half, Decimal(1)), min(mean + half, Decimal(10)))


@dataclass
class GroupFigures:
    """The raw figures of one supplier or programme version over the period."""

    name: tuple[str, ...]
    sessions: int = 0
    capacity: int = 0
    attended: int = 0
    no_shows: int = 0
    late_cancellations: int = 0
    scores: Scores = field(default_factory=Scores)


@dataclass(frozen=True)
class Grouping:
    """How rows are formed: the session field grouped on and the fields naming a row."""

    key: str
    path: str
    names: tuple[str, ...]


BY_SUPPLIER = Grouping("suppliers", "supplier", ("supplier__name",))
BY_VERSION = Grouping(
    "versions",
    "programme",
    ("programme__supplier__name", "programme__name", "programme__version"),
)


def held_sessions(first: Quarter, last: Quarter) -> QuerySet[TrainingSession]:
    """The sessions the comparison reads: held in the period by a supplier."""
    return TrainingSession.objects.filter(
        cancelled=False, entered_by_hand=False, date__gte=first.start, date__lte=last.end
    )


def late_cancellations(completions: QuerySet[TrainingCompletion], group: str) -> dict[Any, int]:
    """Late-cancelled places per group (1 query), as the quarterly reports count them
    (TrainingCompletionQuerySet.late_cancellations)."""
    rows = (
        completions.late_cancellations(late_cancellation_days())  # type: ignore[attr-defined]
        .values(group)
        .annotate(places=Count("pk"))
        .order_by()
    )
    return {r[group]: r["places"] for r in rows}


_SUMS: DecimalField[Decimal, Decimal] = DecimalField(max_digits=24, decimal_places=4)


def _scores(sessions: QuerySet[TrainingSession], grouping: Grouping) -> dict[Any, Scores]:
    """Per group, the normalised scores of its sessions (1 query).

    A session's aggregate evaluation, when it has one, stands for all its responses, as
    in the quarterly reports; otherwise its participants' own scores count.
    """
    aggregate = Evaluation.objects.filter(session=OuterRef("session"), person__isnull=True)
    rows = (
        Evaluation.objects.filter(session__in=sessions)
        .filter(Q(person__isnull=True) | ~Exists(aggregate))
        .values(f"session__{grouping.path}", "session", "scale")
        .annotate(
            is_aggregate=Count("pk", filter=Q(person__isnull=True)),
            count=Sum("response_count"),
            total=Sum(F("score") * F("response_count"), output_field=_SUMS),
            squares=Sum(F("score") * F("score"), output_field=_SUMS),
        )
        .order_by()
    )
    per_session: dict[tuple[Any, int], list[Decimal]] = defaultdict(
        lambda: [Decimal(0), Decimal(0), Decimal(0), Decimal(0)]
    )
    for r in rows:
        # x = a + b * s puts s on 1-10; sums of x and x^2 follow from sums of s and s^2.
        b = Decimal(9) / Decimal(r["scale"] - 1)
        a, n = 1 - b, Decimal(r["count"])
        entry = per_session[(r[f"session__{grouping.path}"], r["session"])]
        entry[0] += n
        entry[1] += n * a + b * r["total"]
        entry[2] += n * a * a + 2 * a * b * r["total"] + b * b * r["squares"]
        entry[3] += r["is_aggregate"]
    result: dict[Any, Scores] = defaultdict(Scores)
    for (group, _session), (n, total, squares, is_aggregate) in per_session.items():
        result[group].add_session(int(n), total, None if is_aggregate else squares)
    return dict(result)


def group_figures(first: Quarter, last: Quarter, grouping: Grouping) -> dict[Any, GroupFigures]:
    """Per supplier or programme version (by id), the figures of the period (4 queries)."""
    sessions = held_sessions(first, last)
    result: dict[Any, GroupFigures] = {}
    for r in (
        sessions.values(grouping.path, *grouping.names)
        .annotate(count=Count("pk"), capacity=Sum("capacity"))
        .order_by()
    ):
        result[r[grouping.path]] = GroupFigures(
            name=tuple(str(r[name] or "") for name in grouping.names),
            sessions=r["count"],
            capacity=r["capacity"] or 0,
        )
    completions = TrainingCompletion.objects.counted().filter(session__in=sessions)
    path = f"session__{grouping.path}"
    for r in (
        completions.values(path)
        .annotate(
            attended=Count("pk", filter=Q(status=CompletionStatus.ATTENDED)),
            no_shows=Count("pk", filter=Q(status=CompletionStatus.NO_SHOW)),
        )
        .order_by()
    ):
        result[r[path]].attended = r["attended"]
        result[r[path]].no_shows = r["no_shows"]
    late = late_cancellations(completions, path)
    for pk, figures in result.items():
        figures.late_cancellations = late.get(pk, 0)
    for pk, scores in _scores(sessions, grouping).items():
        result[pk].scores = scores
    return result


# --- The report ----------------------------------------------------------------------


# The confidence level, as text in labels ("95%"): not in a msgid, where "% i" would
# read as a format directive.
LEVEL = "95%"


def _low_label() -> str:
    return _("Lower bound (%(level)s)") % {"level": LEVEL}


def _high_label() -> str:
    return _("Upper bound (%(level)s)") % {"level": LEVEL}


def _late_column() -> Column:
    help_text = _(
        "Places cancelled %(days)s days or less before the session, or after it, divided "
        "by the places booked: filled, no-show or cancelled late."
    ) % {"days": late_cancellation_days()}
    return Column(
        "late_rate",
        _("Late-cancellation rate"),
        "percent",
        help=help_text,
        based_on=("attended", "no_shows"),
    )


def _columns(names: tuple[Column, ...]) -> tuple[Column, ...]:
    return (
        *names,
        Column("sessions", _("Sessions held"), "int"),
        Column("capacity", _("Places offered"), "int"),
        Column(
            "attended",
            _("Places filled"),
            "int",
            help=_("Attended places in the sessions held in the period."),
            count_of_people=True,
        ),
        Column(
            "no_shows",
            _("No-shows (places)"),
            "int",
            help=_(
                "Places booked in a session held in the period where the person did not "
                "come. A person who missed two sessions counts twice."
            ),
            count_of_people=True,
        ),
        Column(
            "no_show_rate",
            _("No-show rate"),
            "percent",
            help=_("No-shows divided by the places filled plus the no-shows."),
            based_on=("attended", "no_shows"),
        ),
        _late_column(),
        *_evaluation_columns(),
    )


def _evaluation_columns() -> tuple[Column, ...]:
    return (
        Column("responses", _("Responses"), "int", count_of_people=True),
        Column(
            "response_rate",
            _("Response rate"),
            "percent",
            help=_("Responses divided by the places filled."),
            based_on=("responses", "attended"),
        ),
        Column(
            "mean",
            _("Mean score (1-10)"),
            "decimal",
            help=_(
                "Mean score put on a 1-10 scale in a straight line, weighted by the number "
                "of responses. Not shown below %(minimum)s responses."
            )
            % {"minimum": min_responses()},
            based_on=("responses",),
        ),
        Column(
            "low",
            _low_label(),
            "decimal",
            help=_(
                "The %(level)s interval of the mean score: the range in which the mean "
                "of all participants lies, with %(level)s certainty."
            )
            % {"level": LEVEL},
            based_on=("responses",),
        ),
        Column("high", _high_label(), "decimal", based_on=("responses",)),
    )


def _cells(figures: GroupFigures) -> dict[str, CellValue]:
    interval = figures.scores.interval()
    booked = figures.attended + figures.no_shows + figures.late_cancellations
    late = share(figures.late_cancellations, booked)
    return {
        "sessions": figures.sessions,
        "capacity": figures.capacity,
        "attended": figures.attended,
        "no_shows": figures.no_shows,
        "no_show_rate": share(figures.no_shows, figures.attended + figures.no_shows),
        "late_rate": late,
        "responses": figures.scores.responses,
        "response_rate": share(figures.scores.responses, figures.attended),
        "mean": figures.scores.mean,
        "low": interval[0] if interval else None,
        "high": interval[1] if interval else None,
    }


def _total(groups: list[GroupFigures]) -> GroupFigures:
    total = GroupFigures(name=(_("Total"),))
    for figures in groups:
        total.sessions += figures.sessions
        total.capacity += figures.capacity
        total.attended += figures.attended
        total.no_shows += figures.no_shows
        total.late_cancellations += figures.late_cancellations
        scores = figures.scores
        total.scores.responses += scores.responses
        total.scores.total += scores.total
        total.scores.individual += scores.individual
        total.scores.individual_total += scores.individual_total
        total.scores.individual_squares += scores.individual_squares
        total.scores.within_squares += scores.within_squares
        total.scores.within_df += scores.within_df
        total.scores.aggregates += scores.aggregates
    return total


def comparison_table(
    figures: Mapping[Any, GroupFigures], names: tuple[Column, ...], key: str, title: str
) -> Table:
    """The declared table of one grouping, through the small-number suppression."""
    groups = sorted(figures.values(), key=lambda f: tuple(n.casefold() for n in f.name))
    keys = [column.key for column in names]
    rows = tuple(Row({**dict(zip(keys, f.name, strict=True)), **_cells(f)}) for f in groups)
    total = _total(groups)
    total_row = Row({keys[0]: total.name[0], **_cells(total)})
    table = Table(
        key=key,
        title=title,
        columns=_columns(names),
        rows=rows,
        total_row=total_row,
        notes=_notes(),
    )
    return suppress(table, threshold=threshold())


def _notes() -> tuple[str, ...]:
    notes = [
        _(
            "Scores are put on a 1-10 scale in a straight line: on a scale of 1 to k, a "
            "score s counts as 1 + (s - 1) × 9 / (k - 1). A mean based on fewer than "
            "%(minimum)s responses is not shown."
        )
        % {"minimum": min_responses()},
        _(
            "The %(level)s interval is a t-interval on the participants' scores. A session "
            "that only reports a mean score counts with its number of responses; for the "
            "spread within such a session, the spread within this row's sessions with "
            "individual scores is used. Without those the interval is not known (n/a)."
        )
        % {"level": LEVEL},
    ]
    return tuple(notes)


def _chart(table: Table) -> Chart | None:
    """Mean score and its interval per supplier, read from the suppressed table."""

    def value(row: Row, key: str) -> Number | Suppressed | None:
        cell = row.get(key)
        if cell is SUPPRESSED:
            return SUPPRESSED
        return cell if isinstance(cell, int | Decimal) else None

    if not table.rows:
        return None
    series = tuple(
        Series(label, tuple(value(row, key) for row in table.rows))
        for key, label in (
            ("low", _low_label()),
            ("mean", _("Mean score (1-10)")),
            ("high", _high_label()),
        )
    )
    return Chart(
        key="chart-suppliers",
        title=_("Mean evaluation score per supplier, with its %(level)s interval")
        % {"level": LEVEL},
        x_labels=tuple(str(row.get("supplier")) for row in table.rows),
        series=series,
        kind="bar",
        y_label=_("Mean score (1-10)"),
        x_label=_("Supplier"),
        y_max=10,
    )


def period_text(first: Quarter, last: Quarter) -> str:
    """The period's code, "2025Q1-2025Q4" or one quarter: for file names and the report's
    data; people read it in words (reports.quarters.quarter_label)."""
    return str(first) if first == last else f"{first}-{last}"


def supplier_comparison(
    first: Quarter, last: Quarter, *, generated_at: datetime.datetime | None = None
) -> Report:
    """The supplier comparison from `first` to `last` (inclusive) (8 queries: 4 per grouping)."""
    if first > last:
        raise ValueError(f"{first} comes after {last}")
    supplier = Column("supplier", _("Supplier"), "text")
    suppliers = comparison_table(
        group_figures(first, last, BY_SUPPLIER),
        (supplier,),
        BY_SUPPLIER.key,
        _("Suppliers compared"),
    )
    versions = comparison_table(
        group_figures(first, last, BY_VERSION),
        (
            supplier,
            Column("programme", _("Programme"), "text"),
            Column("version", _("Version"), "text"),
        ),
        BY_VERSION.key,
        _("Programme versions compared"),
    )
    chart = _chart(suppliers)
    seen: set[str] = set()
    explanations = []
    for column in suppliers.columns:
        if column.help and column.label not in seen:
            seen.add(column.label)
            explanations.append(Explanation(column.label, column.help))
    return Report(
        kind="suppliers",
        quarter=period_text(first, last),
        title=_("Supplier comparison"),
        generated_at=generated_at or timezone.now(),
        tables=(suppliers, versions),
        charts=(chart,) if chart else (),
        explanations=tuple(explanations),
    )
