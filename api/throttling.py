"""The per-client rate limit (API_RATE_LIMIT), counted in the "api" cache (Redis)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.cache import caches
from rest_framework.request import Request
from rest_framework.throttling import SimpleRateThrottle


class ClientRateThrottle(SimpleRateThrottle):
    """Per client once signed in, per address before (the token endpoint aside, the
    public schema is all an unsigned request reaches). 429 with Retry-After over it."""

    scope = "client"

    def __init__(self) -> None:
        self.cache = caches["api"]
        super().__init__()

    def get_rate(self) -> str:
        return str(settings.API_RATE_LIMIT)

    def get_cache_key(self, request: Request, view: Any) -> str:
        client = getattr(request, "api_client", None)
        ident = f"client-{client.pk}" if client is not None else self.get_ident(request)
        return self.cache_format % {"scope": self.scope, "ident": ident}
