"""Registering committee members for sessions: from the committee page (O&P staff and
administrators) and through a member's own signed link (no login).

Both call `committees.services.member_register`; the committee page also cancels a
registration (`member_registration_cancel`), with a warning first when a confirmed
committee relies on it.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import Any

from django import forms
from django.contrib import messages
from django.db.models import Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from committees import services
from committees.models import CommitteeMembership, CommitteeStatus, SelectionCommittee
from committees.registration_links import TokenProblem, registration_token_check
from committees.selectors import committees_relying_on, sessions_for_membership
from committees.views import _editable_committee
from training_monitor.form_fields import usable_pk
from trainings.models import CompletionStatus, TrainingCompletion, TrainingSession, WaitlistEntry
from trainings.services import Place, RegistrationRefused, SessionFull
from trainings.session_cells import SessionCells, session_cells


class SessionChoiceForm(forms.Form):
    session = forms.IntegerField(label=gettext_lazy("Session"), min_value=1)
    waitlist = forms.BooleanField(required=False)

    def clean_session(self) -> int:
        value: int = self.cleaned_data["session"]
        if not usable_pk(TrainingSession._meta.pk, value):
            raise forms.ValidationError(_("Choose one of the sessions."))
        return value


@dataclass
class Choice:
    """What the session choice page shows for one member."""

    membership: CommitteeMembership
    sessions: list[TrainingSession]
    # Upcoming places, and those lost because their session was cancelled.
    registrations: list[TrainingCompletion]
    waiting: list[WaitlistEntry]

    @cached_property
    def cells(self) -> list[SessionCells]:
        """The sessions with the cells their rows show."""
        return session_cells(self.sessions)

    @cached_property
    def registered_sessions(self) -> set[int]:
        """The sessions the member holds a place in: no button to choose them again."""
        return {c.session_id for c in self.registrations if c.status == CompletionStatus.REGISTERED}


def _choice(membership: CommitteeMembership) -> Choice:
    """The sessions on offer and the member's own upcoming places (3 queries)."""
    today = timezone.localdate()
    person = membership.person
    return Choice(
        membership=membership,
        sessions=list(sessions_for_membership(membership)),
        registrations=list(
            TrainingCompletion.objects.filter(person=person, session__date__gte=today)
            .filter(
                Q(status=CompletionStatus.REGISTERED)
                | Q(status=CompletionStatus.CANCELLED, session__cancelled=True)
            )
            .select_related("session__supplier")
            .order_by("session__date")
        ),
        waiting=list(
            WaitlistEntry.objects.filter(person=person, session__date__gte=today)
            .select_related("session__supplier")
            .order_by("session__date")
        ),
    )


def _registered_message(place: Place, name: str) -> str:
    if place.completion is not None:
        return _("%(name)s is registered for the session of %(date)s.") % {
            "name": name,
            "date": date_format(place.completion.session.date, "j F Y"),
        }
    entry = place.waitlist_entry
    date = date_format(entry.session.date, "j F Y") if entry is not None else ""
    return _(
        "%(name)s is on the waiting list for the session of %(date)s. When a place comes "
        "free, the first on the list gets it."
    ) % {"name": name, "date": date}


def _register(
    request: HttpRequest, membership: CommitteeMembership, *, self_service: bool
) -> tuple[Place | None, str, int | None]:
    """Handle the POST: (the place got, an error, the full session to offer the list of)."""
    form = SessionChoiceForm(request.POST)
    if not form.is_valid():
        return None, _("Choose one of the sessions."), None
    session_pk = form.cleaned_data["session"]
    session = TrainingSession.objects.filter(pk=session_pk).first()
    if session is None:
        return None, _("Choose one of the sessions."), None
    try:
        place = services.member_register(
            membership=membership,
            session=session,
            user=None if self_service else request.user,
            waitlist=form.cleaned_data["waitlist"],
        )
    except SessionFull:
        return (
            None,
            _("This session has just become full. You can join its waiting list."),
            session_pk,
        )
    except RegistrationRefused as refused:
        return None, str(refused.message), None
    return place, "", None


def _choice_page(
    request: HttpRequest, membership: CommitteeMembership, *, self_service: bool, **extra: Any
) -> HttpResponse:
    status = 400 if extra.get("page_error") else 200
    return render(
        request,
        "committees/member_register.html",
        {
            "choice": _choice(membership),
            "committee": membership.committee,
            "self_service": self_service,
            **extra,
        },
        status=status,
    )


def member_register(request: HttpRequest, pk: int, membership_pk: int) -> HttpResponse:
    """ "Register for a session": the sessions before the interview date, soonest first."""
    committee = _editable_committee(request, pk)
    membership = get_object_or_404(
        committee.memberships.select_related("person", "committee__department"), pk=membership_pk
    )
    if request.method == "POST":
        place, error, full = _register(request, membership, self_service=False)
        if place is not None:
            messages.success(request, _registered_message(place, membership.person.full_name))
            return redirect("committees:detail", pk=pk)
        return _choice_page(request, membership, self_service=False, page_error=error, full=full)
    return _choice_page(request, membership, self_service=False)


def _member_completion(
    request: HttpRequest, membership: CommitteeMembership, completion_pk: int
) -> TrainingCompletion:
    """The member's place in a session the user may see (another ministry's own session,
    arranged by that ministry for a lent member, stays theirs: 404)."""
    return get_object_or_404(
        TrainingCompletion.objects.select_related("session__supplier", "person"),
        pk=completion_pk,
        person=membership.person_id,
        session__in=TrainingSession.objects.visible_to(request.user),
    )


def _relying(request: HttpRequest, completion: TrainingCompletion) -> tuple[list[Any], int]:
    """The committees relying on the registration that the user may see, and how many
    others (of ministries the user cannot see) there are."""
    relying: QuerySet[SelectionCommittee] = committees_relying_on(completion)
    visible = list(relying.filter(pk__in=SelectionCommittee.objects.visible_to(request.user)))
    return visible, relying.count() - len(visible)


def registration_cancel(
    request: HttpRequest, pk: int, membership_pk: int, completion_pk: int
) -> HttpResponse:
    """Cancel a member's registration; warns first when a confirmed committee relies on it."""
    committee = _editable_committee(request, pk)
    membership = get_object_or_404(committee.memberships.select_related("person"), pk=membership_pk)
    completion = _member_completion(request, membership, completion_pk)
    back = redirect("committees:detail", pk=pk)
    if completion.status == CompletionStatus.CANCELLED:
        messages.info(request, _("This registration has already been cancelled."))
        return back
    if completion.status != CompletionStatus.REGISTERED:
        raise Http404
    relying, others = _relying(request, completion)
    if request.method == "POST":
        try:
            services.member_registration_cancel(completion=completion, user=request.user)
        except RegistrationRefused as refused:
            messages.error(request, str(refused.message))
        else:
            messages.success(
                request,
                _("The registration of %(name)s has been cancelled.")
                % {"name": membership.person.full_name},
            )
            if relying or others:
                messages.warning(
                    request,
                    _(
                        "Confirmed committees relied on this registration. They no longer "
                        "meet their department's rule until the member is registered again, "
                        "replaced, or the interview is moved."
                    ),
                )
        return back
    return render(
        request,
        "committees/registration_cancel.html",
        {
            "committee": committee,
            "membership": membership,
            "completion": completion,
            "relying": relying,
            "others": others,
        },
    )


# --- a member's own link ------------------------------------------------------------------


def _link_problem(request: HttpRequest, problem: str, status: int) -> HttpResponse:
    return render(
        request, "committees/member_link_problem.html", {"problem": problem}, status=status
    )


def member_registration(request: HttpRequest, token: str) -> HttpResponse:
    """A member's own page (no login): choose or change a session for this committee.
    Kept out of shared caches and search engines: the link is the key."""
    response = _member_registration(request, token)
    response["Cache-Control"] = "private, no-store"
    response["X-Robots-Tag"] = "noindex"
    return response


def _member_registration(request: HttpRequest, token: str) -> HttpResponse:
    checked = registration_token_check(token)
    if checked is TokenProblem.EXPIRED:
        return _link_problem(request, "expired", 410)
    if isinstance(checked, TokenProblem):
        return _link_problem(request, "invalid", 400)
    membership = (
        CommitteeMembership.objects.select_related("person", "committee__department")
        .filter(pk=checked)
        .first()
    )
    if (
        membership is None
        or membership.committee.status == CommitteeStatus.CANCELLED
        or membership.committee.interview_date < timezone.localdate()
    ):
        return _link_problem(request, "gone", 410)
    if request.method == "POST":
        place, error, full = _register(request, membership, self_service=True)
        if place is not None:
            messages.success(request, _registered_message(place, membership.person.full_name))
            return redirect(request.path)
        return _choice_page(request, membership, self_service=True, page_error=error, full=full)
    return _choice_page(request, membership, self_service=True)
