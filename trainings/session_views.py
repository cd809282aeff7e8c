"""The sessions page: upcoming sessions with places left, for whoever arranges them."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from departments.access import has_a_role, role_required
from trainings.filters import SessionFilter
from trainings.models import TrainingSession
from trainings.session_cells import session_cells

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser, User

PAGE_SIZE = 25


def upcoming_sessions_for(user: User | AnonymousUser) -> QuerySet[TrainingSession]:
    """Upcoming sessions `user` may see, with places left, soonest first (one query)."""
    return (
        TrainingSession.objects.visible_to(user)
        .upcoming()
        .with_places_left()
        .select_related("supplier", "programme", "department")
        .soonest_first()
    )


@require_safe
@role_required(has_a_role)
def session_list(request: HttpRequest) -> HttpResponse:
    sessions = SessionFilter(request.GET or None, queryset=upcoming_sessions_for(request.user))
    page = Paginator(sessions.qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "trainings/session_list.html",
        {"filter": sessions, "page": page, "rows": session_cells(page.object_list)},
    )
