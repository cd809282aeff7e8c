"""The real URLs plus a page whose query sleeps, for the statement timeout tests."""

from __future__ import annotations

from django.db import connection
from django.http import HttpRequest, HttpResponse
from django.urls import path

from training_monitor.urls import urlpatterns as real_urlpatterns


def slow(request: HttpRequest) -> HttpResponse:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_sleep(%s)", [float(request.GET.get("seconds", "1"))])
    return HttpResponse("done")


urlpatterns = [path("test/slow/", slow, name="test_slow"), *real_urlpatterns]
