"""The dashboards: home (the bureau's overview), a department's dashboard and what-if-strict."""

from __future__ import annotations

import logging

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from committees.selectors import action_list
from departments.access import Role, role_required, sees_all_departments, user_roles
from departments.models import Department
from reports import dashboard, stored
from reports.charts import trend_chart
from reports.quarters import Quarter
from trainings.hand_entry import pending_for

ACTION_LIST_LIMIT = 50
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
    department = get_object_or_404(Department.objects.visible_to(request.user), code=code)
    today = timezone.localdate()
    figures = stored.quarterly_figures(Department.objects.filter(pk=department.pk), today)
    current = figures[-1]
    chart = trend_chart(
        labels=[str(f.quarter) for f in figures],
        series=[
            (_("Memberships trained (%)"), [f.membership_share for f in figures]),
            (_("Committees fully trained (%)"), [f.committee_share for f in figures]),
        ],
        title=_("Training per quarter, %(department)s") % {"department": department.code},
        y_label=_("percent"),
    )
    actions = action_list(department, today)
    action_rows = list(actions[: ACTION_LIST_LIMIT + 1])
    return render(
        request,
        "reports/dashboard.html",
        {
            "department": department,
            "current": current,
            "figures": list(reversed(figures)),
            "chart": chart,
            "actions": action_rows[:ACTION_LIST_LIMIT],
            "more_actions": len(action_rows) > ACTION_LIST_LIMIT,
            "today": today,
            "to_confirm": pending_for(request.user).count(),
        },
    )


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
