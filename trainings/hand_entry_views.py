"""Pages for completions entered by hand: enter one, the list to confirm, confirm, reject.

O&P staff enter trainings for people of their own department (administrators for
anyone); a second person confirms (trainings.hand_entry). People and entries of other
departments give 404; the programme bureau may confirm and reject but gets 403 on entering.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from departments.models import Person
from trainings.forms import HandEntryForm, RejectForm, SessionWindowForm
from trainings.hand_entry import (
    HandEntryRefused,
    completion_confirm,
    completion_enter_by_hand,
    completion_reject,
    pending_for,
    people_enterable_by,
)
from trainings.models import CompletionSource, TrainingCompletion

PAGE_SIZE = 50


def _next_url(request: HttpRequest, default: str) -> str:
    """Where to go back to: a page of this site the form came from, else `default`."""
    wanted = request.POST.get("next") or request.GET.get("next") or ""
    # Only a path: redirect() would take a bare word such as "on" for a view name.
    if wanted.startswith("/") and url_has_allowed_host_and_scheme(
        wanted, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return wanted
    return default


@login_required
def completion_enter(request: HttpRequest, person_pk: int) -> HttpResponse:
    person = get_object_or_404(
        Person.objects.visible_to(request.user).select_related("department"), pk=person_pk
    )
    if not people_enterable_by(request.user).filter(pk=person.pk).exists():
        raise PermissionDenied
    back = _next_url(request, reverse("people:person", args=[person.pk]))
    window = SessionWindowForm(request.GET or None)
    form = HandEntryForm(request.POST or None, user=request.user, around=window.date())
    if request.method == "POST" and form.is_valid():
        try:
            completion_enter_by_hand(
                person=person,
                user=request.user,
                **form.entry(),
            )
        except HandEntryRefused as refused:
            form.add_error(None, refused.message)
        else:
            messages.success(
                request,
                _(
                    "The training has been recorded. It counts once a colleague, the "
                    "programme bureau or an administrator has confirmed it."
                ),
            )
            return redirect(back)
    return render(
        request,
        "trainings/hand_entry_form.html",
        {"person": person, "form": form, "window": window, "back": back},
    )


@require_safe
@login_required
def pending_list(request: HttpRequest) -> HttpResponse:
    page = Paginator(pending_for(request.user), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "trainings/hand_entry_pending.html", {"page": page})


def _hand_entry(request: HttpRequest, pk: int) -> TrainingCompletion:
    """A hand entry the user can see, or 404 (other departments, imported completions)."""
    return get_object_or_404(
        TrainingCompletion.objects.visible_to(request.user)
        .filter(source=CompletionSource.HAND)
        .select_related("person__department", "session__supplier", "entered_by"),
        pk=pk,
    )


@require_POST
@login_required
def confirm(request: HttpRequest, pk: int) -> HttpResponse:
    completion = _hand_entry(request, pk)
    try:
        completion_confirm(completion=completion, user=request.user)
    except HandEntryRefused as refused:
        messages.error(request, str(refused.message))
    else:
        messages.success(
            request,
            _("The training of %(name)s is confirmed and now counts.")
            % {"name": completion.person.full_name},
        )
    return redirect(_next_url(request, reverse("completions:pending")))


@login_required
def reject(request: HttpRequest, pk: int) -> HttpResponse:
    completion = _hand_entry(request, pk)
    back = _next_url(request, reverse("completions:pending"))
    form = RejectForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            completion_reject(
                completion=completion,
                user=request.user,
                reason=form.cleaned_data["reason"],
            )
        except HandEntryRefused as refused:
            form.add_error(None, refused.message)
        else:
            messages.success(
                request,
                _("The entry for %(name)s has been removed.")
                % {"name": completion.person.full_name},
            )
            return redirect(back)
    return render(
        request,
        "trainings/hand_entry_reject.html",
        {"completion": completion, "form": form, "back": back},
    )
