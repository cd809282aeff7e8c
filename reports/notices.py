"""The message that a quarter's reports are compiled, to the programme bureau and to each
ministry's O&P director, scoped to what each may see.

Written in the transaction that marks the compile done (reports.services.job_run), keyed
per quarter and recipient: a compile run again, or the quarter compiled once more on the
page, sends nothing new. Only a compile of both reports of a quarter that has ended
announces it (a compile of the running quarter is a preview).

- The bureau (it reads every department) gets the links to both reports and each
  ministry's share of trained committee memberships.
- An O&P director gets their own ministry's figures only, and the link to its dashboard.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.urls import reverse

from departments.access import GROUP_NAMES, Role
from departments.models import Department
from notifications.models import NotificationKind
from notifications.rendering import message_render, site_url
from notifications.services import Draft, notifications_queue_many
from reports.dashboard import DepartmentFigures, overview
from reports.models import JobKind, ReportJob
from reports.quarters import Quarter


def _shares(
    rows: list[DepartmentFigures],
) -> list[tuple[Department, Decimal | None, Decimal | None]]:
    # The exact shares: the templates show them with the pages' `percent` filter (one
    # decimal, rounded half up once, in each language's notation), as the reports do.
    return [(r.department, r.membership_share, r.committee_share) for r in rows]


def _bureau_drafts(job: ReportJob, quarter: Quarter, rows: list[DepartmentFigures]) -> list[Draft]:
    users = (
        get_user_model()
        .objects.filter(is_active=True, groups__name=GROUP_NAMES[Role.PROGRAMME_BUREAU])
        .exclude(email="")
        .order_by("pk")
        .distinct()
    )
    reports = [
        (snapshot, site_url(reverse("reports:snapshot", args=[snapshot.pk])))
        for snapshot in job.snapshots.order_by("kind")
    ]
    context = {"quarter": quarter, "reports": reports, "rows": _shares(rows)}
    message = message_render(template="reports/email/quarterly_bureau", context=context)
    return [
        Draft(
            key=f"quarterly:{quarter}:bureau:{user.pk}",
            to=user.email,
            message=message,
            kind=NotificationKind.QUARTERLY,
            user_id=user.pk,
        )
        for user in users
    ]


def _director_drafts(quarter: Quarter, rows: list[DepartmentFigures]) -> list[Draft]:
    drafts = []
    for row in rows:
        department = row.department
        if not department.op_director_email:
            continue
        context = {
            "quarter": quarter,
            "memberships": row.membership_share,
            "committees": row.committee_share,
            "department": department,
            "dashboard_url": site_url(reverse("dashboard:department", args=[department.code])),
        }
        drafts.append(
            Draft(
                key=f"quarterly:{quarter}:director:{department.pk}:"
                f"{department.op_director_email.lower()}",
                to=department.op_director_email,
                message=message_render(
                    template="reports/email/quarterly_director", context=context
                ),
                kind=NotificationKind.QUARTERLY,
                department_id=department.pk,
            )
        )
    return drafts


def quarterly_notice_queue(*, job: ReportJob, today: datetime.date) -> list[str]:
    """Queue the messages that `job`'s quarter is compiled; returns the new keys.

    Call inside the transaction that marks the job done."""
    quarter = Quarter.parse(job.quarter)
    if job.kind != JobKind.ALL or quarter.end >= today:
        return []
    rows = overview(Department.objects.order_by("code"), quarter)
    drafts = [*_bureau_drafts(job, quarter, rows), *_director_drafts(quarter, rows)]
    return notifications_queue_many(drafts=drafts)
