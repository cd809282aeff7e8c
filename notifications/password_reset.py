"""Password reset by e-mail through the outbox, only where OIDC is off (training_monitor/urls.py).

Django's own views do the work; this module gives them a form whose `send_mail` queues the
message like every other e-mail, and a confirm view that also lifts the login lockout.
Django's form already keeps quiet about addresses: an unknown one, an inactive user and
a user without a usable password get nothing, and the page says the same in every case.
The stored message holds no link (notifications/reset_links.py makes it when sending).

One message per account per RESET_INTERVAL: the key holds the interval, so asking again
meanwhile writes nothing. Someone who fills in another person's address again and again
sends them at most one message a quarter of an hour.
"""

from __future__ import annotations

import datetime
from typing import Any

from axes.utils import reset as axes_reset
from django.conf import settings
from django.contrib.auth import views as auth_views
from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.forms import PasswordResetForm, SetPasswordForm
from django.http import HttpResponse
from django.utils import timezone

from notifications.models import NotificationKind
from notifications.rendering import message_render
from notifications.reset_links import LINK_MARKER
from notifications.services import notification_queue

RESET_INTERVAL = datetime.timedelta(minutes=15)


def password_reset_queue(
    *, user: AbstractBaseUser, to: str, now: datetime.datetime | None = None
) -> bool:
    """Queue the message with a link to choose a new password; False when this account
    already got one in the current interval."""
    moment = now or timezone.now()
    interval = int(moment.timestamp() // RESET_INTERVAL.total_seconds())
    context = {
        "name": getattr(user, "first_name", "") or user.get_username(),
        "username": user.get_username(),
        "link": LINK_MARKER,
        "minutes": settings.PASSWORD_RESET_TIMEOUT // 60,
    }
    return notification_queue(
        key=f"password-reset:{user.pk}:{interval}",
        to=to,
        message=message_render(template="notifications/email/password_reset", context=context),
        kind=NotificationKind.PASSWORD_RESET,
        user_id=user.pk,
    )


class OutboxPasswordResetForm(PasswordResetForm):
    """Django's form (it picks the active users with a password at that address); the
    message goes to the outbox instead of straight to the mail server."""

    def send_mail(
        self,
        subject_template_name: str,
        email_template_name: str,
        context: dict[str, Any],
        from_email: str | None,
        to_email: str,
        html_email_template_name: str | None = None,
    ) -> None:
        password_reset_queue(user=context["user"], to=to_email)


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    """Django's view; a new password also ends a lockout (django-axes) the old one caused,
    so a user who was locked out can log in at once."""

    def form_valid(self, form: SetPasswordForm[Any]) -> HttpResponse:
        response = super().form_valid(form)
        axes_reset(username=form.user.get_username())
        return response
