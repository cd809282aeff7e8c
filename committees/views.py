from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote, urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from committees import services
from committees.enforcement import CONFIRMING_STATUSES, EnforcementError
from committees.forms import AddMemberForm, CommitteeForm, NewPersonForm, PersonSearchForm
from committees.models import (
    CommitteeMembership,
    CommitteeStatus,
    MembershipRole,
    SelectionCommittee,
)
from committees.selectors import (
    MemberRow,
    committee_list_filter,
    committee_member_rows,
    committees_with_compliance,
    mark_training_state,
)
from departments.access import is_htmx, may_edit_department_data
from departments.models import Department, EnforcementMode, Person
from departments.people import DuplicatePersonError, person_likely_matches
from training_monitor.page_values import CountedUpTo, date_shown, url_for_pk

PAGE_SIZE = 25
# The committee list counts up to this many; beyond, it says "more than" (CountedUpTo).
COUNT_LIMIT = 1000
SEARCH_LIMIT = 20
SEARCH_COUNT_LIMIT = 100


def _editable_committee(request: HttpRequest, pk: int) -> SelectionCommittee:
    """404 for other departments; 403 for readers (the programme bureau) of this one."""
    committee = get_object_or_404(
        SelectionCommittee.objects.visible_to(request.user)
        .with_editable(request.user)
        .select_related("department"),
        pk=pk,
    )
    if not committee.editable:
        raise PermissionDenied
    return committee


@require_safe
@login_required
def committee_list(request: HttpRequest) -> HttpResponse:
    committee_filter = committee_list_filter(request.user, request.GET)
    page = CountedUpTo(committee_filter.qs, PAGE_SIZE, count_limit=COUNT_LIMIT).get_page(
        request.GET.get("page")
    )
    departments = Department.objects.visible_to(request.user)
    return render(
        request,
        "committees/committee_list.html",
        {
            "filter": committee_filter,
            "page": page,
            "rows": committee_rows(page.object_list),
            "show_department": departments.count() > 1,
            "may_edit": Department.objects.editable_by(request.user).exists(),
        },
    )


@dataclass(frozen=True)
class CommitteeRow:
    """A row of the committee list, every shown value ready: the template only prints."""

    url: str
    reference: str
    title: str
    department: str
    interview_date: str
    status: str
    incomplete: bool
    compliant: bool
    trained: str  # "2 of 3 trained"


def committee_rows(committees: Iterable[SelectionCommittee]) -> list[CommitteeRow]:
    """The list's rows (annotated by `with_compliance`, with their department).

    Per row the template once reversed a URL, formatted a date, read the status label
    through the model and included the trained count: more time than the query of the
    page took.
    """
    url = url_for_pk("committees:detail")
    shown_date = date_shown()
    statuses = {status.value: str(status.label) for status in CommitteeStatus}
    # The msgid of _trained_count.html, which the committee page still includes.
    trained = _("%(trained)s of %(required)s trained")
    return [
        CommitteeRow(
            url=url(committee.pk),
            reference=committee.vacancy_reference,
            title=committee.vacancy_title,
            department=committee.department.code,
            interview_date=shown_date(committee.interview_date),
            status=statuses.get(committee.status, committee.status),
            incomplete=committee.is_incomplete,  # type: ignore[attr-defined]
            compliant=committee.is_compliant,  # type: ignore[attr-defined]
            trained=trained
            % {
                "trained": committee.trained_count,  # type: ignore[attr-defined]
                "required": committee.required_count,  # type: ignore[attr-defined]
            },
        )
        for committee in committees
    ]


@login_required
def committee_create(request: HttpRequest) -> HttpResponse:
    if not Department.objects.editable_by(request.user).exists():
        raise PermissionDenied
    form = CommitteeForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        committee = services.committee_create(
            user=request.user,
            **{
                name: form.cleaned_data[name]
                for name in ("department", *services.EDITABLE_FIELDS)
                if name in form.cleaned_data
            },
        )
        messages.success(request, _("The committee has been saved. Now add its members."))
        return redirect("committees:detail", pk=committee.pk)
    return render(request, "committees/committee_form.html", {"form": form, "committee": None})


@login_required
def committee_edit(request: HttpRequest, pk: int) -> HttpResponse:
    committee = _editable_committee(request, pk)
    form = CommitteeForm(request.POST or None, instance=committee, user=request.user)
    if request.method == "POST" and form.is_valid():
        # The form already ran the enforcement check; the service runs it again so the
        # rule holds even if members changed in between.
        try:
            services.committee_update(
                committee=SelectionCommittee.objects.select_related("department").get(pk=pk),
                user=request.user,
                justification=form.cleaned_data["justification"],
                **{name: form.cleaned_data[name] for name in services.EDITABLE_FIELDS},
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The committee has been saved."))
            if form.enforcement_warning:
                messages.warning(request, form.enforcement_warning)
            return redirect("committees:detail", pk=pk)
    return render(request, "committees/committee_form.html", {"form": form, "committee": committee})


@dataclass
class HistoryEntry:
    when: datetime.datetime
    who: str
    what: str
    details: list[str] = field(default_factory=list)


def _shown(field_name: str, value: Any) -> str:
    """A history value as people read it: the label of a choice, a date as a date."""
    model_field = SelectionCommittee._meta.get_field(field_name)
    choices = dict(getattr(model_field, "flatchoices", None) or [])
    if value in choices:
        return str(choices[value])
    if isinstance(value, datetime.date):
        return date_format(value)
    return str(value) if value not in (None, "") else "–"


def _history(committee: SelectionCommittee) -> list[HistoryEntry]:
    entries: list[HistoryEntry] = []
    records = list(committee.history.select_related("history_user").order_by("history_id"))
    labels = {f.name: str(f.verbose_name) for f in SelectionCommittee._meta.fields}
    previous: Any = None
    for record in records:
        who = record.history_user.get_username() if record.history_user else _("the system")
        if previous is None:
            entries.append(HistoryEntry(record.history_date, who, _("Committee created")))
        else:
            delta = record.diff_against(previous, excluded_fields=["updated_at", "created_at"])
            details = [
                f"{labels.get(change.field, change.field)}: "
                f"{_shown(change.field, change.old)} → {_shown(change.field, change.new)}"
                for change in delta.changes
            ]
            if details:
                entries.append(HistoryEntry(record.history_date, who, _("Changed"), details))
        previous = record
    member_records = (
        CommitteeMembership.history.filter(committee_id=committee.pk)
        .select_related("history_user", "person")
        .order_by("history_id")
    )
    for record in member_records:
        who = record.history_user.get_username() if record.history_user else _("the system")
        name = record.person.full_name
        if record.history_type == "+":
            what = _("Member added: %(name)s") % {"name": name}
        elif record.history_type == "-":
            what = _("Member removed: %(name)s") % {"name": name}
        else:
            what = _("Member changed: %(name)s") % {"name": name}
        entries.append(HistoryEntry(record.history_date, who, what))
    entries.sort(key=lambda e: e.when, reverse=True)
    return entries


@dataclass
class PeopleSearch:
    """The first hits of a member search and how many there are in all (up to
    SEARCH_COUNT_LIMIT + 1)."""

    hits: list[Person] = field(default_factory=list)
    total: int = 0

    @property
    def more(self) -> bool:
        return self.total > len(self.hits)

    @property
    def more_than_limit(self) -> bool:
        return self.total > SEARCH_COUNT_LIMIT

    @property
    def count_limit(self) -> int:
        return SEARCH_COUNT_LIMIT

    @property
    def addable(self) -> int:
        """How many of the hits are not on the committee yet."""
        return sum(1 for person in self.hits if not getattr(person, "on_committee", False))


def _search_people(request: HttpRequest, committee: SelectionCommittee, text: str) -> PeopleSearch:
    """People the user may add, with their training and whether they already sit here.

    Members already on the committee stay in the results (marked), so a search for them
    never answers "nobody found". Two queries, and a bounded count when the hits fill the
    list: "more than 100" says enough to make the search more precise (issue 15).
    """
    if not text:
        return PeopleSearch()
    found = Person.objects.visible_to_listed(request.user).search(text)
    hits = list(found.select_related("department").in_name_order()[:SEARCH_LIMIT])
    mark_training_state(
        hits,
        committee.interview_date,
        on_committee=Exists(
            CommitteeMembership.objects.filter(committee=committee, person=OuterRef("pk"))
        ),
    )
    if len(hits) < SEARCH_LIMIT:
        return PeopleSearch(hits=hits, total=len(hits))
    return PeopleSearch(hits=hits, total=found.order_by()[: SEARCH_COUNT_LIMIT + 1].count())


def _rule_breach(committee: SelectionCommittee, rows: list[MemberRow]) -> list[str]:
    """The members a confirmed committee in strict or justify mode no longer has a plan
    for (neither trained nor registered by the interview date), e.g. after a
    registration it relied on was cancelled."""
    if committee.status not in CONFIRMING_STATUSES or committee.department.enforcement_mode not in (
        EnforcementMode.STRICT,
        EnforcementMode.JUSTIFY,
    ):
        return []
    # The annotations of `with_training_status`.
    return [
        row.membership.person.full_name
        for row in rows
        if getattr(row.membership, "requires_training", False)
        and not getattr(row.membership, "is_trained", True)
        and not getattr(row.membership, "is_registered", True)
    ]


@dataclass(frozen=True)
class MemberLinks:
    """The links of a member's row on the committee page."""

    person: str
    register: str
    enter: str  # with ?next= back to the committee
    role: str
    remove: str
    cancel: str  # of the registration shown; "" without one


def _member_links(
    committee: SelectionCommittee, rows: list[MemberRow]
) -> list[tuple[MemberRow, MemberLinks]]:
    """Each row with its links, each kind reversed once: per row the template reversed
    six URLs (~60 µs each), more than the rest of the row took."""
    person = url_for_pk("people:person")
    register = url_for_pk("committees:member_register", committee.pk)
    role = url_for_pk("committees:member_role", committee.pk)
    remove = url_for_pk("committees:member_remove", committee.pk)
    enter = url_for_pk("completions:enter")
    back = quote(reverse("committees:detail", args=[committee.pk]), safe="/")
    return [
        (
            row,
            MemberLinks(
                person=person(row.membership.person_id),
                register=register(row.membership.pk),
                enter=f"{enter(row.membership.person_id)}?next={back}",
                role=role(row.membership.pk),
                remove=remove(row.membership.pk),
                cancel=reverse(
                    "committees:registration_cancel",
                    args=[committee.pk, row.membership.pk, row.registration.pk],
                )
                if row.registration is not None
                else "",
            ),
        )
        for row in rows
    ]


@require_safe
@login_required
def committee_detail(request: HttpRequest, pk: int) -> HttpResponse:
    committee = get_object_or_404(
        committees_with_compliance(request.user).with_editable(request.user), pk=pk
    )
    may_edit = may_edit_department_data(request.user) and committee.editable
    search_form = PersonSearchForm(request.GET or None)
    query = search_form.cleaned_data["q"] if search_form.is_valid() else ""
    rows = committee_member_rows(committee, user=request.user)
    return render(
        request,
        "committees/committee_detail.html",
        {
            "committee": committee,
            "rows": rows,
            "members": _member_links(committee, rows),
            "breach": _rule_breach(committee, rows),
            "history": _history(committee),
            "justifications": committee.justifications.select_related("created_by"),
            "may_edit": may_edit,
            "search_form": search_form,
            "query": query,
            "search": _search_people(request, committee, query) if may_edit else PeopleSearch(),
            "add_form": AddMemberForm(user=request.user, auto_id="add_%s"),
            "person_form": NewPersonForm(auto_id="new_%s"),
        },
    )


@require_safe
@login_required
def people_search(request: HttpRequest, pk: int) -> HttpResponse:
    """The autocomplete fragment (htmx); without JavaScript the committee page searches."""
    committee = _editable_committee(request, pk)
    search_form = PersonSearchForm(request.GET)
    query = search_form.cleaned_data["q"] if search_form.is_valid() else ""
    if not is_htmx(request):
        detail = reverse("committees:detail", args=[pk])
        return redirect(f"{detail}?{urlencode({'q': query})}#add-member")
    return render(
        request,
        "committees/_people_search.html",
        {
            "committee": committee,
            "query": query,
            "search": _search_people(request, committee, query),
            "add_form": AddMemberForm(user=request.user, auto_id="add_%s"),
        },
    )


def _back_to_committee(pk: int) -> HttpResponse:
    # No #members: the message at the top of the page takes the focus (autofocus), which
    # browsers skip when the address points into the page.
    return redirect("committees:detail", pk=pk)


def _ask_member_justification(
    request: HttpRequest,
    committee: SelectionCommittee,
    form: AddMemberForm,
    error: EnforcementError,
) -> HttpResponse:
    """The department asks a justification: a step of its own, person and role kept."""
    if "justification" in request.POST:
        # Sent from this step without a reason: the error belongs to the field.
        form.add_error("justification", _("Write why this member joins although not trained."))
    return render(
        request,
        "committees/member_justify.html",
        {
            "committee": committee,
            "form": form,
            "reason": " ".join(error.messages),
            "person": form.cleaned_data["person"],
            "role": form.cleaned_data["role"],
            "role_label": MembershipRole(form.cleaned_data["role"]).label,
        },
    )


@login_required
@require_POST
def member_add(request: HttpRequest, pk: int) -> HttpResponseBase:
    committee = _editable_committee(request, pk)
    form = AddMemberForm(request.POST, user=request.user)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, str(error))
        return _back_to_committee(pk)
    try:
        membership = services.committee_add_member(
            committee=committee,
            person=form.cleaned_data["person"],
            role=form.cleaned_data["role"],
            user=request.user,
            justification=form.cleaned_data["justification"],
        )
    except EnforcementError as error:
        if error.code != "justification_required":
            messages.error(request, " ".join(error.messages))
            return _back_to_committee(pk)
        return _ask_member_justification(request, committee, form, error)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(
            request,
            _("%(name)s has been added to the committee.") % {"name": membership.person.full_name},
        )
    return _back_to_committee(pk)


def _create_and_add(
    request: HttpRequest, committee: SelectionCommittee, form: NewPersonForm
) -> tuple[Person | None, list[Person]]:
    """Create the person and put them on the committee, or neither.

    Errors go onto the form; the second value lists the people (in the user's scope)
    who already have the email address or employee number, for the page to link to.
    """
    data = form.cleaned_data
    try:
        # Together: a person refused by the committee (strict mode) must not stay behind
        # as a stray duplicate for the next attempt.
        with transaction.atomic():
            person = services.person_create(
                department=committee.department,
                first_name=data["first_name"],
                particle=data["particle"],
                last_name=data["last_name"],
                email=data["email"],
                employee_number=data["employee_number"],
                user=request.user,
            )
            services.committee_add_member(
                committee=committee,
                person=person,
                role=data["role"],
                user=request.user,
                justification=data.get("justification", ""),
            )
    except EnforcementError as error:
        form.add_error("justification" if error.code == "justification_required" else None, error)
        return None, []
    except ValidationError as error:
        if hasattr(error, "error_dict"):
            for name, errors in error.message_dict.items():
                form.add_error(name if name in form.fields else None, errors)
        else:
            form.add_error(None, error)
        return None, error.existing if isinstance(error, DuplicatePersonError) else []
    return person, []


@login_required
def member_add_new_person(request: HttpRequest, pk: int) -> HttpResponse:
    """Create a person and add them, after showing who they might already be.

    Likely matches in the user's departments (same normalised name, email address or
    employee number) are offered first; creating anyway takes an explicit confirm.
    """
    committee = _editable_committee(request, pk)
    form = NewPersonForm(request.POST or None)
    if not (
        committee.status in CONFIRMING_STATUSES
        and committee.department.enforcement_mode == EnforcementMode.JUSTIFY
    ):
        # Only a confirmed committee in a department that asks a justification needs it.
        del form.fields["justification"]
    matches: list[Person] = []
    existing: list[Person] = []
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if request.POST.get("confirm") != "yes":
            matches = person_likely_matches(
                user=request.user,
                first_name=data["first_name"],
                particle=data["particle"],
                last_name=data["last_name"],
                email=data["email"],
                employee_number=data["employee_number"],
                department=committee.department,
            )
        if not matches:
            person, existing = _create_and_add(request, committee, form)
            if person is not None:
                messages.success(
                    request,
                    _("%(name)s has been created and added to the committee.")
                    % {"name": person.full_name},
                )
                return _back_to_committee(pk)
    on_committee = set(
        committee.memberships.filter(person__in=matches).values_list("person_id", flat=True)
    )
    return render(
        request,
        "committees/person_form.html",
        {
            "form": form,
            "committee": committee,
            "matches": matches,
            "on_committee": on_committee,
            "existing": existing,
        },
    )


@login_required
def member_remove(request: HttpRequest, pk: int, membership_pk: int) -> HttpResponse:
    committee = _editable_committee(request, pk)
    membership = get_object_or_404(committee.memberships.select_related("person"), pk=membership_pk)
    if request.method == "POST":
        try:
            services.committee_remove_member(membership=membership, user=request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return _back_to_committee(pk)
        messages.success(
            request,
            _("%(name)s has been removed from the committee.")
            % {"name": membership.person.full_name},
        )
        return _back_to_committee(pk)
    return render(
        request,
        "committees/member_remove.html",
        {"committee": committee, "membership": membership},
    )
