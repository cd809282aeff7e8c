"""/api/v1/: resource names in English, plural, kebab-case, without trailing slashes."""

from __future__ import annotations

from django.urls import path

from api.views import core

app_name = "api"

urlpatterns = [
    path("oauth/token", core.ApiTokenView.as_view(), name="token"),
    path("openapi.json", core.OpenApiView.as_view(), name="openapi"),
    path("me", core.me, name="me"),
]
