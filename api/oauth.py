"""The token endpoint's client check: only active clients get a token."""

from __future__ import annotations

from typing import Any

from oauth2_provider.oauth2_validators import OAuth2Validator

from api.models import ApiClient


class ApiClientValidator(OAuth2Validator):
    """django-oauth-toolkit's checks (client id, hashed secret, grant type), and then
    that the application is an active API client: a revoked one gets invalid_client."""

    def authenticate_client(self, request: Any, *args: Any, **kwargs: Any) -> bool:
        if not super().authenticate_client(request, *args, **kwargs):
            return False
        return ApiClient.objects.filter(application=request.client, active=True).exists()
