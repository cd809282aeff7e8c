"""What a report download adds from the live data, at download time.

The justification annex is never frozen into a snapshot: snapshots cannot change (see
`reports.frozen` and the trigger), while retention must be able to scrub the names in
the justifications. So the annex is read when it is downloaded, scoped to the reader:
the programme bureau sees every department, O&P staff their own.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.contrib.auth.models import AnonymousUser, User
from django.utils import timezone
from django.utils.translation import gettext as _

from committees.models import CommitteeJustification, CommitteeStatus
from reports.figures import report_interventions
from reports.models import Intervention
from reports.presentation.tables import Column, Report, Row, Table
from reports.presentation.tables import Intervention as ReportIntervention
from reports.quarters import Quarter


def justifications_for(
    *, user: User | AnonymousUser, quarter: Quarter
) -> list[CommitteeJustification]:
    """The justifications `user` may read for committees interviewing in `quarter` (1 query)."""
    return list(
        CommitteeJustification.objects.visible_to(user)
        .filter(
            committee__interview_date__gte=quarter.start,
            committee__interview_date__lte=quarter.end,
        )
        .exclude(committee__status=CommitteeStatus.CANCELLED)
        .select_related("committee__department")
        .order_by("committee__department__code", "committee__interview_date", "created_at", "pk")
    )


def interventions_for(
    *, user: User | AnonymousUser, quarter: Quarter
) -> tuple[ReportIntervention, ...]:
    """The interventions of `quarter` that concern the departments `user` sees (2 queries)."""
    items = list(
        Intervention.objects.visible_to(user)
        .between(quarter.start, quarter.end)
        .prefetch_related("departments")
        .order_by("date", "pk")
    )
    return report_interventions(items, quarter)


def _given_on(moment: datetime.datetime) -> datetime.date:
    return timezone.localdate(moment)


def annex_table(justifications: list[CommitteeJustification]) -> Table:
    """One row per justification. No counts, so nothing to suppress: the annex holds
    names and texts, and only for readers who may see them on the committee pages."""
    columns = (
        Column("code", _("Code"), "text"),
        Column("vacancy", _("Vacancy"), "text"),
        Column("interview_date", _("Interview date"), "date"),
        Column("status", _("Status confirmed"), "text"),
        Column("given_on", _("Given on"), "date"),
        Column("untrained_members", _("Untrained members at the time"), "text"),
        Column("text", _("Justification"), "text"),
    )
    rows: list[Row] = []
    for item in justifications:
        committee = item.committee
        cells: dict[str, Any] = {
            "code": committee.department.code,
            "vacancy": f"{committee.vacancy_reference} – {committee.vacancy_title}",
            "interview_date": committee.interview_date,
            "status": str(CommitteeStatus(item.status).label),
            "given_on": _given_on(item.created_at),
            "untrained_members": ", ".join(item.untrained_members.splitlines()),
            "text": item.text,
        }
        rows.append(Row(cells))
    notes = () if rows else (_("No justifications were given in this quarter."),)
    return Table(
        key="justifications",
        title=_("Justifications"),
        columns=columns,
        rows=tuple(rows),
        notes=notes,
    )


def annex_report(*, kind: str, quarter: Quarter, user: User | AnonymousUser) -> Report:
    """The annex of a report for `user`, from the data as they are now."""
    return Report(
        kind=kind,  # type: ignore[arg-type]
        quarter=str(quarter),
        title=_("Annex: justifications"),
        generated_at=timezone.now(),
        tables=(annex_table(justifications_for(user=user, quarter=quarter)),),
        interventions=interventions_for(user=user, quarter=quarter),
    )
