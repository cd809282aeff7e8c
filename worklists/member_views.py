"""Bulk-adding members to a committee: pasted employee numbers or e-mail addresses, or
the members of another committee. Each shows a preview before anything is added."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from committees.models import MembershipRole, SelectionCommittee
from worklists import members
from worklists.forms import CopyForm, PasteForm
from worklists.members import LineState, PlannedLine


def _editable_committee(request: HttpRequest, pk: int) -> SelectionCommittee:
    """404 for other departments; 403 for readers (the programme bureau) of this one.

    One query for those who may edit (what they may edit they may see): the second only
    tells a reader's 403 from a stranger's 404."""
    committee = (
        SelectionCommittee.objects.editable_by(request.user)
        .select_related("department")
        .filter(pk=pk)
        .first()
    )
    if committee is None:
        get_object_or_404(SelectionCommittee.objects.visible_to(request.user), pk=pk)
        raise PermissionDenied
    return committee


def _justification_error(names: list[str]) -> str:
    return _(
        "These people are not trained yet: %(names)s. Give a justification to add them, "
        "or remove them from the list."
    ) % {"names": ", ".join(names)}


def _report(request: HttpRequest, lines: list[PlannedLine]) -> None:
    added = sum(line.state == LineState.ADDED for line in lines)
    if added:
        messages.success(
            request,
            ngettext(
                "%(count)d member has been added.", "%(count)d members have been added.", added
            )
            % {"count": added},
        )


def _members_page(pk: int) -> str:
    # No #members: the message at the top of the page takes the focus (autofocus), which
    # browsers skip when the address points into the page.
    return reverse("committees:detail", args=[pk])


@login_required
def bulk_add(request: HttpRequest, pk: int) -> HttpResponse:
    """Paste, preview, add. Lines that could not be added stay in the box to correct."""
    committee = _editable_committee(request, pk)
    form = PasteForm(request.POST or None)
    lines: list[PlannedLine] = []
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        lines = members.plan_paste(
            committee=committee, user=request.user, text=data["entries"], role=data["role"]
        )
        untrained = members.needs_justification(lines)
        if "add" in request.POST:
            if untrained and not data["justification"].strip():
                form.add_error("justification", _justification_error(untrained))
            else:
                members.add_planned(
                    committee=committee,
                    user=request.user,
                    lines=lines,
                    justification=data["justification"],
                )
                _report(request, lines)
                remaining = [line.text for line in lines if line.state in members.OPEN_STATES]
                if not remaining:
                    return redirect(_members_page(pk))
                form = PasteForm(initial={"entries": "\n".join(remaining), "role": data["role"]})
    return render(request, "worklists/bulk_add.html", _context(committee, form, lines))


def _context(committee: SelectionCommittee, form: Any, lines: list[PlannedLine]) -> dict[str, Any]:
    return {
        "committee": committee,
        "form": form,
        "lines": lines,
        "to_add": sum(line.state == LineState.ADD for line in lines),
        "asks_justification": bool(members.needs_justification(lines)),
    }


@login_required
def copy_members(request: HttpRequest, pk: int) -> HttpResponse:
    """Choose a committee, preview its members here, add them (people already on this
    committee are skipped)."""
    committee = _editable_committee(request, pk)
    sources = members.copy_sources(committee=committee, user=request.user)
    form = CopyForm(request.POST or None, sources=sources)
    lines: list[PlannedLine] = []
    hidden = 0
    if request.method == "POST" and form.is_valid():
        lines, hidden = members.plan_copy(
            committee=committee, source=form.cleaned_data["source"], user=request.user
        )
        untrained = members.needs_justification(lines)
        if "add" in request.POST:
            justification = form.cleaned_data["justification"]
            if untrained and not justification.strip():
                form.add_error("justification", _justification_error(untrained))
            else:
                members.add_planned(
                    committee=committee, user=request.user, lines=lines, justification=justification
                )
                _report(request, lines)
                if not any(line.state in members.OPEN_STATES for line in lines):
                    return redirect(_members_page(pk))
    context = _context(committee, form, lines)
    context.update(
        {"hidden": hidden, "has_sources": bool(sources), "role_choices": MembershipRole.choices}
    )
    return render(request, "worklists/copy_members.html", context)
