"""The dashboards: home (the bureau's overview), a department's dashboard and what-if-strict."""

from __future__ import annotations

import datetime
import hashlib
import logging
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.db.models import F
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from committees.compliance import required_roles, validity
from committees.models import MembershipRole
from committees.selectors import action_list_page
from departments.access import Role, role_required, sees_all_departments, user_roles
from departments.models import Department
from departments.names import display_name
from reports import dashboard, stored
from reports.charts import trend_chart
from reports.quarters import Quarter
from training_monitor.page_values import url_for_pk
from trainings.hand_entry import pending_for, pending_in_department

# Rows of the action list per page; the rest on the next pages and in the downloads.
ACTION_LIST_LIMIT = 25
# How long a dashboard's department part stays in the cache: its key changes with the
# data, so this only frees the memory of parts no longer asked for.
PART_SECONDS = 6 * 3600
logger = logging.getLogger(__name__)


@require_safe
@login_required
def home(request: HttpRequest) -> HttpResponse:
    """Send each user to what they need: O&P staff to their dashboard, the bureau to
    the overview of all departments."""
    departments = Department.objects.visible_to(request.user)
    sees_all = sees_all_departments(request.user)
    if not sees_all and Role.OP_STAFF in user_roles(request.user):
        own = list(departments[:2])
        if len(own) == 1:
            return redirect("dashboard:department", code=own[0].code)
    today = timezone.localdate()
    quarter = Quarter.containing(today)
    rows = stored.overview(departments, quarter) if sees_all else []
    return render(
        request,
        "home.html",
        {
            "departments": departments,
            "sees_all": sees_all,
            "overview": rows,
            "quarter": quarter,
            "to_confirm": pending_for(request.user).count(),
        },
    )


@require_safe
@login_required
def department_dashboard(request: HttpRequest, code: str) -> HttpResponse:
    department = get_object_or_404(
        Department.objects.visible_to(request.user).annotate(
            to_confirm=pending_in_department(request.user),
            version=F("data_version__version"),
        ),
        code=code,
    )
    page = action_page_number(request)
    part = department_part(department, timezone.localdate(), page)
    if page > 1 and not part["actions"]:
        # Past the end (members were trained since the link was made): the first page.
        return redirect(f"{request.path}#actions")
    return render(
        request,
        "reports/dashboard.html",
        {
            **part,
            "department": department,
            "action_page": page,
            # The hand entries of this department that wait for the user.
            "to_confirm": department.to_confirm,  # type: ignore[attr-defined]
        },
    )


def department_part(department: Department, today: datetime.date, page: int) -> dict[str, Any]:
    """What the dashboard shows of the department's data: the same for every reader of it.

    Kept in the cache under the department's data version (departments.DataVersion,
    raised in the transaction of every change to the data shown here), the day, the page,
    the language and what the compliance rule reads from the settings. Computing it costs
    twice the rest of the page: the stored figures, the chart and the action list.
    """
    key = ":".join(
        [
            "dashboard-part",
            str(department.pk),
            str(department.version or 0),  # type: ignore[attr-defined]
            today.isoformat(),
            str(page),
            get_language() or "",
            hashlib.sha256(repr((required_roles(), validity())).encode()).hexdigest()[:16],
        ]
    )
    part = cache.get(key)
    if part is None:
        part = department_part_compute(department, today, page)
        cache.set(key, part, timeout=PART_SECONDS)
    return part


def department_part_compute(
    department: Department, today: datetime.date, page: int
) -> dict[str, Any]:
    """`department_part` without the cache."""
    # The department itself, not a queryset of it: no subquery to build and plan.
    figures = stored.quarterly_figures([department], today)
    chart = trend_chart(
        labels=[str(f.quarter) for f in figures],
        series=[
            (_("Memberships trained (%)"), [f.membership_share for f in figures]),
            (_("Committees fully trained (%)"), [f.committee_share for f in figures]),
        ],
        title=_("Training per quarter, %(department)s") % {"department": department.code},
        y_label=_("percent"),
    )
    offset = (page - 1) * ACTION_LIST_LIMIT
    action_rows = action_list_page(department, today, offset=offset, limit=ACTION_LIST_LIMIT + 1)
    return {
        "current": figures[-1],
        "figures": list(reversed(figures)),
        # The trend table's cache key: the same figures render the same table.
        "figures_key": hashlib.sha256(repr(figures).encode()).hexdigest(),
        "chart": chart,
        "actions": action_display(action_rows[:ACTION_LIST_LIMIT]),
        "more_actions": len(action_rows) > ACTION_LIST_LIMIT,
        "action_first": offset + 1,
        "action_last": offset + min(len(action_rows), ACTION_LIST_LIMIT),
        "today": today,
    }


def action_page_number(request: HttpRequest) -> int:
    """The action list's page (`?page=`, from 1); anything else is the first page."""
    value = request.GET.get("page", "")
    return int(value) if value.isdigit() and 0 < int(value) < 100_000 else 1


def action_display(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The action list's rows with every shown value ready: the template only prints.

    Per row the template once formatted a date, reversed two URLs (~60 µs each) and
    looked up a role label and a name through the models: most of the page's time.
    """
    committee_url = url_for_pk("committees:detail")
    person_url = url_for_pk("people:person")
    roles = {role.value: str(role.label) for role in MembershipRole}
    dates: dict[datetime.date, str] = {}
    shown = []
    for row in rows:
        date = row["committee__interview_date"]
        if date not in dates:
            dates[date] = date_format(date, "j F Y")
        shown.append(
            {
                "pk": row["pk"],
                "date": dates[date],
                "committee_url": committee_url(row["committee_id"]),
                "reference": row["committee__vacancy_reference"],
                "title": row["committee__vacancy_title"],
                "person_url": person_url(row["person_id"]),
                "name": display_name(
                    row["person__first_name"], row["person__particle"], row["person__last_name"]
                ),
                "role": roles.get(row["role"], row["role"]),
                "is_registered": row["is_registered"],
            }
        )
    return shown


@require_safe
@role_required(sees_all_departments)
def what_if_strict(request: HttpRequest) -> HttpResponse:
    """For the programme bureau: what `strict` would have blocked in the last four quarters."""
    today = timezone.localdate()
    last = Quarter.containing(today)
    first = last.previous().previous().previous()
    rows = stored.what_if_strict(Department.objects.all(), first, last)
    return render(
        request,
        "reports/what_if_strict.html",
        {
            "rows": rows,
            "first": first,
            "last": last,
            "start": first.start,
            "end": last.end,
            **dashboard.what_if_totals(rows),
        },
    )
