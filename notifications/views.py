"""A user's own choice of messages: the weekly overview on or off."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from notifications.forms import PreferenceForm
from notifications.models import NotificationPreference


@login_required
@require_http_methods(["GET", "POST"])
def message_preferences(request: HttpRequest) -> HttpResponse:
    """Only the user's own row: nothing here reaches another user or any department."""
    user = request.user
    assert user.is_authenticated  # login_required; tells the type checker too  # noqa: S101
    preference = NotificationPreference.objects.filter(user=user).first()
    if preference is None:
        preference = NotificationPreference(user=user)
    # Not `request.POST or None`: an unticked box posts nothing, and that is a choice.
    data = request.POST if request.method == "POST" else None
    form = PreferenceForm(data, instance=preference)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Your choice is saved."))
        return redirect("message_preferences")
    return render(request, "notifications/preferences.html", {"form": form})
