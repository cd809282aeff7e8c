"""API-Version on every answer under /api/, and problem details for errors outside DRF."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponseBase

from api.problems import PROBLEM_CONTENT_TYPE, problem_response

API_PREFIX = "/api/"
# The one resource any origin may read from a browser (ADR /core/publish-openapi: tools
# such as Swagger UI elsewhere read it); everything else sends no CORS header at all.
PUBLIC_PATHS = frozenset(("/api/v1/openapi.json",))
# ADR /core/transport/security-headers, for answers that are never HTML.
SECURITY_HEADERS = {
    "Cache-Control": "no-store",
    "Content-Security-Policy": "default-src 'none'; frame-ancestors 'none'",
    "Referrer-Policy": "no-referrer",
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
}


def is_api_request(request: HttpRequest) -> bool:
    return request.path.startswith(API_PREFIX)


class ApiResponseMiddleware:
    """Under /api/: the version header (ADR /core/version-header), an HTML error page
    turned into a problem (a 404 of no view, a 500), the security headers of an API, and
    CORS closed: no CORS header, whatever added one, so no browser page of another origin
    may call the API; only openapi.json may be read by any origin."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        response = self.get_response(request)
        if not is_api_request(request):
            return response
        if response.status_code >= 400 and not _is_json(response):
            problem = problem_response(request, response.status_code)
            # Keep the security and language headers the other middleware set.
            for name, value in response.headers.items():
                if name.lower() not in ("content-type", "content-length"):
                    problem.headers[name] = value
            response = problem
        for header in [h for h in response.headers if h.lower().startswith("access-control-")]:
            del response.headers[header]
        if request.path in PUBLIC_PATHS:
            response.headers["Access-Control-Allow-Origin"] = "*"
        for name, value in SECURITY_HEADERS.items():
            response.headers[name] = value
        response.headers["API-Version"] = settings.API_VERSION
        return response


def _is_json(response: HttpResponseBase) -> bool:
    content_type = response.headers.get("Content-Type", "")
    return content_type.startswith(("application/json", PROBLEM_CONTENT_TYPE))
