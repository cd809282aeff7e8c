"""Bearer tokens from /api/v1/oauth/token, as the client's service user."""

from __future__ import annotations

from typing import Any

from oauth2_provider.contrib.rest_framework import OAuth2Authentication
from rest_framework.request import Request

from api.models import ApiClient


class ApiClientAuthentication(OAuth2Authentication):
    """django-oauth-toolkit's check of the token, then its client.

    A client-credentials token has no user of its own; the request runs as the client's
    service user, so the history names the client and `visible_to(user)` scopes it. A
    revoked (inactive) client is refused even with a token that has not expired yet.
    """

    www_authenticate_realm = "training-monitor"

    def authenticate(self, request: Request) -> tuple[Any, Any] | None:
        result = super().authenticate(request)
        if result is None:
            return None
        _user, token = result
        client = (
            ApiClient.objects.select_related("user", "supplier", "department")
            .filter(application_id=token.application_id, active=True, user__is_active=True)
            .first()
        )
        if client is None:
            request.oauth2_error = {"error": "invalid_token"}
            return None
        request.api_client = client
        request._request.api_client = client
        return client.user, token


def request_client(request: Request) -> ApiClient:
    """The authenticated client of an API request (after ApiClientAuthentication)."""
    client: ApiClient = request.api_client
    return client
