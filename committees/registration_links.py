"""Signed links with which a committee member without a login chooses a session.

A token names one membership and nothing else; it is signed with the SECRET_KEY under a
salt of its own (a token of another part of Django is no registration link) and expires
after `REGISTRATION_LINK_DAYS` days. Whoever holds the link may choose, or change, the
session of that member for that committee: the page shows that person's name, the
committee's vacancy and interview date and the sessions, nobody else's data.
"""

from __future__ import annotations

import datetime
from enum import StrEnum

from django.conf import settings
from django.core import signing
from django.urls import reverse

from committees.models import CommitteeMembership
from training_monitor.form_fields import usable_pk

SALT = "training_monitor.committees.registration_link"


class TokenProblem(StrEnum):
    EXPIRED = "expired"
    INVALID = "invalid"


def _signer() -> signing.TimestampSigner:
    return signing.TimestampSigner(salt=SALT)


def max_age() -> datetime.timedelta:
    return datetime.timedelta(days=settings.REGISTRATION_LINK_DAYS)


def registration_token(*, membership_id: int) -> str:
    """A signed, expiring token for the membership (URL-safe)."""
    return _signer().sign(str(membership_id))


def registration_token_check(token: str) -> int | TokenProblem:
    """The membership id in `token`, or why it cannot be used."""
    try:
        value = _signer().unsign(token, max_age=max_age())
    except signing.SignatureExpired:
        return TokenProblem.EXPIRED
    except signing.BadSignature:
        return TokenProblem.INVALID
    # A validly signed value that is no usable id (another salt's payload, a huge or
    # non-ASCII number) is as unusable as an altered link.
    if not (value.isascii() and value.isdigit()):
        return TokenProblem.INVALID
    membership_id = int(value)
    if not usable_pk(CommitteeMembership._meta.pk, membership_id):
        return TokenProblem.INVALID
    return membership_id


def registration_token_read(token: str) -> int | None:
    """The membership id in `token`; None when it is tampered with or expired."""
    checked = registration_token_check(token)
    return None if isinstance(checked, TokenProblem) else checked


def member_registration_url(membership: CommitteeMembership) -> str:
    """The path of the member's own registration page (no host: the sender adds it)."""
    return reverse("member-registration", args=[registration_token(membership_id=membership.pk)])
