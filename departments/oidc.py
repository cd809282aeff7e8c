"""Sign-in through the organisation's OpenID Connect provider (OIDC_ENABLED).

The provider only says who someone is. What they may see comes from the roles an
administrator gives them here, so a new account starts with none: no groups, no staff
or superuser status and no department. Until an administrator links it, it sees nothing.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import User
from django.db.models import QuerySet
from mozilla_django_oidc.auth import OIDCAuthenticationBackend

Claims = dict[str, Any]


class OIDCBackend(OIDCAuthenticationBackend):
    """Matches the e-mail claim to a user (case-insensitively), or creates a user without roles."""

    def verify_claims(self, claims: Claims) -> bool:
        # An address the provider has not verified could be anybody's; a missing claim
        # is not a verification. Some providers send the boolean as a string.
        verified = claims.get("email_verified")
        return bool(claims.get("email")) and (verified is True or verified == "true")

    def filter_users_by_claims(self, claims: Claims) -> QuerySet[User]:
        email = str(claims.get("email", "")).strip()
        if not email:
            return User.objects.none()
        return User.objects.filter(email__iexact=email)

    def create_user(self, claims: Claims) -> User:
        email = str(claims["email"]).strip().lower()
        # The e-mail address is the user name: administrators recognise it when linking.
        user = User(
            username=email[:150],
            email=email,
            first_name=str(claims.get("given_name", ""))[:150],
            last_name=str(claims.get("family_name", ""))[:150],
            is_staff=False,
            is_superuser=False,
        )
        # Only the provider can log this user in.
        user.set_unusable_password()
        user.save()
        return user

    def update_user(self, user: User, claims: Claims) -> User:
        # Nothing from the provider changes an existing account, least of all its roles.
        return user
