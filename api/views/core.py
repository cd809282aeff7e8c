"""The parts every client uses: the token endpoint, the schema and who am I."""

from __future__ import annotations

import threading
from typing import Any

from drf_spectacular.utils import extend_schema, inline_serializer
from drf_spectacular.views import SpectacularJSONAPIView
from oauth2_provider.views import TokenView
from rest_framework import serializers
from rest_framework.decorators import api_view
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response

from api.authentication import request_client


class ApiTokenView(TokenView):
    """POST grant_type=client_credentials with the client id and secret (HTTP Basic or
    form fields): an access token of ACCESS_TOKEN_EXPIRE_SECONDS. django-oauth-toolkit
    answers in RFC 6749's own error format (`{"error": "invalid_client"}`), which OAuth
    client libraries expect, rather than as a problem."""


# drf-spectacular loads its extensions lazily and not thread-safely: two threads of one
# gunicorn worker generating the schema at once can fail with a 500. One at a time.
_SCHEMA_LOCK = threading.Lock()


class OpenApiView(SpectacularJSONAPIView):
    """The OpenAPI 3 description, public (ADR /core/publish-openapi): no token needed."""

    authentication_classes: list[Any] = []
    permission_classes = [AllowAny]

    @extend_schema(exclude=True)
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        with _SCHEMA_LOCK:
            return super().get(request, *args, **kwargs)  # type: ignore[no-untyped-call]


ME_SERIALIZER = inline_serializer(
    "Client",
    fields={
        "name": serializers.CharField(),
        "kind": serializers.ChoiceField(choices=["supplier", "department", "bureau"]),
        "supplier": serializers.CharField(allow_null=True),
        "department": serializers.CharField(allow_null=True),
    },
)


@extend_schema(operation_id="me", responses={200: ME_SERIALIZER}, tags=["client"])
@api_view(["GET"])
def me(request: Request) -> Response:
    """The client the token belongs to, and what it is scoped to (supplier or ministry code)."""
    client = request_client(request)
    return Response(
        {
            "name": client.name,
            "kind": client.kind,
            "supplier": client.supplier.code if client.supplier else None,
            "department": client.department.code if client.department else None,
        }
    )
