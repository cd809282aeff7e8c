"""Reads shared by the report pages, services, commands and tasks."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.db import connection
from django.utils import timezone
from django.utils.translation import gettext as _

from committees.models import SelectionCommittee
from reports.models import ReportSnapshot, SelfReportedFigures
from reports.quarters import Quarter
from trainings.models import Tender, TrainingSession


class QuarterNotReportable(ValueError):
    """A quarter outside the range a report can be made for; the message is for the user."""


def first_data_quarter() -> Quarter | None:
    """The earliest quarter with anything to report on, or None before any data exists.

    A tender's start, a training session, a committee's interview date and a
    department's self-reported figures all count as data.
    """
    tender, session, committee, reported = _firsts()
    days = [day for day in (tender, session, committee) if day is not None]
    # Nothing before DATA_FIRST_DATE counts: the forms refuse such dates, and an old
    # mistyped one must not stretch every report back to 1900.
    floor = settings.DATA_FIRST_DATE
    quarters = [Quarter.containing(max(day, floor)) for day in days]
    if reported:
        quarters.append(max(Quarter.parse(reported), Quarter.containing(floor)))
    return min(quarters) if quarters else None


def _firsts() -> tuple[Any, Any, Any, Any]:
    """The first tender start, session, interview date and self-reported quarter (a
    quarter code sorts as it reads), in one query: four round trips were most of the
    cost of a form with a quarter."""
    firsts = [
        model.objects.filter(**{f"{field}__isnull": False})
        .order_by(field)
        .values(field)[:1]
        .query.sql_with_params()
        for model, field in (
            (Tender, "starts_on"),
            (TrainingSession, "date"),
            (SelectionCommittee, "interview_date"),
            (SelfReportedFigures, "quarter"),
        )
    ]
    sql = "SELECT " + ", ".join(f"({query})" for query, _params in firsts)
    with connection.cursor() as cursor:
        cursor.execute(sql, [param for _query, params in firsts for param in params])
        row = cursor.fetchone()
    if row is None:
        return (None, None, None, None)
    # A raw query's dates come as text on SQLite (the demo's database).
    dates = [datetime.date.fromisoformat(d) if isinstance(d, str) else d for d in row[:3]]
    return (dates[0], dates[1], dates[2], row[3])


def reportable_quarters(*, today: datetime.date | None = None) -> list[Quarter]:
    """Every quarter a report can be made for, newest first: from the first quarter
    with data up to the last ended quarter (a report of a running or future quarter
    would freeze figures that are still changing)."""
    first = first_data_quarter()
    last = Quarter.last_ended(today or timezone.localdate())
    if first is None or first > last:
        return []
    quarters = [last]
    while quarters[-1] > first:
        quarters.append(quarters[-1].previous())
    return quarters


def reportable_quarter(
    quarter: Quarter | str,
    *,
    today: datetime.date | None = None,
    first_data: Callable[[], Quarter | None] = first_data_quarter,
) -> Quarter:
    """The quarter, checked; raises QuarterNotReportable with a message for the user.

    Every path that accepts a quarter (form, service, command, task, admin) calls this.
    `first_data` gives the first quarter with data (4 queries): a form with two quarters
    passes one that remembers it.
    """
    if isinstance(quarter, str):
        text = quarter
        try:
            quarter = Quarter.parse(text)
        except ValueError as error:
            raise QuarterNotReportable(
                _(
                    "“%(text)s” is not a quarter. Enter a quarter, for example 2025Q4, "
                    "Q4 2025 or 4th quarter 2025."
                )
                % {"text": text.strip()[:40]}
            ) from error
    last = Quarter.last_ended(today or timezone.localdate())
    if quarter > last:
        raise QuarterNotReportable(
            _("%(quarter)s has not ended yet. The last quarter that has ended is %(last)s.")
            % {"quarter": quarter.label(), "last": last.label()}
        )
    first = first_data()
    if first is None or first > last:
        raise QuarterNotReportable(_("There is no data to report on yet."))
    if quarter < first:
        raise QuarterNotReportable(
            _("There is no data before %(first)s. Choose a quarter from %(first)s to %(last)s.")
            % {"first": first.label(), "last": last.label()}
        )
    return quarter


def snapshot_latest(*, kind: str, quarter: str) -> ReportSnapshot | None:
    """The newest version of a quarter's report, as the reports page lists it."""
    return ReportSnapshot.objects.latest_versions().filter(kind=kind, quarter=quarter).first()
