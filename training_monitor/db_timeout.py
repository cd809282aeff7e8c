"""A PostgreSQL `statement_timeout` for web requests only, and a friendly page when it hits.

A page that asks too much of the database (a huge search, a crafted filter) must not tie
up a web worker, and the database must stop the query too: a worker killed by gunicorn's
timeout leaves its query running. Celery workers and management commands compile reports
and import files that may take minutes, so they are not limited.

The limit is bound to the web entry points (wsgi.py, asgi.py call
`limit_web_connections`): every database connection that web process opens starts with
the timeout, at no cost per request. DB_STATEMENT_TIMEOUT (seconds, 0 = off) sets it.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.db import OperationalError
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.backends.signals import connection_created
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.template.loader import render_to_string
from django.views import defaults

logger = logging.getLogger(__name__)

# SQLSTATE of "canceling statement due to statement timeout" (query_canceled).
QUERY_CANCELED = "57014"
_DISPATCH_UID = "training_monitor.db_timeout"


def statement_timeout_ms(seconds: float | None = None) -> int:
    value = settings.DB_STATEMENT_TIMEOUT if seconds is None else seconds
    return max(0, int(value * 1000))


def _configure_web_connection(sender: Any, connection: BaseDatabaseWrapper, **kwargs: Any) -> None:
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        # No JIT compilation for a page's queries: they run in milliseconds, and at Rijk
        # scale the planner's cost estimates (a search over 250,000 people) made
        # PostgreSQL spend 40 ms compiling one before running it. Workers keep it.
        cursor.execute("SET jit = off")
        milliseconds = statement_timeout_ms()
        if milliseconds > 0:
            # SET cannot take a bound parameter; the value is an int we computed.
            cursor.execute(f"SET statement_timeout = {int(milliseconds)}")


def limit_web_connections() -> None:
    """Give every database connection this process opens from now on the web timeout
    (and no JIT compilation)."""
    connection_created.connect(_configure_web_connection, dispatch_uid=_DISPATCH_UID)


def unlimit_web_connections() -> None:
    connection_created.disconnect(dispatch_uid=_DISPATCH_UID)


def is_statement_timeout(error: BaseException) -> bool:
    cause = error.__cause__
    return isinstance(error, OperationalError) and (
        getattr(cause, "sqlstate", None) == QUERY_CANCELED
        or getattr(cause, "pgcode", None) == QUERY_CANCELED
    )


class StatementTimeoutMiddleware:
    """Turns a query the database cancelled for taking too long into a 503 page.

    The page says the question was too heavy and what to try; the event is logged with
    the URL pattern's name only (a search text may name a person).
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not is_statement_timeout(exception):
            return None
        return timeout_response(request)


def timeout_response(request: HttpRequest) -> HttpResponse:
    match = getattr(request, "resolver_match", None)
    logger.warning(
        "Statement timeout: view=%s method=%s",
        match.view_name if match else "-",
        request.method,
    )
    response = HttpResponse(render_to_string("503_timeout.html", request=request), status=503)
    response["Retry-After"] = "60"
    return response


def server_error(request: HttpRequest) -> HttpResponse:
    """handler500: a timeout raised outside the view (a middleware loading the session or
    the user, a response being saved) never reaches process_exception above; Django calls
    this inside its `except`, so the exception is still at hand."""
    error = sys.exc_info()[1]
    if error is not None and is_statement_timeout(error):
        return timeout_response(request)
    return defaults.server_error(request)
