"""OpenID Connect sign-in: off by default; on, it creates users without any role."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.core.exceptions import SuspiciousOperation
from django.test import Client

from departments.access import user_roles
from departments.oidc import OIDCBackend
from tests.factories import op_staff
from tests.security.helpers import run_python

OIDC_ENV = {
    "DEBUG": "true",
    "OIDC_ENABLED": "true",
    "OIDC_RP_CLIENT_ID": "training-monitor",
    "OIDC_RP_CLIENT_SECRET": "client-secret",
    "OIDC_OP_AUTHORIZATION_ENDPOINT": "https://login.example.nl/authorize",
    "OIDC_OP_TOKEN_ENDPOINT": "https://login.example.nl/token",
    "OIDC_OP_USER_ENDPOINT": "https://login.example.nl/userinfo",
    "OIDC_OP_JWKS_ENDPOINT": "https://login.example.nl/jwks",
}


def backend_returning(claims: dict[str, object]) -> OIDCBackend:
    backend = OIDCBackend()
    backend.get_userinfo = lambda *args: claims
    return backend


def test_it_is_off_by_default(client: Client, db: None) -> None:
    assert settings.OIDC_ENABLED is False
    assert "departments.oidc.OIDCBackend" not in settings.AUTHENTICATION_BACKENDS
    assert "organisatie" not in client.get("/accounts/login/").content.decode()


def test_switched_on_its_urls_resolve_and_the_login_page_offers_it() -> None:
    result = run_python(
        "from django.conf import settings\n"
        "from django.test import Client\n"
        "from django.urls import reverse\n"
        "print(reverse('oidc_authentication_init'), reverse('oidc_authentication_callback'))\n"
        "apps = settings.INSTALLED_APPS\n"
        "print(settings.AUTHENTICATION_BACKENDS[-1], 'mozilla_django_oidc' in apps)\n"
        "html = Client(HTTP_HOST='localhost').get('/accounts/login/').content.decode()\n"
        "print('/oidc/authenticate/' in html, 'account van uw organisatie' in html)\n",
        **OIDC_ENV,
    )
    assert result.stdout.split("\n")[:3] == [
        "/oidc/authenticate/ /oidc/callback/",
        "departments.oidc.OIDCBackend True",
        "True True",
    ], result.stderr


@pytest.mark.django_db
def test_a_new_user_gets_no_roles_and_no_password() -> None:
    backend = backend_returning({"email": "Jan.Jansen@Example.NL", "email_verified": True})
    user = backend.get_or_create_user("access", "id", {})
    assert user.username == "jan.jansen@example.nl"
    assert not user.is_staff
    assert not user.is_superuser
    assert not user.has_usable_password()
    assert user.groups.count() == 0
    assert user_roles(user) == frozenset()


@pytest.mark.django_db
def test_an_existing_user_is_found_by_email_and_keeps_their_roles(department) -> None:
    existing = op_staff(department, username="op.aaa")
    existing.email = "op@example.nl"
    existing.save()
    roles = user_roles(existing)
    user = backend_returning({"email": "OP@example.nl", "email_verified": True}).get_or_create_user(
        "a", "i", {}
    )
    assert user == existing
    assert user_roles(user) == roles


@pytest.mark.django_db
def test_an_unverified_email_address_is_refused() -> None:
    backend = backend_returning({"email": "x@example.nl", "email_verified": False})
    with pytest.raises(SuspiciousOperation):
        backend.get_or_create_user("a", "i", {})


@pytest.mark.django_db
@pytest.mark.parametrize("claim", [None, "false", "yes", 1])
def test_an_email_address_without_a_true_verified_claim_is_refused(claim) -> None:
    claims: dict[str, object] = {"email": "x@example.nl"}
    if claim is not None:
        claims["email_verified"] = claim
    with pytest.raises(SuspiciousOperation):
        backend_returning(claims).get_or_create_user("a", "i", {})


@pytest.mark.django_db
def test_a_verified_claim_sent_as_the_string_true_is_accepted() -> None:
    backend = backend_returning({"email": "y@example.nl", "email_verified": "true"})
    assert backend.get_or_create_user("a", "i", {}).email == "y@example.nl"
