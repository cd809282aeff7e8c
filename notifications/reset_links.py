"""The link in a password-reset message, made when the outbox sends it, never stored.

The outbox row of a password reset (NotificationKind.PASSWORD_RESET) holds LINK_MARKER
where the link goes. Rows are read by administrators in the admin and appear in a person's
subject-access export; a working link there would let its reader take over the account.
So the sender (notifications.services.email_message) asks `password_reset_fill` for the
text with a fresh link, for the row's user, just before handing it to the mail server.
The link works once and for PASSWORD_RESET_TIMEOUT seconds after that moment.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from notifications.models import Notification, NotificationKind

# What the stored text and HTML say in place of the link.
LINK_MARKER = "[password-reset-link]"


class ResetNotSendable(Exception):
    """The account may no longer reset its password by this message."""


def password_reset_link(row: Notification) -> str:
    """A one-time link for the row's user, who must still be active, have a password and
    have the address the message goes to (else ResetNotSendable: the send fails)."""
    user = row.recipient_user
    if user is None:
        raise ResetNotSendable("the user of this password reset no longer exists")
    if not user.is_active or not user.has_usable_password():
        raise ResetNotSendable("this user may no longer reset a password")
    if user.email.casefold() != row.recipient_email.casefold():
        raise ResetNotSendable("this user's address changed after the reset was asked")
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    token = default_token_generator.make_token(user)
    path = reverse("password_reset_confirm", kwargs={"uidb64": uid, "token": token})
    return f"{settings.SITE_URL}{path}"


def password_reset_fill(row: Notification) -> tuple[str, str]:
    """The row's text and HTML as they are sent: for a password reset with the link."""
    if row.kind != NotificationKind.PASSWORD_RESET:
        return row.body_text, row.body_html
    link = password_reset_link(row)
    return row.body_text.replace(LINK_MARKER, link), row.body_html.replace(LINK_MARKER, link)
