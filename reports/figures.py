"""The figures of the quarterly reports, computed from the database.

Every figure of a quarter, and the eight-quarter trends, come from a fixed handful of
aggregate queries (grouped by quarter and department or supplier), whatever the size of
the data. Compliance comes from `committees.compliance` (the Exists annotations); it is
never re-implemented here. The results are built as presentation `Report` objects with
the figures about small groups of people hidden (`reports.presentation.suppression`;
the ICOP's pattern also follows the previous quarter's and the earlier version's).

Definitions (also in each report's explanation sheet):

* A department is *in the tender* for a quarter when it takes part in a tender whose
  period overlaps that quarter. Departments outside the tender appear in the ICOP
  summary with the figures they reported themselves (`SelfReportedFigures`).
* *People trained*: distinct people who attended a session (not cancelled) held in the
  quarter; *of which entered by hand*: those with a confirmed hand entry for such a
  session. Hand entries awaiting confirmation count nowhere. *No-shows* count places,
  in every table: a booked place in such a session where the person did not come (a
  person who missed two sessions counts twice). Trainings entered by hand are no sessions
  a supplier held: they are not in *sessions held*.
* Committees count by their interview date, cancelled committees excluded. Memberships
  count when their role requires training; *trained* as in the compliance rules.
* Evaluation scores are put on a 1-10 scale linearly (`ten_point`): on a scale of 1 to
  k a score s counts as 1 + (s - 1) * 9 / (k - 1). A session's aggregate evaluation is
  used when there is one, otherwise its participants' scores; means weigh by responses
  and are not shown below `REPORT_MIN_RESPONSES` responses.
* Shares and means are exact fractions here; every export rounds them once, to the
  digits it shows (28/52 is 53.8%, never 53.85% rounded again to 53.9%).
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from decimal import Decimal
from typing import Any, Literal

from django.conf import settings
from django.db.models import Count, DecimalField, Exists, F, Min, OuterRef, Q, QuerySet, Sum
from django.db.models.functions import ExtractQuarter, ExtractYear
from django.utils import timezone
from django.utils.translation import gettext as _

from committees.models import (
    CommitteeJustification,
    CommitteeMembership,
    CommitteeStatus,
    SelectionCommittee,
)
from departments.models import Department
from reports import meetings
from reports.models import Intervention, ReportKind, ReportSnapshot, SelfReportedFigures
from reports.presentation.formatting import format_number
from reports.presentation.suppression import Pattern, pattern, suppress
from reports.presentation.tables import (
    SUPPRESSED,
    CellValue,
    Chart,
    Column,
    Explanation,
    Flag,
    Marker,
    Number,
    Report,
    Row,
    Series,
    Suppressed,
    Table,
)
from reports.presentation.tables import Intervention as ReportIntervention
from reports.quarters import Quarter
from trainings.models import (
    CompletionSource,
    CompletionStatus,
    Evaluation,
    Tender,
    TrainingCompletion,
    TrainingSession,
)

TREND_QUARTERS = 8
Key = tuple[int, int]  # (year, quarter number)


def _key(quarter: Quarter) -> Key:
    return (quarter.year, quarter.number)


def threshold() -> int:
    return int(getattr(settings, "REPORT_SUPPRESSION_THRESHOLD", 5))


def target_share() -> Decimal:
    return Decimal(str(getattr(settings, "REPORT_TARGET_SHARE", 0.8)))


def min_responses() -> int:
    return int(getattr(settings, "REPORT_MIN_RESPONSES", 5))


def share(part: int | None, whole: int | None) -> Decimal | None:
    """part / whole as an exact fraction; None when there is nothing to divide.

    Not rounded: rounding here and again in an export turned 28/52 (53.846%) into
    53.85% and then 53.9%. The exports round once, to the digits they show.
    """
    if part is None or not whole:
        return None
    return Decimal(part) / Decimal(whole)


def points_change(now: Decimal | None, before: Decimal | None) -> Decimal | None:
    """The change between two shares in percentage points, exact (rounded when shown)."""
    if now is None or before is None:
        return None
    return (now - before) * 100


def ten_point(score: Decimal, scale: int) -> Decimal:
    """A score on a 1..`scale` scale put linearly on 1..10: 1 stays 1, `scale` becomes 10.

    `score * 10 / scale` made a 1 of a 1-5 scale a 2.0 and overstated that supplier
    against those scoring 1-10.
    """
    return 1 + (score - 1) * Decimal(9) / Decimal(scale - 1)


def _hide_small(value: Number | None, basis: int | None) -> Number | Suppressed | None:
    """A chart value based on fewer than the threshold number of people is hidden."""
    if value is None:
        return None
    if basis is not None and 0 < basis < threshold():
        return SUPPRESSED
    return value


# --- Tender membership -------------------------------------------------------------


def tender_departments(quarters: Iterable[Quarter]) -> dict[Key, set[int]]:
    """Per quarter, the ids of the departments in a tender that overlaps it (1 query)."""
    quarters = list(quarters)
    result: dict[Key, set[int]] = {_key(q): set() for q in quarters}
    if not quarters:
        return result
    first, last = min(quarters), max(quarters)
    rows = (
        Tender.objects.filter(starts_on__lte=last.end)
        .filter(Q(ends_on__isnull=True) | Q(ends_on__gte=first.start))
        .values_list("starts_on", "ends_on", "departments")
    )
    for starts_on, ends_on, department_id in rows:
        if department_id is None:
            continue
        for quarter in quarters:
            if starts_on <= quarter.end and (ends_on is None or ends_on >= quarter.start):
                result[_key(quarter)].add(department_id)
    return result


def tender_suppliers(quarter: Quarter) -> set[int]:
    rows = (
        Tender.objects.filter(starts_on__lte=quarter.end)
        .filter(Q(ends_on__isnull=True) | Q(ends_on__gte=quarter.start))
        .values_list("suppliers", flat=True)
    )
    return {supplier for supplier in rows if supplier is not None}


# --- Raw aggregates ----------------------------------------------------------------


def _session_quarter(prefix: str = "session__date") -> dict[str, Any]:
    return {"y": ExtractYear(prefix), "q": ExtractQuarter(prefix)}


def _within(departments: QuerySet[Department] | None, field: str) -> dict[str, Any]:
    """A filter on `departments` (all of them when None): the dashboards ask for one."""
    return {} if departments is None else {f"{field}__in": departments}


def people_by_department(
    first: Quarter, last: Quarter, departments: QuerySet[Department] | None = None
) -> dict[tuple[Key, int], dict[str, int]]:
    """Distinct people attended / by hand, and no-show places, per (quarter, department)
    (1 query). No-shows count places, as in the supplier table."""
    attended = Q(status=CompletionStatus.ATTENDED)
    rows = (
        TrainingCompletion.objects.counted()
        .filter(
            session__cancelled=False,
            session__date__gte=first.start,
            session__date__lte=last.end,
            **_within(departments, "person__department"),
        )
        .annotate(**_session_quarter())
        .values("y", "q", "person__department")
        .annotate(
            trained=Count("person", distinct=True, filter=attended),
            by_hand=Count(
                "person", distinct=True, filter=attended & Q(source=CompletionSource.HAND)
            ),
            no_shows=Count("pk", filter=Q(status=CompletionStatus.NO_SHOW)),
        )
        .order_by()
    )
    return {
        ((r["y"], r["q"]), r["person__department"]): {
            "trained": r["trained"],
            "by_hand": r["by_hand"],
            "no_shows": r["no_shows"],
        }
        for r in rows
    }


def sessions_by_supplier(first: Quarter, last: Quarter) -> dict[tuple[Key, int], dict[str, int]]:
    """Sessions held, sessions without attendees, capacity, attended and no-show places per
    (quarter, supplier) (2 queries). A session nobody attended was not held: it counts
    apart, its places as offered."""
    attendee = TrainingCompletion.objects.attended().filter(session=OuterRef("pk"))
    sessions = (
        TrainingSession.objects.filter(
            cancelled=False, entered_by_hand=False, date__gte=first.start, date__lte=last.end
        )
        .alias(has_attendee=Exists(attendee))
        .annotate(y=ExtractYear("date"), q=ExtractQuarter("date"))
        .values("y", "q", "supplier")
        .annotate(
            sessions=Count("pk", filter=Q(has_attendee=True)),
            empty_sessions=Count("pk", filter=Q(has_attendee=False)),
            capacity=Sum("capacity"),
        )
        .order_by()
    )
    places = (
        TrainingCompletion.objects.counted()
        .filter(
            session__cancelled=False,
            session__date__gte=first.start,
            session__date__lte=last.end,
        )
        .annotate(**_session_quarter())
        .values("y", "q", "session__supplier")
        .annotate(
            attended=Count("pk", filter=Q(status=CompletionStatus.ATTENDED)),
            no_shows=Count("pk", filter=Q(status=CompletionStatus.NO_SHOW)),
        )
        .order_by()
    )
    result: dict[tuple[Key, int], dict[str, int]] = defaultdict(
        lambda: {"sessions": 0, "empty_sessions": 0, "capacity": 0, "attended": 0, "no_shows": 0}
    )
    for r in sessions:
        entry = result[((r["y"], r["q"]), r["supplier"])]
        entry["sessions"] = r["sessions"]
        entry["empty_sessions"] = r["empty_sessions"]
        entry["capacity"] = r["capacity"] or 0
    for r in places:
        entry = result[((r["y"], r["q"]), r["session__supplier"])]
        entry["attended"] = r["attended"]
        entry["no_shows"] = r["no_shows"]
    return dict(result)


@dataclass
class ScoreSum:
    """Responses and the sum of their scores on a 1-10 scale."""

    responses: int = 0
    total: Decimal = Decimal(0)

    def add(self, responses: int, weighted: Decimal, scale: int) -> None:
        """Add `responses` scores on a 1..`scale` scale whose sum is `weighted`.

        The mapping is linear, so the sum of the mapped scores is the mapped sum:
        sum(n_i * ten_point(s_i)) = n + (sum(n_i * s_i) - n) * 9 / (k - 1).
        """
        self.responses += responses
        self.total += responses + (weighted - responses) * Decimal(9) / Decimal(scale - 1)

    @property
    def mean(self) -> Decimal | None:
        """The exact mean; the exports round it once."""
        if not self.responses:
            return None
        return self.total / self.responses

    @property
    def shown_mean(self) -> Decimal | None:
        """The mean, or None when it rests on fewer than REPORT_MIN_RESPONSES responses."""
        return self.mean if self.responses >= min_responses() else None


def evaluation_scores(first: Quarter, last: Quarter, group: str) -> dict[tuple[Key, Any], ScoreSum]:
    """Responses and weighted scores per (quarter, `group`) (1 query).

    A session's aggregate evaluation, when it has one, stands for all its responses;
    otherwise the participants' own scores count.
    """
    aggregate = Evaluation.objects.filter(session=OuterRef("session"), person__isnull=True)
    rows = (
        Evaluation.objects.filter(
            session__cancelled=False,
            session__date__gte=first.start,
            session__date__lte=last.end,
        )
        .filter(Q(person__isnull=True) | ~Exists(aggregate))
        .annotate(**_session_quarter())
        .values("y", "q", group, "scale")
        .annotate(
            responses=Sum("response_count"),
            weighted=Sum(
                F("score") * F("response_count"),
                output_field=DecimalField(max_digits=20, decimal_places=2),
            ),
        )
        .order_by()
    )
    result: dict[tuple[Key, Any], ScoreSum] = defaultdict(ScoreSum)
    for r in rows:
        result[((r["y"], r["q"]), r[group])].add(
            r["responses"] or 0, Decimal(r["weighted"] or 0), r["scale"]
        )
    return dict(result)


def attendees(first: Quarter, last: Quarter, group: str) -> dict[tuple[Key, Any], int]:
    """Attended places per (quarter, `group`): the base of the response rate (1 query)."""
    rows = (
        TrainingCompletion.objects.counted()
        .filter(
            status=CompletionStatus.ATTENDED,
            session__cancelled=False,
            session__date__gte=first.start,
            session__date__lte=last.end,
        )
        .annotate(**_session_quarter())
        .values("y", "q", group)
        .annotate(places=Count("pk"))
        .order_by()
    )
    return {((r["y"], r["q"]), r[group]): r["places"] for r in rows}


def memberships_by_department(
    first: Quarter, last: Quarter, departments: QuerySet[Department] | None = None
) -> dict[tuple[Key, int], dict[str, int]]:
    """Memberships requiring training and trained ones per (quarter, department) (1 query)."""
    rows = (
        CommitteeMembership.objects.with_training_status()
        .filter(
            requires_training=True,
            committee__interview_date__gte=first.start,
            committee__interview_date__lte=last.end,
            **_within(departments, "committee__department"),
        )
        .exclude(committee__status=CommitteeStatus.CANCELLED)
        .annotate(
            y=ExtractYear("committee__interview_date"),
            q=ExtractQuarter("committee__interview_date"),
        )
        .values("y", "q", "committee__department")
        .annotate(memberships=Count("pk"), trained=Count("pk", filter=Q(is_trained=True)))
        .order_by()
    )
    return {
        ((r["y"], r["q"]), r["committee__department"]): {
            "memberships": r["memberships"],
            "trained": r["trained"],
        }
        for r in rows
    }


def committees_by_department(
    first: Quarter, last: Quarter, departments: QuerySet[Department] | None = None
) -> dict[tuple[Key, int], dict[str, int]]:
    """Committees, fully compliant and incomplete committees, and committees confirmed
    with a written justification (enforcement mode `justify`) per (quarter, department)
    (1 query)."""
    justified = Exists(CommitteeJustification.objects.filter(committee=OuterRef("pk")))
    rows = (
        SelectionCommittee.objects.with_compliance()
        .filter(
            interview_date__gte=first.start,
            interview_date__lte=last.end,
            **_within(departments, "department"),
        )
        .exclude(status=CommitteeStatus.CANCELLED)
        .annotate(
            y=ExtractYear("interview_date"),
            q=ExtractQuarter("interview_date"),
            justified=justified,
        )
        .values("y", "q", "department")
        .annotate(
            committees=Count("pk"),
            compliant=Count("pk", filter=Q(is_compliant=True)),
            incomplete=Count("pk", filter=Q(is_incomplete=True)),
            justified_count=Count("pk", filter=Q(justified=True)),
        )
        .order_by()
    )
    return {
        ((r["y"], r["q"]), r["department"]): {
            "committees": r["committees"],
            "compliant": r["compliant"],
            "incomplete": r["incomplete"],
            "justified": r["justified_count"],
        }
        for r in rows
    }


def compliance_by_department(
    first: Quarter, last: Quarter
) -> dict[tuple[Key, int], dict[str, int]]:
    """Committees, compliant committees, memberships and trained memberships (2 queries)."""
    result: dict[tuple[Key, int], dict[str, int]] = defaultdict(
        lambda: {"committees": 0, "compliant": 0, "justified": 0, "memberships": 0, "trained": 0}
    )
    for key, figures in committees_by_department(first, last).items():
        result[key].update(figures)
    for key, figures in memberships_by_department(first, last).items():
        result[key].update(figures)
    return dict(result)


def self_reported(quarters: Iterable[Quarter]) -> dict[tuple[Key, int], SelfReportedFigures]:
    labels = {str(q): _key(q) for q in quarters}
    return {
        (labels[f.quarter], f.department_id): f
        for f in SelfReportedFigures.objects.filter(quarter__in=list(labels))
    }


def interventions(first: Quarter, last: Quarter) -> list[Intervention]:
    return list(
        Intervention.objects.between(first.start, last.end)
        .prefetch_related("departments")
        .order_by("date", "pk")
    )


# --- Building blocks ------------------------------------------------------------------


def _intervention_text(item: Intervention) -> str:
    return f"{item.date:%d-%m-%Y} {item.get_kind_display()} ({_codes(item)})"


def _markers(items: list[Intervention], quarters: list[Quarter]) -> tuple[Marker, ...]:
    labels = {str(q) for q in quarters}
    return tuple(
        Marker(x_label=str(Quarter.containing(item.date)), text=_intervention_text(item))
        for item in items
        if str(Quarter.containing(item.date)) in labels
    )


def _codes(item: Intervention) -> str:
    return ", ".join(d.code for d in item.departments.all()) or _("all departments")


def report_interventions(items: list[Intervention], quarter: Quarter) -> tuple[Any, ...]:
    return tuple(
        ReportIntervention(
            on=item.date,
            title=f"{item.get_kind_display()} ({_codes(item)})",
            description=item.description,
        )
        for item in items
        if quarter.contains(item.date)
    )


def _total_row(
    rows: list[Row], columns: Iterable[Column], label_key: str, **extra: CellValue
) -> Row:
    cells: dict[str, CellValue] = {label_key: _("Total")}
    for column in columns:
        # Every count, also those that describe no small group (people trained of a
        # whole ministry); builders override the totals that are no plain sum.
        if column.kind == "int":
            values = [r.get(column.key) for r in rows if isinstance(r.get(column.key), int)]
            cells[column.key] = sum(values) if values else None  # type: ignore[arg-type]
    cells.update(extra)
    return Row(cells)


def _int(value: CellValue) -> int:
    return value if isinstance(value, int) else 0


def _change(current: CellValue, previous: CellValue) -> int | None:
    if not isinstance(current, int) or not isinstance(previous, int):
        return None
    return current - previous


@dataclass
class _Build:
    quarter: Quarter
    quarters: list[Quarter] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.quarters = self.quarter.last_n(TREND_QUARTERS)

    @property
    def first(self) -> Quarter:
        return self.quarters[0]

    @property
    def current(self) -> Key:
        return _key(self.quarter)

    @property
    def prior(self) -> Key:
        return _key(self.quarter.previous())


def _no_show_column() -> Column:
    """One definition of no-shows for every table: places, not people."""
    return Column(
        "no_shows",
        _("No-shows (places)"),
        "int",
        help=_(
            "Places booked in a session held in the quarter where the person did not come. "
            "A person who missed two sessions counts twice."
        ),
    )


def _evaluation_columns(label: str) -> tuple[Column, ...]:
    return (
        Column("name", label, "text"),
        Column("responses", _("Responses"), "int", count_of_people=True),
        Column(
            "response_rate",
            _("Response rate"),
            "percent",
            help=_("Responses divided by the places filled in the sessions of the quarter."),
            based_on=("responses",),
        ),
        Column(
            "mean",
            _("Mean score (1-10)"),
            "decimal",
            help=_(
                "Mean score put on a 1-10 scale (see the note under the table), weighted "
                "by the number of responses."
            ),
            based_on=("responses",),
            decimals=1,
        ),
        Column("responses_previous", _("Responses, previous quarter"), "int", count_of_people=True),
        Column(
            "mean_previous",
            _("Mean score, previous quarter"),
            "decimal",
            based_on=("responses_previous",),
            decimals=1,
        ),
    )


def _evaluation_notes() -> tuple[str, ...]:
    return (
        _(
            "Scores are put on a 1-10 scale in a straight line: on a scale of 1 to k, a "
            "score s counts as 1 + (s - 1) × 9 / (k - 1). So 1 stays 1 and k becomes 10; "
            "on a 1-5 scale 1, 2, 3, 4 and 5 count as 1, 3.25, 5.5, 7.75 and 10."
        ),
        _(
            "Every mean is shown with its number of responses and its response rate "
            "(responses divided by the places filled). A mean based on fewer than "
            "%(minimum)s responses is not shown."
        )
        % {"minimum": min_responses()},
    )


def _with_response_note(table: Table) -> Table:
    """The quarter's responses and response rate, under the table that shows the means.

    Read from the table after suppression, so the note never shows what it hides.
    """
    total = table.total_row
    responses = total.get("responses") if total else None
    rate = total.get("response_rate") if total else None
    if not isinstance(responses, int) or not isinstance(rate, int | float | Decimal):
        return table
    line = _("This quarter: %(responses)s responses, a response rate of %(rate)s.") % {
        "responses": format_number(responses),
        "rate": format_number(rate, decimals=1, percent=True),
    }
    return replace(table, notes=(*table.notes, line))


def _evaluation_table(
    build: _Build,
    names_of_table: tuple[str, str, str],
    scores: Mapping[tuple[Key, Any], ScoreSum],
    places: Mapping[tuple[Key, Any], int],
    names: Mapping[Any, str],
) -> Table:
    """Evaluations per supplier or programme: this quarter and the previous one."""
    key, title, label = names_of_table
    ids = {pk for (k, pk) in scores if k in (build.current, build.prior)}
    rows = []
    all_now, all_before = ScoreSum(), ScoreSum()
    for pk in sorted(ids, key=lambda pk: names[pk]):
        now = scores.get((build.current, pk), ScoreSum())
        before = scores.get((build.prior, pk), ScoreSum())
        for whole, part in ((all_now, now), (all_before, before)):
            whole.responses += part.responses
            whole.total += part.total
        rows.append(
            Row(
                {
                    "name": names[pk],
                    "responses": now.responses,
                    "response_rate": share(now.responses, places.get((build.current, pk))),
                    "mean": now.shown_mean,
                    "responses_previous": before.responses,
                    "mean_previous": before.shown_mean,
                }
            )
        )
    total = Row(
        {
            "name": _("Total"),
            "responses": all_now.responses,
            "response_rate": share(
                all_now.responses, sum(n for (k, _pk), n in places.items() if k == build.current)
            ),
            "mean": all_now.shown_mean,
            "responses_previous": all_before.responses,
            "mean_previous": all_before.shown_mean,
        }
    )
    return Table(
        key=key,
        title=title,
        columns=_evaluation_columns(label),
        rows=tuple(rows),
        total_row=total,
        notes=_evaluation_notes(),
    )


# --- Regiegroep ------------------------------------------------------------------------


def regiegroep_report(quarter: Quarter, *, generated_at: datetime.datetime | None = None) -> Report:
    build = _Build(quarter)
    first = build.first
    in_tender = tender_departments(build.quarters)
    people = people_by_department(first, quarter)
    supply = sessions_by_supplier(first, quarter)
    by_supplier = evaluation_scores(first, quarter, "session__supplier")
    by_programme = evaluation_scores(quarter.previous(), quarter, "session__programme")
    items = interventions(first, quarter)
    departments = {d.pk: d for d in Department.objects.all()}
    from trainings.models import Supplier, TrainingProgramme

    suppliers = {s.pk: s for s in Supplier.objects.all()}
    limit = threshold()

    # Participation per department: the tender departments of this quarter.
    dept_columns = (
        Column("code", _("Code"), "text"),
        Column("department", _("Department"), "text"),
        Column(
            "trained",
            _("People trained"),
            "int",
            help=_("Distinct people who attended a session held in the quarter."),
        ),
        Column("trained_previous", _("People trained, previous quarter"), "int"),
        Column(
            "trained_change",
            _("Change since the previous quarter"),
            "int",
            help=_("People trained this quarter minus the previous quarter."),
        ),
        Column(
            "by_hand",
            _("Of which entered by hand"),
            "int",
            help=_(
                "People trained whose attendance O&P staff entered by hand and a second "
                "person confirmed."
            ),
        ),
        _no_show_column(),
    )
    dept_rows: list[Row] = []
    for pk in sorted(in_tender[build.current], key=lambda pk: departments[pk].code):
        now = people.get((build.current, pk), {"trained": 0, "by_hand": 0, "no_shows": 0})
        before = people.get((build.prior, pk), {"trained": 0, "no_shows": 0})
        dept_rows.append(
            Row(
                {
                    "code": departments[pk].code,
                    "department": departments[pk].name_nl,
                    "trained": now["trained"],
                    "trained_previous": before["trained"],
                    "trained_change": now["trained"] - before["trained"],
                    "by_hand": now["by_hand"],
                    "no_shows": now["no_shows"],
                }
            )
        )
    dept_total = _total_row(
        dept_rows, dept_columns, "department", department=_("Total, tender departments")
    )
    dept_total = Row(
        {
            **dept_total.cells,
            "trained_change": _change(
                dept_total.get("trained"),
                dept_total.get("trained_previous"),
            ),
        }
    )
    participation = Table(
        key="participation-departments",
        title=_("Participation per department"),
        columns=dept_columns,
        rows=tuple(dept_rows),
        total_row=dept_total,
    )

    # Participation per supplier: the tender's suppliers and anyone who ran sessions.
    supplier_ids = tender_suppliers(quarter) | {pk for (key, pk) in supply if key == build.current}
    empty = {"sessions": 0, "empty_sessions": 0, "capacity": 0, "attended": 0, "no_shows": 0}
    late = meetings.late_cancellations_by_supplier(quarter, quarter)
    sup_columns = (
        Column("supplier", _("Supplier"), "text"),
        Column(
            "sessions",
            _("Sessions held"),
            "int",
            help=_("Sessions in the quarter, not cancelled, that someone attended."),
        ),
        meetings.empty_sessions_column(),
        Column("capacity", _("Places offered"), "int"),
        Column(
            "attended",
            _("Places filled"),
            "int",
            help=_("Attended places in sessions held in the quarter."),
        ),
        Column(
            "filled",
            _("Capacity filled"),
            "percent",
            help=_("Places filled divided by places offered."),
        ),
        _no_show_column(),
        meetings.late_cancellation_column(),
        Column("attended_previous", _("Places filled, previous quarter"), "int"),
    )
    sup_rows = []
    for pk in sorted(supplier_ids, key=lambda pk: suppliers[pk].name):
        now = supply.get((build.current, pk), empty)
        before = supply.get((build.prior, pk), empty)
        sup_rows.append(
            Row(
                {
                    "supplier": suppliers[pk].name,
                    "sessions": now["sessions"],
                    "empty_sessions": now["empty_sessions"],
                    "capacity": now["capacity"],
                    "attended": now["attended"],
                    "filled": share(now["attended"], now["capacity"]),
                    "no_shows": now["no_shows"],
                    "late_cancellations": late.get((build.current, pk), 0),
                    "attended_previous": before["attended"],
                }
            )
        )
    sup_total = _total_row(sup_rows, sup_columns, "supplier")
    sessions_total = sum(_int(r.get("sessions")) for r in sup_rows)
    capacity_total = sum(_int(r.get("capacity")) for r in sup_rows)
    sup_total = Row(
        {
            **sup_total.cells,
            "sessions": sessions_total,
            "empty_sessions": sum(_int(r.get("empty_sessions")) for r in sup_rows),
            "capacity": capacity_total,
            "filled": share(sup_total.get("attended"), capacity_total),  # type: ignore[arg-type]
        }
    )
    supplier_table = Table(
        key="participation-suppliers",
        title=_("Participation per supplier"),
        columns=sup_columns,
        rows=tuple(sup_rows),
        total_row=sup_total,
    )

    # Content: programme and version of the sessions held (1 query).
    attended_place = Q(completions__status=CompletionStatus.ATTENDED) & ~Q(
        completions__source=CompletionSource.HAND, completions__confirmed_at__isnull=True
    )
    content_rows_raw = (
        TrainingSession.objects.filter(
            cancelled=False, date__gte=quarter.start, date__lte=quarter.end
        )
        .values("supplier__name", "programme__name", "programme__version")
        .annotate(
            # Sessions held: someone attended (as in the supplier table).
            sessions=Count("pk", distinct=True, filter=Q(entered_by_hand=False) & attended_place),
            attended=Count("completions", filter=attended_place),
        )
        .order_by("supplier__name", "programme__name", "programme__version")
    )
    content_columns = (
        Column("supplier", _("Supplier"), "text"),
        Column("programme", _("Programme"), "text"),
        Column("version", _("Version"), "text"),
        Column("sessions", _("Sessions held"), "int"),
        Column("attended", _("Places filled"), "int"),
    )
    content_rows = [
        Row(
            {
                "supplier": r["supplier__name"],
                "programme": r["programme__name"],
                "version": r["programme__version"],
                "sessions": r["sessions"],
                "attended": r["attended"],
            }
        )
        for r in content_rows_raw
    ]
    content_total = _total_row(content_rows, content_columns, "supplier")
    content_total = Row(
        {**content_total.cells, "sessions": sum(_int(r.get("sessions")) for r in content_rows)}
    )
    content = Table(
        key="content",
        title=_("Content delivered"),
        columns=content_columns,
        rows=tuple(content_rows),
        total_row=content_total,
    )

    # Evaluations per supplier and per programme.
    programmes = {
        p.pk: f"{p.supplier.name if p.supplier else ''} – {p}".strip(" –")
        for p in TrainingProgramme.objects.select_related("supplier")
    }
    evaluations_suppliers = _evaluation_table(
        build,
        ("evaluations-suppliers", _("Evaluations per supplier"), _("Supplier")),
        by_supplier,
        attendees(quarter, quarter, "session__supplier"),
        {pk: s.name for pk, s in suppliers.items()},
    )
    evaluations_programmes = _evaluation_table(
        build,
        ("evaluations-programmes", _("Evaluations per programme"), _("Programme")),
        by_programme,
        attendees(quarter, quarter, "session__programme"),
        programmes,
    )

    # Trends over eight quarters, with the interventions as markers.
    labels = tuple(str(q) for q in build.quarters)
    markers = _markers(items, build.quarters)
    trained_per_quarter: list[Number | Suppressed | None] = []
    no_show_per_quarter: list[Number | Suppressed | None] = []
    for q in build.quarters:
        ids = in_tender[_key(q)]
        trained = sum(people.get((_key(q), pk), {}).get("trained", 0) for pk in ids)
        missed = sum(people.get((_key(q), pk), {}).get("no_shows", 0) for pk in ids)
        trained_per_quarter.append(trained)
        no_show_per_quarter.append(missed)
    trend_people = Chart(
        key="trend-people-trained",
        title=_("People trained per quarter (tender departments)"),
        x_labels=labels,
        series=(
            Series(_("People trained"), tuple(trained_per_quarter)),
            Series(_("No-shows (places)"), tuple(no_show_per_quarter)),
        ),
        kind="line",
        y_label=_("Number"),
        x_label=_("Quarter"),
        markers=markers,
    )
    trend_suppliers = tuple(
        sorted(
            {pk for (k, pk) in by_supplier} | {pk for (k, pk) in supply},
            key=lambda pk: suppliers[pk].name,
        )
    )
    score_series = []
    filled_series = []
    for pk in trend_suppliers:
        scores = [by_supplier.get((_key(q), pk)) for q in build.quarters]
        score_series.append(
            Series(
                suppliers[pk].name,
                tuple(_hide_small(s.shown_mean, s.responses) if s else None for s in scores),
            )
        )
        places = [supply.get((_key(q), pk)) for q in build.quarters]
        filled_series.append(
            Series(
                suppliers[pk].name,
                tuple(share(p["attended"], p["capacity"]) if p else None for p in places),
            )
        )
    charts = [trend_people]
    if score_series:
        charts.append(
            Chart(
                key="trend-evaluation-suppliers",
                title=_("Mean evaluation score per supplier (put on 1-10)"),
                x_labels=labels,
                series=tuple(score_series),
                kind="line",
                y_label=_("Mean score"),
                x_label=_("Quarter"),
                y_max=10,
                markers=markers,
            )
        )
        charts.append(
            Chart(
                key="trend-capacity-suppliers",
                title=_("Capacity filled per supplier"),
                x_labels=labels,
                series=tuple(filled_series),
                kind="line",
                y_label=_("Capacity filled"),
                x_label=_("Quarter"),
                percent=True,
                markers=markers,
            )
        )
    # The share trained per department, as in the ICOP report (the same table, hidden
    # cells included): the summary page's headline, against the target.
    section = compliance_section(build, items, people)
    tables = (
        *(suppress(t, threshold=limit) for t in (participation, supplier_table, content)),
        *(
            _with_response_note(suppress(t, threshold=limit))
            for t in (evaluations_suppliers, evaluations_programmes)
        ),
        section.table,
    )
    return Report(
        kind=ReportKind.REGIEGROEP.value,  # type: ignore[arg-type]
        quarter=str(quarter),
        title=_("Regiegroep summary"),
        generated_at=generated_at or timezone.now(),
        tables=tables,
        charts=tuple(charts),
        explanations=_explanations(tables) + _common_explanations(),
        interventions=report_interventions(items, quarter),
        target_share=section.target,
    )


Source = Literal["registry", "self_reported", "no_data"]


def training_since() -> dict[int, datetime.date]:
    """Per department, the date of the first session any of its people has a place in
    (1 query): from then on it registers its trainings in the app."""
    rows = (
        TrainingCompletion.objects.counted()
        .values("person__department")
        .annotate(first=Min("session__date"))
        .order_by()
    )
    return {r["person__department"]: r["first"] for r in rows}


def with_training_data(start: datetime.date, end: datetime.date) -> set[int]:
    """The departments whose training figures mean something from `start` to `end`: in a
    tender overlapping the period, or registering trainings in the app by its end, as in
    `training_since` (2 queries; the pages read `reports.stored.with_training_data`).
    For the others a 0% trained would only say that nothing was registered; the home
    overview and what-if show "no data" for them, as the ICOP report does."""
    trains = TrainingCompletion.objects.counted().filter(
        person__department=OuterRef("pk"), session__date__lte=end
    )
    return set(
        Department.objects.filter(Exists(trains)).values_list("pk", flat=True)
    ) | tender_departments_between(start, end)


def tender_departments_between(start: datetime.date, end: datetime.date) -> set[int]:
    """The departments in a tender that overlaps `start` to `end` (1 query)."""
    rows = (
        Tender.objects.filter(starts_on__lte=end)
        .filter(Q(ends_on__isnull=True) | Q(ends_on__gte=start))
        .values_list("departments", flat=True)
    )
    return {department for department in rows if department is not None}


@dataclass
class _Sources:
    """Where a department's figures for a quarter come from.

    In the tender: the registry. Outside it: the figures it reported itself where it
    entered them (marked "self-reported"), otherwise the registry from the quarter its
    people first have a place in a session, otherwise no data. Without trainings in
    the app its registered memberships would all count as untrained: a 0% that is
    really "no data".
    """

    in_tender: Mapping[Key, set[int]]
    registered: Mapping[tuple[Key, int], dict[str, int]]
    people: Mapping[tuple[Key, int], dict[str, int]]
    reported: Mapping[tuple[Key, int], SelfReportedFigures]
    trains_since: Mapping[int, datetime.date]

    def figures(self, key: Key, department_id: int) -> tuple[dict[str, int] | None, Source]:
        if department_id in self.in_tender[key]:
            return self._registry(key, department_id), "registry"
        own = self.reported.get((key, department_id))
        if own is not None:
            return {
                "committees": own.committees,
                "compliant": own.compliant_committees,
                "memberships": own.memberships,
                "trained": own.trained_memberships,
                "people": own.people_trained,
            }, "self_reported"
        since = self.trains_since.get(department_id)
        if since is not None and since <= Quarter(*key).end:
            return self._registry(key, department_id), "registry"
        return None, "no_data"

    def _registry(self, key: Key, department_id: int) -> dict[str, int]:
        base = self.registered.get((key, department_id), {})
        people = self.people.get((key, department_id), {})
        return {
            "committees": base.get("committees", 0),
            "compliant": base.get("compliant", 0),
            "justified": base.get("justified", 0),
            "memberships": base.get("memberships", 0),
            "trained": base.get("trained", 0),
            "people": people.get("trained", 0),
            "people_by_hand": people.get("by_hand", 0),
        }

    def without_data(
        self, quarters: Iterable[Quarter], departments: Iterable[Department]
    ) -> list[str]:
        """The codes of the departments without figures in any of `quarters`."""
        return [
            d.code
            for d in departments
            if any(self.figures(_key(q), d.pk)[1] == "no_data" for q in quarters)
        ]


def _coverage(without: Iterable[str]) -> str:
    """Which departments a total or chart covers, for its label."""
    codes = sorted(without)
    if not codes:
        return _("all departments")
    return _("departments with figures; no data from %(codes)s") % {"codes": ", ".join(codes)}


def stored_patterns(kind: str, table_key: str, quarters: Iterable[Quarter]) -> dict[Key, Pattern]:
    """Per quarter, the hidden rows of `table_key` in its newest compiled version (1 query).

    A new version hides at least those again, so that two versions of one quarter, both
    downloadable, cannot be subtracted from each other.
    """
    labels = {str(q): _key(q) for q in quarters}
    found: dict[Key, Pattern] = {}
    snapshots = ReportSnapshot.objects.filter(kind=kind, quarter__in=list(labels)).order_by(
        "quarter", "-version"
    )
    for quarter, data in snapshots.values_list("quarter", "data"):
        if labels[quarter] in found:
            continue
        for table in data.get("tables", ()):
            if table.get("key") == table_key:
                found[labels[quarter]] = pattern(Table.from_dict(table))
    return found


def membership_pattern(
    sources: _Sources, key: Key, departments: Iterable[Department], earlier: Pattern | None
) -> Pattern:
    """Which departments' membership figures the ICOP table of quarter `key` hides.

    The same rule on the same figures as the full table (`suppress` decides per group, on
    the group's own columns), so the previous-quarter column and the trend chart follow
    exactly the pattern that quarter's report has.
    """
    counts = (
        Column("code", "", "text"),
        Column("memberships", "", "int", count_of_people=True, total_of=("trained", "untrained")),
        Column("trained", "", "int", count_of_people=True, group="memberships"),
        Column("untrained", "", "int", count_of_people=True, group="memberships"),
    )
    rows = []
    for department in departments:
        found, _source = sources.figures(key, department.pk)
        cells: dict[str, CellValue] = {"code": department.code}
        if found:
            cells.update(
                memberships=found["memberships"],
                trained=found["trained"],
                untrained=found["memberships"] - found["trained"],
            )
        rows.append(Row(cells))
    total = _total_row([r for r in rows if r.get("memberships") is not None], counts, "code")
    table = Table(key="pattern", title="", columns=counts, rows=tuple(rows), total_row=total)
    return pattern(suppress(table, threshold=threshold(), earlier=earlier))


# --- ICOP ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Compliance:
    """The share trained per department (its table suppressed, and its trend chart): the
    ICOP's main table, and the Regiegroep's summary page, the same in both."""

    table: Table
    chart: Chart
    sources: _Sources
    departments: list[Department]
    modes: dict[int, str]
    target: Decimal


def icop_report(quarter: Quarter, *, generated_at: datetime.datetime | None = None) -> Report:
    build = _Build(quarter)
    items = interventions(build.first, quarter)
    section = compliance_section(build, items)
    figures, departments = section.sources.figures, section.departments
    limit = threshold()
    # What the meeting asked for, from the app's registry: its departments only.
    registry = [d for d in departments if figures(build.current, d.pk)[1] == "registry"]
    coverage = meetings.registry_coverage(
        {d.code for d in departments} - {d.code for d in registry}
    )
    tables = (
        section.table,
        meetings.untrained_committees_table(
            quarter, registry, section.modes, coverage=coverage, threshold=limit
        ),
        meetings.roles_table(quarter, [d.pk for d in registry], coverage=coverage, threshold=limit),
    )
    return Report(
        kind=ReportKind.ICOP.value,  # type: ignore[arg-type]
        quarter=str(quarter),
        title=_("ICOP summary"),
        generated_at=generated_at or timezone.now(),
        tables=tables,
        charts=(section.chart,),
        explanations=_explanations(tables) + _common_explanations(),
        interventions=report_interventions(items, quarter),
        target_share=section.target,
    )


def compliance_section(
    build: _Build,
    items: list[Intervention],
    people: Mapping[tuple[Key, int], dict[str, int]] | None = None,
) -> _Compliance:
    """`people`: `people_by_department` over the build's quarters, if the caller has it."""
    quarter, first = build.quarter, build.first
    in_tender = tender_departments(build.quarters)
    registered = compliance_by_department(first, quarter)
    people = people if people is not None else people_by_department(first, quarter)
    reported = self_reported(build.quarters)
    departments = list(Department.objects.order_by("code"))
    target = target_share()
    limit = threshold()

    sources = _Sources(in_tender, registered, people, reported, training_since())
    figures = sources.figures
    modes = meetings.enforcement_modes(quarter)
    stored = stored_patterns(ReportKind.ICOP.value, "departments", build.quarters)
    patterns = {
        _key(q): membership_pattern(sources, _key(q), departments, stored.get(_key(q)))
        for q in build.quarters
    }

    columns = (
        Column("code", _("Code"), "text"),
        Column("department", _("Department"), "text"),
        Column("enforcement", _("Enforcement mode"), "text"),
        Column(
            "memberships",
            _("Memberships requiring training"),
            "int",
            help=_(
                "Memberships of committees interviewing in the quarter whose role requires "
                "training (cancelled committees excluded)."
            ),
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
            count_of_people=True,
            group="memberships",
        ),
        Column(
            "share_trained",
            _("Share trained"),
            "percent",
            help=_("Trained memberships divided by memberships requiring training."),
            based_on=("memberships", "trained", "untrained"),
        ),
        Column(
            "share_trained_previous",
            _("Share trained, previous quarter"),
            "percent",
        ),
        Column(
            "change",
            _("Change (percentage points)"),
            "decimal",
            help=_("Share trained this quarter minus the previous quarter, in percentage points."),
            based_on=("memberships", "trained", "untrained"),
        ),
        Column("committees", _("Committees"), "int"),
        # About the same members: 1 compliant committee of 1 says they are all trained.
        Column("compliant", _("Fully compliant committees"), "int", group="memberships"),
        Column(
            "share_compliant",
            _("Share of committees fully compliant"),
            "percent",
            help=_("Committees where every member whose role requires training is trained."),
            group="memberships",
        ),
        Column(
            "justified",
            _("Confirmed with a justification"),
            "int",
            help=_(
                "Committees confirmed or held with untrained members, with a written "
                "justification (enforcement mode 'justify'). Self-reporting departments "
                "do not report this."
            ),
            group="memberships",
        ),
        # People trained count the ministry's staff who attended: no small group of
        # named people, so never hidden (README, "Privacy").
        Column(
            "people",
            _("People trained"),
            "int",
            help=_("Distinct people of the department who attended a session in the quarter."),
        ),
        Column(
            "people_by_hand",
            _("Of which entered by hand"),
            "int",
            help=_(
                "People trained whose attendance O&P staff entered by hand and a second "
                "person confirmed. Self-reporting departments do not report this."
            ),
        ),
    )
    rows: list[Row] = []
    chart_points: dict[Key, dict[str, int]] = {}
    for q in build.quarters:
        totals = {"memberships": 0, "trained": 0, "committees": 0, "compliant": 0}
        for department in departments:
            found, _source = figures(_key(q), department.pk)
            if found:
                for name in totals:
                    totals[name] += found[name]
        chart_points[_key(q)] = totals
    for department in departments:
        now, source = figures(build.current, department.pk)
        before, _before_source = figures(build.prior, department.pk)
        flags: set[Flag] = {source} if source != "registry" else set()
        cells: dict[str, CellValue] = {
            "code": department.code,
            "department": department.name_nl,
            "enforcement": meetings.mode_label(modes[department.pk]),
        }
        if source == "no_data":
            # Its committees are in the app even when its trainings are not.
            cells["committees"] = registered.get((build.current, department.pk), {}).get(
                "committees"
            )
        share_now = share(now["trained"], now["memberships"]) if now else None
        share_before = share(before["trained"], before["memberships"]) if before else None
        if now:
            cells.update(
                memberships=now["memberships"],
                trained=now["trained"],
                untrained=now["memberships"] - now["trained"],
                committees=now["committees"],
                compliant=now["compliant"],
                share_compliant=share(now["compliant"], now["committees"]),
                people=now["people"],
            )
            if source == "registry":
                cells["justified"] = now["justified"]
                cells["people_by_hand"] = now["people_by_hand"]
        cells["share_trained"] = share_now
        # The previous quarter's column obeys that quarter's pattern (rule 5).
        hidden_before = department.code in patterns[build.prior].rows
        cells["share_trained_previous"] = SUPPRESSED if hidden_before else share_before
        change = points_change(share_now, share_before)
        cells["change"] = SUPPRESSED if hidden_before and change is not None else change
        # The department's own O&P staff see what the earlier pattern hides (Row.withheld).
        withheld: dict[str, CellValue] = (
            {"share_trained_previous": share_before, "change": change} if hidden_before else {}
        )
        if share_now is not None and share_now < target:
            flags.add("below_target")
        rows.append(Row(cells, frozenset(flags), withheld=withheld))
    # The total covers the departments with figures; its label names the others.
    covered = [r for r in rows if "no_data" not in r.flags]
    without = [str(r.get("code")) for r in rows if "no_data" in r.flags]
    total = _total_row(covered, columns, "department")
    now_total = chart_points[build.current]
    before_total = chart_points[build.prior]
    total_share = share(now_total["trained"], now_total["memberships"])
    before_share = share(before_total["trained"], before_total["memberships"])
    committees_total = sum(_int(r.get("committees")) for r in covered)
    compliant_total = sum(_int(r.get("compliant")) for r in covered)
    total = Row(
        {
            **total.cells,
            "department": _("Total, %(coverage)s") % {"coverage": _coverage(without)},
            "share_trained": total_share,
            "share_trained_previous": SUPPRESSED if patterns[build.prior].total else before_share,
            "change": SUPPRESSED
            if patterns[build.prior].total
            else points_change(total_share, before_share),
            "committees": committees_total,
            "compliant": compliant_total,
            "justified": sum(_int(r.get("justified")) for r in covered),
            "people": sum(_int(r.get("people")) for r in covered),
            "people_by_hand": sum(_int(r.get("people_by_hand")) for r in covered),
            "share_compliant": share(compliant_total, committees_total),
        }
    )
    table = Table(
        key="departments",
        title=_("Compliance per department"),
        columns=columns,
        rows=tuple(rows),
        total_row=total,
        notes=(
            _("Target: %(target)s%% of memberships trained.") % {"target": f"{target * 100:.0f}"},
            _(
                "Departments outside the tender: the figures they reported themselves where "
                "they entered them (marked), otherwise the figures from the app where they "
                'register their trainings in it. "No data" where neither exists: such a '
                "department is left out of the total, never counted as 0%."
            ),
        ),
    )
    labels = tuple(str(q) for q in build.quarters)
    chart = Chart(
        key="trend-compliance",
        title=_("Share trained and share of committees compliant, %(coverage)s")
        % {"coverage": _coverage(sources.without_data(build.quarters, departments))},
        x_labels=labels,
        series=(
            Series(
                _("Share of memberships trained"),
                tuple(
                    _hide_small(
                        share(
                            chart_points[_key(q)]["trained"], chart_points[_key(q)]["memberships"]
                        ),
                        chart_points[_key(q)]["memberships"],
                    )
                    if not patterns[_key(q)].total
                    else SUPPRESSED
                    for q in build.quarters
                ),
            ),
            Series(
                _("Share of committees fully compliant"),
                tuple(
                    share(chart_points[_key(q)]["compliant"], chart_points[_key(q)]["committees"])
                    for q in build.quarters
                ),
            ),
        ),
        kind="line",
        y_label=_("Share"),
        x_label=_("Quarter"),
        y_max=1,
        percent=True,
        markers=_markers(items, build.quarters),
    )
    return _Compliance(
        table=suppress(table, threshold=limit, earlier=stored.get(build.current)),
        chart=chart,
        sources=sources,
        departments=departments,
        modes=modes,
        target=target,
    )


def _explanations(tables: Iterable[Table]) -> tuple[Explanation, ...]:
    seen: set[str] = set()
    found = []
    for table in tables:
        for column in table.columns:
            if column.help and column.label not in seen:
                seen.add(column.label)
                found.append(Explanation(column.label, column.help))
    return tuple(found)


def _common_explanations() -> tuple[Explanation, ...]:
    return (
        Explanation(
            _("Tender departments"),
            _(
                "Departments that take part in a central tender whose period overlaps the "
                "quarter. The others report their own figures."
            ),
        ),
        Explanation(
            _("Previous quarter"),
            _("The same figure for the quarter before, as the data stand now."),
        ),
    )


BUILDERS = {ReportKind.REGIEGROEP.value: regiegroep_report, ReportKind.ICOP.value: icop_report}


def build_report(
    kind: str, quarter: Quarter, *, generated_at: datetime.datetime | None = None
) -> Report:
    return BUILDERS[kind](quarter, generated_at=generated_at)
