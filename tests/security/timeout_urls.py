"""The real URLs plus a page whose query sleeps, for the statement timeout tests."""

from __future__ import annotations

from collections.abc import Callable

from django.db import connection
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.urls import path

from training_monitor.urls import handler500
from training_monitor.urls import urlpatterns as real_urlpatterns


def _sleep(seconds: str) -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_sleep(%s)", [float(seconds)])


def slow(request: HttpRequest) -> HttpResponse:
    _sleep(request.GET.get("seconds", "1"))
    return HttpResponse("done")


class SlowMiddleware:
    """A middleware whose query runs long (?middleware_seconds=), as loading a session can."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        if "middleware_seconds" in request.GET:
            _sleep(request.GET["middleware_seconds"])
        return self.get_response(request)


urlpatterns = [path("test/slow/", slow, name="test_slow"), *real_urlpatterns]

__all__ = ["handler500", "urlpatterns"]
