"""Reads shared by a page and its download, so both always list the same rows."""

from __future__ import annotations

import datetime
import functools
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db.models import DateField, Exists, OuterRef, Prefetch, QuerySet, Value
from django.db.models.expressions import BaseExpression
from django.http import QueryDict
from django.utils import timezone

from committees import compliance
from committees.filters import CommitteeFilter
from committees.models import (
    CommitteeMembership,
    CommitteeMembershipQuerySet,
    CommitteeStatus,
    SelectionCommittee,
    SelectionCommitteeQuerySet,
)
from departments.models import Department, EnforcementMode, Person
from trainings.models import (
    CompletionStatus,
    TrainingCompletion,
    TrainingSession,
    WaitlistEntry,
)

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser, User


def committee_list_filter(user: User | AnonymousUser, params: QueryDict | None) -> CommitteeFilter:
    """The committee list with the filters of `params`, scoped to what `user` may see.

    `filter.qs` is the list (with compliance counts and the department); the page
    paginates it, the download writes all of it.
    """
    return CommitteeFilter(params or None, queryset=committees_with_compliance(user), user=user)


def committees_with_compliance(user: User | AnonymousUser | None) -> SelectionCommitteeQuerySet:
    """The committees `user` may see, with `with_compliance()` and their department.

    None: every committee, for a prefetch whose rows are scoped to the reader already.
    """
    # `.all()`: a copy, never the cached queryset (visible_to returns the queryset itself
    # for the programme bureau).
    committees = _committees_with_compliance_for(
        tuple(compliance.required_roles()), compliance.validity()
    ).all()
    return committees if user is None else committees.visible_to(user)


@functools.lru_cache(maxsize=8)
def _committees_with_compliance_for(
    roles: tuple[str, ...], validity: datetime.timedelta | None
) -> SelectionCommitteeQuerySet:
    """Building the compliance subqueries took a tenth of the committee list's time, and
    they depend on nothing but the settings the rule reads (the key; as in
    `_untrained_required_members_for`). Never evaluated itself: callers get a copy."""
    return SelectionCommittee.objects.with_compliance().select_related("department")


def required_memberships() -> CommitteeMembershipQuerySet:
    """Memberships whose role requires training, of committees not cancelled."""
    return CommitteeMembership.objects.filter(role__in=compliance.required_roles()).exclude(
        committee__status=CommitteeStatus.CANCELLED
    )


def action_list(
    departments: Department | QuerySet[Department], today: datetime.date
) -> QuerySet[CommitteeMembership]:
    """Untrained required members of committees still to interview, soonest first.

    One department (its dashboard) or several (the download of everything a user may
    see): the page and the download share this one selector.
    """
    scope: dict[str, Any] = (
        {"committee__department": departments}
        if isinstance(departments, Department)
        else {"committee__department__in": departments}
    )
    return _untrained_required_members().filter(**scope, committee__interview_date__gte=today)


def _untrained_required_members() -> CommitteeMembershipQuerySet:
    """`action_list` before its departments and date: the compliance rule's subqueries.

    Building them costs about 1 ms a time, a third of the dashboard's action list, and
    they depend on nothing but the settings the rule reads. So the queryset is built once
    per value of those settings and never evaluated itself: `.filter()` returns a copy.
    """
    return _untrained_required_members_for(
        tuple(compliance.required_roles()), compliance.validity()
    )


@functools.lru_cache(maxsize=8)
def _untrained_required_members_for(
    roles: tuple[str, ...], validity: datetime.timedelta | None
) -> CommitteeMembershipQuerySet:
    """The cache key is what the rule reads from the settings (compliance.required_roles
    and compliance.validity); the rule reads them again while building the queryset."""
    return (
        required_memberships()
        .with_training_status()
        .filter(is_trained=False)
        .select_related("person", "committee__department")
        .order_by(
            "committee__interview_date",
            "committee__vacancy_reference",
            "person__last_name",
            "pk",
        )
    )


# What the dashboard shows of each action-list row (`action_list_page`).
ACTION_PAGE_FIELDS = (
    "pk",
    "role",
    "is_registered",
    "committee_id",
    "committee__interview_date",
    "committee__vacancy_reference",
    "committee__vacancy_title",
    "person_id",
    "person__first_name",
    "person__particle",
    "person__last_name",
)


def action_list_page(
    department: Department, today: datetime.date, *, offset: int, limit: int
) -> list[dict[str, Any]]:
    """Rows `offset` to `offset + limit` of `action_list` (the same rows, in the same
    order), as plain values: the columns the dashboard shows, no model instances, and no
    `is_trained` in the SELECT (it is false for every row). 1 query.
    """
    rows = action_list(department, today).values(*ACTION_PAGE_FIELDS)
    return list(rows[offset : offset + limit])


@dataclass
class MemberRow:
    """One member of a committee, with what is known about their training: the committee
    page and the API's compliance read the same rows."""

    membership: CommitteeMembership
    state: str  # trained, registered, untrained or exempt
    completion: TrainingCompletion | None = None
    registration: TrainingCompletion | None = None
    registration_in_time: bool = False
    # A member may come from another ministry: named here, but their page stays closed.
    person_visible: bool = True
    # A hand entry that would train the member once a second person confirms it.
    pending: TrainingCompletion | None = None
    # A spot on the waiting list of an upcoming session.
    waiting: WaitlistEntry | None = None
    # The registration is for a session the user may see (not another ministry's own
    # session, arranged by that ministry for a lent member): details and a cancel link.
    registration_visible: bool = True

    @property
    def may_register(self) -> bool:
        """Offer "Register for a session": not trained, and no place in time."""
        return self.state == "untrained" or (
            self.state == "registered" and not self.registration_in_time
        )


@functools.lru_cache(maxsize=8)
def _memberships_with_training_status_for(
    roles: tuple[str, ...], validity: datetime.timedelta | None
) -> CommitteeMembershipQuerySet:
    return (
        CommitteeMembership.objects.with_training_status()
        .select_related("person")
        .order_by("person__last_name", "person__first_name")
    )


def _member_memberships(
    committee: SelectionCommittee, *, user: User | AnonymousUser, waiting: bool
) -> CommitteeMembershipQuerySet:
    """The committee's memberships with their training status and each person's places
    (and, with `waiting`, their waiting-list spots). Whether `user` may see each place's
    session and each member's person is asked in the same queries (the `visible_to`
    rules as subqueries), not in two more."""
    # Newest first, so the first match wins.
    places = (
        TrainingCompletion.objects.filter(session__cancelled=False)
        .filter(status__in=[CompletionStatus.ATTENDED, CompletionStatus.REGISTERED])
        .select_related("session__supplier")
        .annotate(
            session_visible=Exists(
                TrainingSession.objects.visible_to(user).filter(pk=OuterRef("session"))
            )
        )
        .order_by("-session__date", "-pk")
    )
    prefetches: list[Prefetch[Any, Any, Any]] = [
        Prefetch("person__completions", queryset=places, to_attr="places")
    ]
    if waiting:
        entries = (
            WaitlistEntry.objects.filter(session__date__gte=timezone.localdate())
            .select_related("session__supplier")
            .order_by("session__date", "pk")
        )
        prefetches.append(Prefetch("person__waitlist_entries", queryset=entries, to_attr="waiting"))
    return (
        _memberships_with_training_status_for(
            tuple(compliance.required_roles()), compliance.validity()
        )
        .filter(committee=committee)
        .annotate(
            person_visible=Exists(Person.objects.visible_to(user).filter(pk=OuterRef("person")))
        )
        .prefetch_related(*prefetches)
    )


def _member_row(membership: Any, interview_date: datetime.date, *, waiting: bool) -> MemberRow:
    """One membership of `_member_memberships` as the page and the API show it."""
    mine: list[TrainingCompletion] = membership.person.places
    row = MemberRow(
        membership=membership, state="untrained", person_visible=membership.person_visible
    )
    if waiting:
        row.waiting = next(iter(membership.person.waiting), None)
    if membership.is_trained:
        row.state = "trained"
        row.completion = next(
            (
                c
                for c in mine
                if c.status == CompletionStatus.ATTENDED
                and not c.awaiting_confirmation
                and c.session.date <= interview_date
            ),
            None,
        )
        return row
    row.pending = next(
        (c for c in mine if c.awaiting_confirmation and c.session.date <= interview_date), None
    )
    registrations = [c for c in mine if c.status == CompletionStatus.REGISTERED]
    if registrations:
        # The earliest registration says when the member will be trained.
        row.registration = registrations[-1]
        row.registration_in_time = row.registration.session.date <= interview_date
        row.registration_visible = row.registration.session_visible  # type: ignore[attr-defined]
        row.state = "registered"
    if not membership.requires_training:
        row.state = "exempt"
    return row


def committee_member_rows(
    committee: SelectionCommittee, *, user: User | AnonymousUser, waiting: bool = True
) -> list[MemberRow]:
    """The committee's members and their training, as `user` may see them.

    A member lent by another ministry is named, but their person and their registration
    for that ministry's own session stay closed to `user` (`person_visible`,
    `registration_visible`). Three queries, whatever the number of members; without
    `waiting` (the API shows no waiting list) two.
    """
    memberships = _member_memberships(committee, user=user, waiting=waiting)
    return [_member_row(m, committee.interview_date, waiting=waiting) for m in memberships]


def with_training_state(people: QuerySet[Person], on_date: datetime.date) -> QuerySet[Person]:
    """Annotate `is_trained` (on `on_date`) and `is_awaiting` (a hand entry to confirm)."""
    return people.annotate(
        is_trained=compliance.trained_before(
            OuterRef("pk"), Value(on_date, output_field=DateField())
        ),
        is_awaiting=Exists(
            TrainingCompletion.objects.awaiting_confirmation().filter(person=OuterRef("pk"))
        ),
    )


def mark_training_state(
    people: list[Person], on_date: datetime.date, **more: BaseExpression
) -> list[Person]:
    """Set `is_trained`, `is_awaiting` (see `with_training_state`) and the annotations of
    `more` on each of `people`, a page of rows already chosen. One query, whatever their
    number.

    Not annotated on the list's own query: there PostgreSQL prices the checks for every
    row of the list, not for the page its LIMIT keeps, and reads all completions into a
    hash (35 ms at Rijk scale) instead of looking up 25 people (issue 15).
    """
    if not people:
        return people
    names = ["is_trained", "is_awaiting", *more]
    found = with_training_state(Person.objects.filter(pk__in=[p.pk for p in people]), on_date)
    states = {row[0]: row[1:] for row in found.annotate(**more).values_list("pk", *names)}
    for person in people:
        for name, value in zip(names, states[person.pk], strict=True):
            setattr(person, name, value)
    return people


# --- sessions and registration ----------------------------------------------------------


def sessions_for_membership(membership: CommitteeMembership) -> QuerySet[TrainingSession]:
    """Sessions the member can register for: upcoming, on or before the interview date
    (the rule of `compliance.registered_before`), of the Rijk-wide offer or the
    committee's ministry's own; soonest first, with places left. (Not the own sessions
    of a member lent by another ministry: the committee's O&P staff may not see those.)"""
    committee = membership.committee
    return (
        TrainingSession.objects.open_to(committee.department_id)
        .upcoming()
        .filter(date__lte=committee.interview_date)
        .with_places_left()
        .select_related("supplier", "programme", "department")
        .soonest_first()
    )


def committees_relying_on(completion: TrainingCompletion) -> QuerySet[SelectionCommittee]:
    """Confirmed committees in strict or justify mode that count on this registration:
    its person sits on them in a role that must be trained, is not trained by their
    interview date, and has no other registration on or before it."""
    interview = OuterRef("interview_date")
    return (
        SelectionCommittee.objects.filter(
            memberships__person=completion.person_id,
            memberships__role__in=compliance.required_roles(),
            status__in=[CommitteeStatus.CONFIRMED, CommitteeStatus.HELD],
            department__enforcement_mode__in=[EnforcementMode.STRICT, EnforcementMode.JUSTIFY],
            interview_date__gte=completion.session.date,
        )
        .filter(~compliance.trained_before(completion.person_id, interview))
        .filter(
            ~compliance.registered_before(completion.person_id, interview, excluding=completion.pk)
        )
        .select_related("department")
        .order_by("interview_date", "pk")
        .distinct()
    )
