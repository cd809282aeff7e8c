"""The people pages: a scoped list with search, a person's page, and editing a person."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Prefetch
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from committees.models import CommitteeMembership
from committees.selectors import (
    committees_with_compliance,
    mark_training_state,
)
from departments.access import (
    Role,
    has_a_role,
    is_administrator,
    role_required,
    sees_all_departments,
    user_roles,
)
from departments.models import NAME_ORDER, Person, PersonQuerySet, visible_department_ids
from departments.people import DuplicatePersonError, person_update
from departments.people_forms import PeopleSearchForm, PersonForm
from training_monitor.page_values import url_for_pk
from trainings.hand_entry import people_enterable_by
from trainings.selectors import person_completions

PAGE_SIZE = 25
# The list says how many people it found up to this number, and "more than" beyond: a
# count of all 250,000 people of the Rijk (or of a search that finds most of them) cost
# more than the page itself (issue 15).
COUNT_LIMIT = 1000


@dataclass
class NamePage:
    """A page of a list in name order (`Person.NAME_ORDER`), and where the pages either
    side of it start: after its last person, or before its first (keyset paging)."""

    object_list: list[Person] = field(default_factory=list)
    next_after: int | None = None
    previous_before: int | None = None

    @property
    def has_other_pages(self) -> bool:
        return bool(self.next_after or self.previous_before)


def _anchor(people: PersonQuerySet, value: str | None) -> Person | None:
    """The person a page starts after (or ends before), if `people` holds them."""
    if not value or not value.isdigit() or len(value) > 18:
        return None
    return people.filter(pk=int(value)).only(*NAME_ORDER[:-1]).first()


def name_page(people: PersonQuerySet, anchors: PersonQuerySet, params: QueryDict) -> NamePage:
    """The page of `people` that `params` asks for: the people after `?after=<id>` or
    before `?before=<id>` (a person of `anchors`), else the first page. Each reads one page
    and one row more (to know whether there is a next), whatever the page's depth."""
    after = _anchor(anchors, params.get("after"))
    before = None if after else _anchor(anchors, params.get("before"))
    if before is not None:
        rows = list(people.beyond(before, backwards=True)[: PAGE_SIZE + 1])
        if len(rows) > PAGE_SIZE:
            rows = rows[:PAGE_SIZE][::-1]
            return NamePage(rows, next_after=rows[-1].pk, previous_before=rows[0].pk)
        # The start of the list: the first page, full, whatever was added or removed.
    first = people.in_name_order() if after is None else people.beyond(after)
    rows = list(first[: PAGE_SIZE + 1])
    page = NamePage(rows[:PAGE_SIZE])
    if len(rows) > PAGE_SIZE:
        page.next_after = rows[PAGE_SIZE - 1].pk
    if after is not None:
        page.previous_before = rows[0].pk if rows else after.pk
    return page


def _found_count(people: PersonQuerySet, page: NamePage) -> int:
    """How many people the list holds, up to COUNT_LIMIT + 1 (no query for a list that
    fits on its first page)."""
    if not page.has_other_pages:
        return len(page.object_list)
    return people.order_by()[: COUNT_LIMIT + 1].count()


def person_rows(people: list[Person]) -> list[dict[str, Any]]:
    """The list's rows with every shown value ready: the template only prints (a URL
    reversed and the training state's template included per row took a third of the
    page's time)."""
    person_url = url_for_pk("people:person")
    states = {
        "trained": ("ok", _("Trained")),
        "awaiting": ("warn", _("Awaiting confirmation")),
        "untrained": ("bad", _("Not trained")),
    }
    return [
        {
            "url": person_url(person.pk),
            "name": person.full_name,
            "employee_number": person.employee_number or "–",
            "email": person.email or "–",
            "department": person.department.code,
            "state": states[_training_state(person)],
        }
        for person in people
    ]


def _training_state(person: Person) -> str:
    """As committees/_training_state.html decides it (`mark_training_state`'s marks)."""
    if getattr(person, "is_trained", False):
        return "trained"
    return "awaiting" if getattr(person, "is_awaiting", False) else "untrained"


@require_safe
@role_required(has_a_role)
def people_list(request: HttpRequest) -> HttpResponse:
    """Everyone the user may see, searchable by name, employee number and email."""
    form = PeopleSearchForm(request.GET or None)
    query = form.cleaned_data["q"] if form.is_valid() else ""
    found = Person.objects.visible_to_listed(request.user)
    if form.is_bound and not form.is_valid():
        # A refused search shows its error and no one, not everyone.
        found = found.none()
    elif query:
        found = found.search(query)
    page = name_page(
        found.select_related("department"), Person.objects.visible_to(request.user), request.GET
    )
    mark_training_state(page.object_list, timezone.localdate())
    count = _found_count(found, page)
    return render(
        request,
        "departments/people_list.html",
        {
            "form": form,
            "query": query,
            "page": page,
            "rows": person_rows(page.object_list),
            "count": count,
            "count_more": count > COUNT_LIMIT,
            "count_limit": number_format(COUNT_LIMIT, force_grouping=True),
            "show_department": sees_all_departments(request.user)
            or len(visible_department_ids(request.user)) > 1,
        },
    )


@login_required
def person_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Change a person's name, email address or employee number (not for the bureau)."""
    person = get_object_or_404(
        Person.objects.visible_to(request.user).select_related("department"), pk=pk
    )
    if not Person.objects.editable_by(request.user).filter(pk=pk).exists():
        raise PermissionDenied
    initial = {
        name: getattr(person, name) or ""
        for name in ("first_name", "particle", "last_name", "email", "employee_number")
    }
    form = PersonForm(request.POST or None, initial=initial)
    existing: list[Person] = []
    if request.method == "POST" and form.is_valid():
        try:
            person_update(person=person, user=request.user, **form.cleaned_data)
        except ValidationError as error:
            if isinstance(error, DuplicatePersonError):
                existing = error.existing
            if hasattr(error, "error_dict"):
                for name, errors in error.message_dict.items():
                    form.add_error(name if name in form.fields else None, errors)
            else:
                form.add_error(None, error)
            # The failed save changed the object in memory only; show the stored name.
            person.refresh_from_db()
        else:
            messages.success(
                request, _("The details of %(name)s have been saved.") % {"name": person.full_name}
            )
            return redirect("people:person", pk=pk)
    return render(
        request,
        "departments/person_form.html",
        {"person": person, "form": form, "existing": existing},
    )


@require_safe
@login_required
def person_detail(request: HttpRequest, pk: int) -> HttpResponse:
    person = get_object_or_404(
        Person.objects.visible_to(request.user).select_related("department"), pk=pk
    )
    completions = person_completions(person)
    # The memberships are scoped to the reader; their committees come with them.
    committees = committees_with_compliance(None)
    memberships = (
        CommitteeMembership.objects.visible_to(request.user)
        .filter(person=person)
        .with_training_status()
        .prefetch_related(Prefetch("committee", queryset=committees))
        .order_by("-committee__interview_date")
    )
    return render(
        request,
        "departments/person_detail.html",
        {
            "person": person,
            "completions": completions,
            "memberships": memberships,
            "may_enter": people_enterable_by(request.user).filter(pk=person.pk).exists(),
            # Found through visible_to: for O&P staff that is their own departments, which
            # they may change; the bureau only reads. Decided without another query.
            "may_edit": is_administrator(request.user)
            or (
                Role.OP_STAFF in user_roles(request.user) and not sees_all_departments(request.user)
            ),
        },
    )
