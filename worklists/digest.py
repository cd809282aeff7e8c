"""The weekly overview for O&P staff: their action list, the committees interviewing
within 14 days that are not compliant, and what changed in the past week.

One message per user and department per ISO week, sent by the first daily run of that
week (normally Monday's); a user turns it off with NotificationPreference.weekly_digest.
It names no members: the dashboard it links to does. The reads are grouped queries over
all departments at once, a fixed number whatever the number of users or committees.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import Count
from django.urls import reverse
from django.utils import timezone

from committees.models import SelectionCommittee
from committees.selectors import action_list
from departments.access import GROUP_NAMES, Role
from departments.models import Department
from notifications.models import NotificationKind
from notifications.rendering import message_render, site_url
from notifications.services import Draft
from trainings.models import TrainingCompletion

URGENT_DAYS = 14
# The message lists at most this many urgent committees; the dashboard has them all.
URGENT_LISTED = 20


@dataclass
class DepartmentWeek:
    department: Department
    actions: int = 0
    urgent: list[SelectionCommittee] = field(default_factory=list)
    new_committees: int = 0
    trained_this_week: int = 0


def digest_recipients() -> list[dict[str, Any]]:
    """(user, department) pairs of active O&P staff with an address who did not turn the
    weekly overview off (one query)."""
    rows = (
        get_user_model()
        .objects.filter(
            is_active=True,
            groups__name=GROUP_NAMES[Role.OP_STAFF],
            staff_departments__isnull=False,
        )
        .exclude(email="")
        .exclude(notification_preference__weekly_digest=False)
        .order_by("pk", "staff_departments")
        .values("pk", "email", "first_name", "staff_departments")
        .distinct()
    )
    return [dict(row) for row in rows]


def department_weeks(department_ids: set[int], today: datetime.date) -> dict[int, DepartmentWeek]:
    """The week's figures of each department (five queries)."""
    departments = Department.objects.filter(pk__in=department_ids)
    weeks = {d.pk: DepartmentWeek(department=d) for d in departments}
    for row in (
        action_list(departments, today)
        .order_by()
        .values("committee__department")
        .annotate(n=Count("pk"))
    ):
        weeks[row["committee__department"]].actions = row["n"]
    for committee in (
        SelectionCommittee.objects.active()
        .filter(department__in=department_ids)
        .interviewing_between(today, today + datetime.timedelta(days=URGENT_DAYS))
        .not_compliant()
        .order_by("interview_date", "pk")
    ):
        weeks[committee.department_id].urgent.append(committee)
    week_ago = timezone.now() - datetime.timedelta(days=7)
    for row in (
        SelectionCommittee.objects.filter(department__in=department_ids, created_at__gte=week_ago)
        .values("department")
        .annotate(n=Count("pk"))
        .order_by()
    ):
        weeks[row["department"]].new_committees = row["n"]
    for row in (
        TrainingCompletion.objects.attended()
        .filter(person__department__in=department_ids, status_changed_at__gte=week_ago)
        .values("person__department")
        .annotate(n=Count("pk"))
        .order_by()
    ):
        weeks[row["person__department"]].trained_this_week = row["n"]
    return weeks


def weekly_digest_drafts(*, today: datetime.date) -> list[Draft]:
    """This ISO week's overview for each O&P staff member and department, until sent."""
    recipients = digest_recipients()
    if not recipients:
        return []
    year, week, _weekday = today.isocalendar()
    weeks = department_weeks({r["staff_departments"] for r in recipients}, today)
    drafts = []
    for recipient in recipients:
        figures = weeks[recipient["staff_departments"]]
        department = figures.department
        context = {
            "first_name": recipient["first_name"],
            "department": department,
            "figures": figures,
            "urgent": [
                (c, site_url(reverse("committees:detail", args=[c.pk])))
                for c in figures.urgent[:URGENT_LISTED]
            ],
            "more_urgent": max(len(figures.urgent) - URGENT_LISTED, 0),
            "urgent_days": URGENT_DAYS,
            "dashboard_url": site_url(reverse("dashboard:department", args=[department.code])),
            "preferences_url": site_url(reverse("message_preferences")),
        }
        drafts.append(
            Draft(
                key=f"weekly-digest:{recipient['pk']}:{department.pk}:{year}-W{week:02d}",
                to=recipient["email"],
                message=message_render(template="worklists/email/weekly_digest", context=context),
                kind=NotificationKind.WEEKLY_DIGEST,
                user_id=recipient["pk"],
                department_id=department.pk,
            )
        )
    return drafts
