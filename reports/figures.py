"""The figures of the quarterly reports, computed from the database.

Every figure of a quarter, and the eight-quarter trends, come from a fixed handful of
aggregate queries (grouped by quarter and department or supplier), whatever the size of
the data. Compliance comes from `committees.compliance` (the Exists annotations); it is
never re-implemented here. The results are built as presentation `Report` objects with
small numbers suppressed (`reports.presentation.suppression`).

Definitions (also in each report's explanation sheet):

* A department is *in the tender* for a quarter when it takes part in a tender whose
  period overlaps that quarter. Departments outside the tender appear in the ICOP
  summary with the figures they reported themselves (`SelfReportedFigures`).
* *People trained*: distinct people who attended a session (not cancelled) held in the
  quarter; *of which entered by hand*: those with a confirmed hand entry for such a
  session. Hand entries awaiting confirmation count nowhere. *No-shows*: distinct
  people with a no-show for such a session. Trainings entered by hand are no sessions
  a supplier held: they are not in *sessions held*.
* Committees count by their interview date, cancelled committees excluded. Memberships
  count when their role requires training; *trained* as in the compliance rules.
* Evaluation scores are put on a 1-10 scale; a session's aggregate evaluation is used
  when there is one, otherwise its participants' scores; means weigh by responses.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db.models import Count, DecimalField, Exists, F, OuterRef, Q, QuerySet, Sum
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
from reports.models import Intervention, ReportKind, SelfReportedFigures
from reports.presentation.suppression import suppress
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


def share(part: int | None, whole: int | None) -> Decimal | None:
    """part / whole as a fraction with 4 decimals; None when there is nothing to divide."""
    if part is None or not whole:
        return None
    return (Decimal(part) / Decimal(whole)).quantize(Decimal("0.0001"))


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
    """Distinct people attended / by hand / no-show per (quarter, department) (1 query)."""
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
            no_shows=Count("person", distinct=True, filter=Q(status=CompletionStatus.NO_SHOW)),
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
    """Sessions held, capacity, attended and no-show places per (quarter, supplier) (2 queries)."""
    sessions = (
        TrainingSession.objects.filter(
            cancelled=False, entered_by_hand=False, date__gte=first.start, date__lte=last.end
        )
        .annotate(y=ExtractYear("date"), q=ExtractQuarter("date"))
        .values("y", "q", "supplier")
        .annotate(sessions=Count("pk"), capacity=Sum("capacity"))
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
        lambda: {"sessions": 0, "capacity": 0, "attended": 0, "no_shows": 0}
    )
    for r in sessions:
        entry = result[((r["y"], r["q"]), r["supplier"])]
        entry["sessions"] = r["sessions"]
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
        self.responses += responses
        self.total += weighted * 10 / Decimal(scale)

    @property
    def mean(self) -> Decimal | None:
        if not self.responses:
            return None
        return (self.total / self.responses).quantize(Decimal("0.01"))


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


def _report_interventions(items: list[Intervention], quarter: Quarter) -> tuple[Any, ...]:
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
        if column.count_of_people:
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
            count_of_people=True,
        ),
        Column(
            "trained_previous",
            _("People trained, previous quarter"),
            "int",
            count_of_people=True,
        ),
        Column(
            "trained_change",
            _("Change since the previous quarter"),
            "int",
            help=_("People trained this quarter minus the previous quarter."),
            based_on=("trained", "trained_previous"),
        ),
        Column(
            "by_hand",
            _("Of which entered by hand"),
            "int",
            help=_(
                "People trained whose attendance O&P staff entered by hand and a second "
                "person confirmed."
            ),
            count_of_people=True,
        ),
        Column(
            "no_shows",
            _("No-shows"),
            "int",
            help=_("Distinct people who did not come to a session they were registered for."),
            count_of_people=True,
        ),
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
    dept_total = _total_row(dept_rows, dept_columns, "department")
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
    empty = {"sessions": 0, "capacity": 0, "attended": 0, "no_shows": 0}
    sup_columns = (
        Column("supplier", _("Supplier"), "text"),
        Column("sessions", _("Sessions held"), "int"),
        Column("capacity", _("Places offered"), "int"),
        Column(
            "attended",
            _("Places filled"),
            "int",
            help=_("Attended places in sessions held in the quarter."),
            count_of_people=True,
        ),
        Column(
            "filled",
            _("Capacity filled"),
            "percent",
            help=_("Places filled divided by places offered."),
            based_on=("attended",),
        ),
        Column("no_shows", _("No-shows"), "int", count_of_people=True),
        Column(
            "attended_previous", _("Places filled, previous quarter"), "int", count_of_people=True
        ),
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
                    "capacity": now["capacity"],
                    "attended": now["attended"],
                    "filled": share(now["attended"], now["capacity"]),
                    "no_shows": now["no_shows"],
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
    content_rows_raw = (
        TrainingSession.objects.filter(
            cancelled=False, date__gte=quarter.start, date__lte=quarter.end
        )
        .values("supplier__name", "programme__name", "programme__version")
        .annotate(
            sessions=Count("pk", distinct=True, filter=Q(entered_by_hand=False)),
            attended=Count(
                "completions",
                filter=Q(completions__status=CompletionStatus.ATTENDED)
                & ~Q(
                    completions__source=CompletionSource.HAND,
                    completions__confirmed_at__isnull=True,
                ),
            ),
        )
        .order_by("supplier__name", "programme__name", "programme__version")
    )
    content_columns = (
        Column("supplier", _("Supplier"), "text"),
        Column("programme", _("Programme"), "text"),
        Column("version", _("Version"), "text"),
        Column("sessions", _("Sessions held"), "int"),
        Column("attended", _("Places filled"), "int", count_of_people=True),
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
    def evaluation_table(
        key: str,
        title: str,
        label: str,
        scores: Mapping[tuple[Key, Any], ScoreSum],
        names: Mapping[Any, str],
    ) -> Table:
        columns = (
            Column("name", label, "text"),
            Column("responses", _("Responses"), "int", count_of_people=True),
            Column(
                "mean",
                _("Mean score (1-10)"),
                "decimal",
                help=_("Mean score on a 1-10 scale, weighted by the number of responses."),
                based_on=("responses",),
                decimals=1,
            ),
            Column(
                "responses_previous", _("Responses, previous quarter"), "int", count_of_people=True
            ),
            Column(
                "mean_previous",
                _("Mean score, previous quarter"),
                "decimal",
                based_on=("responses_previous",),
                decimals=1,
            ),
        )
        ids = {pk for (k, pk) in scores if k in (build.current, build.prior)}
        rows = []
        all_now, all_before = ScoreSum(), ScoreSum()
        for pk in sorted(ids, key=lambda pk: names[pk]):
            now = scores.get((build.current, pk), ScoreSum())
            before = scores.get((build.prior, pk), ScoreSum())
            all_now.responses += now.responses
            all_now.total += now.total
            all_before.responses += before.responses
            all_before.total += before.total
            rows.append(
                Row(
                    {
                        "name": names[pk],
                        "responses": now.responses,
                        "mean": now.mean,
                        "responses_previous": before.responses,
                        "mean_previous": before.mean,
                    }
                )
            )
        total = Row(
            {
                "name": _("Total"),
                "responses": all_now.responses,
                "mean": all_now.mean,
                "responses_previous": all_before.responses,
                "mean_previous": all_before.mean,
            }
        )
        return Table(key=key, title=title, columns=columns, rows=tuple(rows), total_row=total)

    programmes = {
        p.pk: f"{p.supplier.name if p.supplier else ''} – {p}".strip(" –")
        for p in TrainingProgramme.objects.select_related("supplier")
    }
    evaluations_suppliers = evaluation_table(
        "evaluations-suppliers",
        _("Evaluations per supplier"),
        _("Supplier"),
        by_supplier,
        {pk: s.name for pk, s in suppliers.items()},
    )
    evaluations_programmes = evaluation_table(
        "evaluations-programmes",
        _("Evaluations per programme"),
        _("Programme"),
        by_programme,
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
        trained_per_quarter.append(_hide_small(trained, trained))
        no_show_per_quarter.append(_hide_small(missed, missed))
    trend_people = Chart(
        key="trend-people-trained",
        title=_("People trained per quarter (tender departments)"),
        x_labels=labels,
        series=(
            Series(_("People trained"), tuple(trained_per_quarter)),
            Series(_("No-shows"), tuple(no_show_per_quarter)),
        ),
        kind="line",
        y_label=_("People"),
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
                tuple(_hide_small(s.mean, s.responses) if s else None for s in scores),
            )
        )
        places = [supply.get((_key(q), pk)) for q in build.quarters]
        filled_series.append(
            Series(
                suppliers[pk].name,
                tuple(
                    _hide_small(share(p["attended"], p["capacity"]), p["attended"]) if p else None
                    for p in places
                ),
            )
        )
    charts = [trend_people]
    if score_series:
        charts.append(
            Chart(
                key="trend-evaluation-suppliers",
                title=_("Mean evaluation score per supplier (1-10)"),
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
    tables = tuple(
        suppress(t, threshold=limit)
        for t in (
            participation,
            supplier_table,
            content,
            evaluations_suppliers,
            evaluations_programmes,
        )
    )
    return Report(
        kind=ReportKind.REGIEGROEP.value,  # type: ignore[arg-type]
        quarter=str(quarter),
        title=_("Regiegroep summary"),
        generated_at=generated_at or timezone.now(),
        tables=tables,
        charts=tuple(charts),
        explanations=_explanations(tables) + _common_explanations(),
        interventions=_report_interventions(items, quarter),
    )


# --- ICOP ----------------------------------------------------------------------------------


def icop_report(quarter: Quarter, *, generated_at: datetime.datetime | None = None) -> Report:
    build = _Build(quarter)
    first = build.first
    in_tender = tender_departments(build.quarters)
    registered = compliance_by_department(first, quarter)
    people = people_by_department(first, quarter)
    reported = self_reported(build.quarters)
    items = interventions(first, quarter)
    departments = list(Department.objects.order_by("code"))
    target = target_share()
    limit = threshold()

    def figures(key: Key, department_id: int) -> tuple[dict[str, int] | None, bool]:
        """(figures, self-reported?) of a department in a quarter; None if not reported."""
        if department_id in in_tender[key]:
            base = registered.get((key, department_id), {})
            return (
                {
                    "committees": base.get("committees", 0),
                    "compliant": base.get("compliant", 0),
                    "justified": base.get("justified", 0),
                    "memberships": base.get("memberships", 0),
                    "trained": base.get("trained", 0),
                    "people": people.get((key, department_id), {}).get("trained", 0),
                    "people_by_hand": people.get((key, department_id), {}).get("by_hand", 0),
                },
                False,
            )
        own = reported.get((key, department_id))
        if own is None:
            return None, True
        return (
            {
                "committees": own.committees,
                "compliant": own.compliant_committees,
                "memberships": own.memberships,
                "trained": own.trained_memberships,
                "people": own.people_trained,
            },
            True,
        )

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
        Column("trained", _("Trained memberships"), "int", count_of_people=True),
        Column("untrained", _("Untrained memberships"), "int", count_of_people=True),
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
        Column("compliant", _("Fully compliant committees"), "int"),
        Column(
            "share_compliant",
            _("Share of committees fully compliant"),
            "percent",
            help=_("Committees where every member whose role requires training is trained."),
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
        ),
        Column(
            "people",
            _("People trained"),
            "int",
            help=_("Distinct people of the department who attended a session in the quarter."),
            count_of_people=True,
        ),
        Column(
            "people_by_hand",
            _("Of which entered by hand"),
            "int",
            help=_(
                "People trained whose attendance O&P staff entered by hand and a second "
                "person confirmed. Self-reporting departments do not report this."
            ),
            count_of_people=True,
        ),
    )
    rows: list[Row] = []
    chart_points: dict[Key, dict[str, int]] = {}
    for q in build.quarters:
        totals = {"memberships": 0, "trained": 0, "committees": 0, "compliant": 0}
        for department in departments:
            found, _own = figures(_key(q), department.pk)
            if found:
                for name in totals:
                    totals[name] += found[name]
        chart_points[_key(q)] = totals
    for department in departments:
        now, own = figures(build.current, department.pk)
        before, _before_own = figures(build.prior, department.pk)
        flags: set[Flag] = {"self_reported"} if own else set()
        cells: dict[str, CellValue] = {
            "code": department.code,
            "department": department.name_nl,
            "enforcement": str(department.get_enforcement_mode_display()).split(":")[0],
        }
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
            if not own:
                cells["justified"] = now["justified"]
                cells["people_by_hand"] = now["people_by_hand"]
        cells["share_trained"] = share_now
        cells["share_trained_previous"] = _hide_small(
            share_before, before["memberships"] if before else None
        )
        if share_now is not None and share_before is not None:
            cells["change"] = ((share_now - share_before) * 100).quantize(Decimal("0.1"))
        if share_now is not None and share_now < target:
            flags.add("below_target")
        rows.append(Row(cells, frozenset(flags)))
    total = _total_row(rows, columns, "department")
    now_total = chart_points[build.current]
    before_total = chart_points[build.prior]
    total_share = share(now_total["trained"], now_total["memberships"])
    before_share = share(before_total["trained"], before_total["memberships"])
    committees_total = sum(_int(r.get("committees")) for r in rows)
    compliant_total = sum(_int(r.get("compliant")) for r in rows)
    total = Row(
        {
            **total.cells,
            "share_trained": total_share,
            "share_trained_previous": before_share,
            "change": ((total_share - before_share) * 100).quantize(Decimal("0.1"))
            if total_share is not None and before_share is not None
            else None,
            "committees": committees_total,
            "compliant": compliant_total,
            "justified": sum(_int(r.get("justified")) for r in rows),
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
            _("Departments outside the tender report their own figures (marked)."),
        ),
    )
    labels = tuple(str(q) for q in build.quarters)
    chart = Chart(
        key="trend-compliance",
        title=_("Share trained and share of committees compliant, all departments"),
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
    tables = (suppress(table, threshold=limit),)
    return Report(
        kind=ReportKind.ICOP.value,  # type: ignore[arg-type]
        quarter=str(quarter),
        title=_("ICOP summary"),
        generated_at=generated_at or timezone.now(),
        tables=tables,
        charts=(chart,),
        explanations=_explanations(tables) + _common_explanations(),
        interventions=_report_interventions(items, quarter),
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
