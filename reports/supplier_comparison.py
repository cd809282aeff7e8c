"""The supplier comparison for a tender: per supplier and per programme version, over a
chosen period of quarters.

The one place these figures are built: the page, the three downloads and the chart all
read `supplier_comparison()`. It adds up the figures stored per quarter, supplier and
programme version (reports.supplier_figures, kept up to date by the services that write
sessions, places and evaluations): one small query, whatever the number of sessions.

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
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

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
from reports.supplier_figures import Scores, stored_supplier_rows


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


def group_figures(
    first: Quarter, last: Quarter, grouping: Grouping, rows: list[dict[str, Any]] | None = None
) -> dict[Any, GroupFigures]:
    """Per supplier or programme version (by id), the figures of the period, added up
    from the stored rows (`rows`, or 1 query for them)."""
    if rows is None:
        rows = stored_supplier_rows(first, last)
    result: dict[Any, GroupFigures] = {}
    for r in rows:
        figures = result.get(r[grouping.path])
        if figures is None:
            name = tuple(str(r[name] or "") for name in grouping.names)
            figures = result[r[grouping.path]] = GroupFigures(name=name)
        figures.sessions += r["sessions"]
        figures.capacity += r["capacity"]
        figures.attended += r["attended"]
        figures.no_shows += r["no_shows"]
        figures.late_cancellations += r["late_cancellations"]
        figures.scores.add(Scores.from_sums(r))
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
        total.scores.add(figures.scores)
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
    first: Quarter,
    last: Quarter,
    *,
    generated_at: datetime.datetime | None = None,
    rows: list[dict[str, Any]] | None = None,
) -> Report:
    """The supplier comparison from `first` to `last` (inclusive), from the stored
    figures (1 query; 2 when LATE_CANCELLATION_DAYS changed since they were stored)."""
    if first > last:
        raise ValueError(f"{first} comes after {last}")
    supplier = Column("supplier", _("Supplier"), "text")
    if rows is None:
        rows = stored_supplier_rows(first, last)
    suppliers = comparison_table(
        group_figures(first, last, BY_SUPPLIER, rows),
        (supplier,),
        BY_SUPPLIER.key,
        _("Suppliers compared"),
    )
    versions = comparison_table(
        group_figures(first, last, BY_VERSION, rows),
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
