"""Errors as RFC 9457 problem details (application/problem+json).

One DRF exception handler for the API's views, and `problem_response` for what happens
outside them (a 404 of no view, the middleware). Titles come through gettext, so a client
gets them in Dutch unless it asks for English (Accept-Language).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, HttpRequest, JsonResponse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions
from rest_framework.response import Response
from rest_framework.serializers import as_serializer_error
from rest_framework.views import exception_handler

PROBLEM_CONTENT_TYPE = "application/problem+json"
PROBLEM_TYPE_PREFIX = "urn:training-monitor:problem:"

# Status: (type slug, title). The slug is stable; clients may branch on the type.
PROBLEMS: dict[int, tuple[str, Any]] = {
    400: ("invalid-input", _("The request is not valid")),
    401: ("not-authenticated", _("Sign in with a valid access token")),
    403: ("forbidden", _("This client may not do this")),
    404: ("not-found", _("Not found")),
    405: ("method-not-allowed", _("This method is not allowed here")),
    406: ("not-acceptable", _("This response format is not available")),
    409: ("conflict", _("The request conflicts with an earlier one")),
    413: ("too-large", _("The request is too large")),
    415: ("unsupported-media-type", _("Send JSON (application/json)")),
    422: ("unprocessable", _("The request cannot be processed")),
    429: ("too-many-requests", _("Too many requests")),
    500: ("server-error", _("Something went wrong on our side")),
    503: ("unavailable", _("The service is unavailable for a moment")),
}


class Problem(exceptions.APIException):
    """An error with its own problem type, e.g. an Idempotency-Key reused for another body."""

    def __init__(self, *, status: int, slug: str, detail: Any) -> None:
        super().__init__(detail=detail)
        self.status_code = status
        self.slug = slug


def problem_body(
    status: int, *, instance: str, detail: Any = None, slug: str | None = None
) -> dict[str, Any]:
    default_slug, title = PROBLEMS.get(status, (f"http-{status}", _("Error")))
    body: dict[str, Any] = {
        "type": PROBLEM_TYPE_PREFIX + (slug or default_slug),
        "title": str(title),
        "status": status,
        "detail": str(detail if detail is not None else title),
        "instance": instance,
    }
    return body


def problem_response(request: HttpRequest, status: int, detail: Any = None) -> JsonResponse:
    """A problem outside DRF's views (the middleware's 404s and 500s)."""
    return JsonResponse(
        problem_body(status, instance=request.path, detail=detail),
        status=status,
        content_type=PROBLEM_CONTENT_TYPE,
        json_dumps_params={"ensure_ascii": False},
    )


def invalid_params(errors: Any, prefix: str = "") -> Iterator[dict[str, str]]:
    """DRF's nested errors as RFC 9457 invalid-params: a dotted name and a reason each."""
    if isinstance(errors, Mapping):
        for key, value in errors.items():
            name = prefix if key == "non_field_errors" else _join(prefix, str(key))
            yield from invalid_params(value, name)
    elif (
        isinstance(errors, list)
        and errors
        and not all(isinstance(item, str | exceptions.ErrorDetail) for item in errors)
    ):
        for index, value in enumerate(errors):
            if value:
                yield from invalid_params(value, _join(prefix, str(index)))
    elif isinstance(errors, list):
        for reason in errors:
            yield {"name": prefix, "reason": str(reason)}
    else:
        yield {"name": prefix, "reason": str(errors)}


def _join(prefix: str, name: str) -> str:
    return f"{prefix}.{name}" if prefix else name


def _as_drf(exc: Exception) -> Exception:
    if isinstance(exc, Http404):
        return exceptions.NotFound()
    if isinstance(exc, DjangoPermissionDenied):
        return exceptions.PermissionDenied()
    if isinstance(exc, DjangoValidationError):
        return exceptions.ValidationError(as_serializer_error(exc))
    return exc


def problem_exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    """DRF's handler (headers such as WWW-Authenticate and Retry-After), then the body."""
    exc = _as_drf(exc)
    response = exception_handler(exc, context)
    if response is None:
        return None
    request = context["request"]
    status = response.status_code
    if isinstance(exc, exceptions.ValidationError):
        body = problem_body(
            status,
            instance=request.path,
            detail=gettext("One or more fields are not valid: see invalid-params."),
        )
        body["invalid-params"] = list(invalid_params(exc.detail))
    else:
        detail = exc.detail if isinstance(exc, exceptions.APIException) else None
        if isinstance(detail, list | dict):
            detail = None
        body = problem_body(
            status, instance=request.path, detail=detail, slug=getattr(exc, "slug", None)
        )
    response.data = body
    response.content_type = PROBLEM_CONTENT_TYPE
    return response
