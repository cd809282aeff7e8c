"""The people pages: a scoped list with search, a person's page, and editing a person."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from committees.models import CommitteeMembership, SelectionCommittee
from committees.selectors import with_training_state
from departments.access import (
    Role,
    has_a_role,
    is_administrator,
    role_required,
    sees_all_departments,
    user_roles,
)
from departments.models import Department, Person
from departments.people import DuplicatePersonError, person_update
from departments.people_forms import PeopleSearchForm, PersonForm
from trainings.hand_entry import people_enterable_by
from trainings.selectors import person_completions

PAGE_SIZE = 25


@require_safe
@role_required(has_a_role)
def people_list(request: HttpRequest) -> HttpResponse:
    """Everyone the user may see, searchable by name, employee number and email."""
    form = PeopleSearchForm(request.GET or None)
    query = form.cleaned_data["q"] if form.is_valid() else ""
    found = Person.objects.visible_to(request.user)
    if form.is_bound and not form.is_valid():
        # A refused search shows its error and no one, not everyone.
        found = found.none()
    elif query:
        found = found.search(query)
    people = with_training_state(found, timezone.localdate()).select_related("department")
    page = Paginator(people, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "departments/people_list.html",
        {
            "form": form,
            "query": query,
            "page": page,
            "show_department": Department.objects.visible_to(request.user)[:2].count() > 1,
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
    committees = SelectionCommittee.objects.with_compliance().select_related("department")
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
