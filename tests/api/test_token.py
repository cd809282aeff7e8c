"""The token endpoint: client credentials in, a hashed, expiring, revocable token out."""

from __future__ import annotations

import datetime
import hashlib

import pytest
from django.utils import timezone
from oauth2_provider.models import AccessToken

from api.services import api_client_revoke, api_tokens_revoke
from tests.api.conftest import TOKEN_URL, basic_auth

pytestmark = pytest.mark.django_db


def test_a_token_is_stored_only_as_its_checksum(supplier_api) -> None:
    stored = AccessToken.objects.get(application=supplier_api.client.application)
    assert stored.token == ""
    assert stored.token_checksum == hashlib.sha256(supplier_api.token.encode()).hexdigest()
    assert not AccessToken.objects.filter(token=supplier_api.token).exists()


def test_the_client_secret_is_stored_hashed(supplier_api) -> None:
    stored = supplier_api.client.application.client_secret
    assert supplier_api.secret not in stored
    assert stored.startswith(("md5$", "pbkdf2_sha256$"))


def test_a_token_expires_after_the_configured_time(client, supplier_api, settings) -> None:
    stored = AccessToken.objects.get(application=supplier_api.client.application)
    lifetime = stored.expires - timezone.now()
    expected = settings.OAUTH2_PROVIDER["ACCESS_TOKEN_EXPIRE_SECONDS"]
    assert datetime.timedelta(seconds=expected - 60) < lifetime
    assert lifetime <= datetime.timedelta(seconds=expected)
    stored.expires = timezone.now() - datetime.timedelta(seconds=1)
    stored.save()
    response = supplier_api.get("/api/v1/me")
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"].startswith("Bearer")


def test_a_wrong_secret_gets_no_token(client, supplier_api) -> None:
    response = client.post(
        TOKEN_URL,
        {"grant_type": "client_credentials"},
        HTTP_AUTHORIZATION=basic_auth(supplier_api.client.client_id, "not-the-secret"),
    )
    assert response.status_code == 401
    assert response.json()["error"] == "invalid_client"
    assert response.headers["API-Version"] == "1.0.0"


def test_only_the_client_credentials_grant_is_accepted(client, supplier_api) -> None:
    response = client.post(
        TOKEN_URL,
        {"grant_type": "password", "username": "x", "password": "y"},
        HTTP_AUTHORIZATION=basic_auth(supplier_api.client.client_id, supplier_api.secret),
    )
    assert response.status_code in (400, 401)
    assert "access_token" not in response.json()


def test_a_revoked_client_loses_its_token_and_gets_no_new_one(client, supplier_api) -> None:
    api_client_revoke(client=supplier_api.client)
    assert supplier_api.get("/api/v1/me").status_code == 401
    response = client.post(
        TOKEN_URL,
        {"grant_type": "client_credentials"},
        HTTP_AUTHORIZATION=basic_auth(supplier_api.client.client_id, supplier_api.secret),
    )
    assert response.status_code == 401
    assert "access_token" not in response.json()


def test_a_deactivated_client_is_refused_even_with_a_token_left(supplier_api) -> None:
    # Deactivated another way than through the service: the token check still asks.
    supplier_api.client.active = False
    supplier_api.client.save()
    assert supplier_api.get("/api/v1/me").status_code == 401


def test_deleted_tokens_answer_401_and_a_new_token_works(supplier_api) -> None:
    assert api_tokens_revoke(client=supplier_api.client) == 1
    assert supplier_api.get("/api/v1/me").status_code == 401
    from tests.api.conftest import obtain_token

    supplier_api.token = obtain_token(
        supplier_api.http, supplier_api.client.client_id, supplier_api.secret
    )
    assert supplier_api.get("/api/v1/me").status_code == 200


def test_a_token_in_the_query_string_is_not_accepted(client, supplier_api) -> None:
    response = client.get(f"/api/v1/me?access_token={supplier_api.token}")
    assert response.status_code in (400, 401)
