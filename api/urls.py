"""/api/v1/: resource names in English, plural, kebab-case, without trailing slashes."""

from __future__ import annotations

from django.urls import path

from api.views import core, hr, reports

app_name = "api"

urlpatterns = [
    path("oauth/token", core.ApiTokenView.as_view(), name="token"),
    path("openapi.json", core.OpenApiView.as_view(), name="openapi"),
    path("me", core.me, name="me"),
    # For HR and recruitment systems (department clients) and the programme bureau.
    path("committees", hr.committees, name="committees"),
    path("committees/<int:id>/compliance", hr.committee_compliance, name="committee-compliance"),
    path("people/<str:employee_number>/training", hr.person_training, name="person-training"),
    path("reports/<str:quarter>/<str:kind>", reports.report_figures, name="report-figures"),
]
