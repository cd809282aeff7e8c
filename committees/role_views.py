"""Changing a member's role on a committee (the page that replaced the admin's inline)."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from committees import services
from committees.enforcement import EnforcementError
from committees.models import MembershipRole, SelectionCommittee


class MemberRoleForm(forms.Form):
    role = forms.ChoiceField(label=gettext_lazy("Role"), choices=MembershipRole.choices)
    justification = forms.CharField(
        label=gettext_lazy("Justification"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy(
            "Only needed when this committee is confirmed, the new role must be trained, the "
            "member is not, and the department asks for a reason. Do not write names: the "
            "untrained members are recorded already."
        ),
    )


@login_required
def member_role(request: HttpRequest, pk: int, membership_pk: int) -> HttpResponse:
    """Give a member another role; the department's enforcement rule applies."""
    committee = get_object_or_404(
        SelectionCommittee.objects.visible_to(request.user).select_related("department"), pk=pk
    )
    if not SelectionCommittee.objects.editable_by(request.user).filter(pk=pk).exists():
        raise PermissionDenied
    membership = get_object_or_404(
        committee.memberships.select_related("person", "committee__department"),
        pk=membership_pk,
    )
    form = MemberRoleForm(request.POST or None, initial={"role": membership.role})
    if request.method == "POST" and form.is_valid():
        try:
            services.membership_change_role(
                membership=membership,
                role=form.cleaned_data["role"],
                user=request.user,
                justification=form.cleaned_data["justification"],
            )
        except EnforcementError as error:
            field = "justification" if error.code == "justification_required" else "role"
            form.add_error(field, error)
        else:
            messages.success(
                request,
                _("The role of %(name)s has been changed.") % {"name": membership.person.full_name},
            )
            return redirect("committees:detail", pk=pk)
    return render(
        request,
        "committees/member_role.html",
        {"committee": committee, "membership": membership, "form": form},
    )
