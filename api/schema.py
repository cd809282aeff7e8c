"""drf-spectacular post-processing: the problem schema and the headers every operation has."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from drf_spectacular.extensions import OpenApiAuthenticationExtension

TOKEN_URL = "/api/v1/oauth/token"  # noqa: S105 - an address, not a secret


class ApiClientAuthenticationScheme(OpenApiAuthenticationExtension):  # type: ignore[no-untyped-call]
    """The OAuth 2.0 client-credentials scheme (NL GOV OAuth profile) in the schema."""

    target_class = "api.authentication.ApiClientAuthentication"
    name = "oauth2"

    def get_security_definition(self, auto_schema: Any) -> dict[str, Any]:
        return {
            "type": "oauth2",
            "description": "OAuth 2.0 client credentials; the client id and secret come "
            "from the programme bureau's administrator.",
            "flows": {"clientCredentials": {"tokenUrl": TOKEN_URL, "scopes": {}}},
        }


PROBLEM_SCHEMA: dict[str, Any] = {
    "type": "object",
    "description": "RFC 9457 problem details.",
    "required": ["type", "title", "status", "detail"],
    "properties": {
        "type": {"type": "string", "format": "uri-reference"},
        "title": {"type": "string"},
        "status": {"type": "integer", "minimum": 400, "maximum": 599},
        "detail": {"type": "string"},
        "instance": {"type": "string", "format": "uri-reference"},
        "invalid-params": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["name", "reason"],
                "properties": {"name": {"type": "string"}, "reason": {"type": "string"}},
            },
        },
    },
}

API_VERSION_HEADER: dict[str, Any] = {
    "description": "The semantic version of the API that answered.",
    "schema": {"type": "string", "example": "1.0.0"},
}

# Every operation may answer these; each endpoint's own (404, 422, ...) come on top.
COMMON_ERRORS = {
    "400": "The request is not valid.",
    "401": "No valid access token.",
    "403": "This client may not do this.",
    "404": "Not found, or not this client's to see.",
    "429": "Too many requests: wait the seconds of Retry-After.",
}


def _problem(description: str) -> dict[str, Any]:
    return {
        "description": description,
        "headers": {"API-Version": {"$ref": "#/components/headers/API-Version"}},
        "content": {
            "application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}
        },
    }


def add_problem_responses(result: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
    components = result.setdefault("components", {})
    components.setdefault("schemas", {})["Problem"] = PROBLEM_SCHEMA
    components.setdefault("headers", {})["API-Version"] = API_VERSION_HEADER
    for operations in result.get("paths", {}).values():
        for operation in operations.values():
            responses = operation.setdefault("responses", {})
            for status, description in COMMON_ERRORS.items():
                if status == "401" and operation.get("security") == [{}]:
                    continue
                responses.setdefault(status, _problem(description))
            for response in responses.values():
                if "$ref" not in response:
                    response.setdefault("headers", {}).setdefault(
                        "API-Version", {"$ref": "#/components/headers/API-Version"}
                    )
            if status_429 := responses.get("429"):
                status_429["headers"]["Retry-After"] = {
                    "description": "Seconds to wait before the next request.",
                    "schema": {"type": "integer"},
                }
    result.setdefault("info", {})["version"] = settings.API_VERSION
    return result
