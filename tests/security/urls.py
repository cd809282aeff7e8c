"""The real URLs plus views that fail on purpose, for the error pages and the access log."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, SuspiciousOperation
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import path

from training_monitor.urls import urlpatterns as real_urlpatterns


def forbidden(request: HttpRequest) -> HttpResponse:
    raise PermissionDenied


def hidden(request: HttpRequest, pk: int) -> HttpResponse:
    raise Http404


def suspicious(request: HttpRequest) -> HttpResponse:
    raise SuspiciousOperation("tampered")


def crash(request: HttpRequest) -> HttpResponse:
    raise RuntimeError("secret internals")


urlpatterns = [
    path("test/forbidden/", forbidden, name="test_forbidden"),
    path("test/hidden/<int:pk>/", hidden, name="test_hidden"),
    path("test/suspicious/", suspicious, name="test_suspicious"),
    path("test/crash/", crash, name="test_crash"),
    *real_urlpatterns,
]
