"""/api/v1/: resource names in English, plural, kebab-case, without trailing slashes."""

from __future__ import annotations

from django.urls import path

from api.views import core, hr, reports, suppliers

app_name = "api"

urlpatterns = [
    path("oauth/token", core.ApiTokenView.as_view(), name="token"),
    path("openapi.json", core.OpenApiView.as_view(), name="openapi"),
    path("me", core.me, name="me"),
    # For HR and recruitment systems (department clients) and the programme bureau.
    path("committees", hr.committees, name="committees"),
    path("committees/<int:id>/compliance", hr.committee_compliance, name="committee_compliance"),
    path("people/<str:employee_number>/training", hr.person_training, name="person_training"),
    path("reports/<str:quarter>/<str:kind>", reports.report_figures, name="report_figures"),
    # Suppliers.
    path("sessions/<str:supplier_ref>", suppliers.session, name="session"),
    path("attendance", suppliers.attendance, name="attendance"),
    path("attendance-batches/<int:batch_id>", suppliers.attendance_batch, name="attendance_batch"),
    path("registrations", suppliers.registrations, name="registrations"),
]
