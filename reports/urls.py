from __future__ import annotations

from django.urls import path

from reports import views

app_name = "reports"

urlpatterns = [
    path("", views.index, name="index"),
    path("compile/", views.compile_quarter, name="compile"),
    path("jobs/<int:pk>/", views.job_detail, name="job"),
    path("jobs/<int:pk>/retry/", views.job_retry_view, name="job_retry"),
    path("interventions/", views.interventions, name="interventions"),
    path("self-reported/", views.self_reported, name="self_reported"),
    path("suppliers/", views.suppliers, name="suppliers"),
    path("suppliers/download/<str:fmt>/", views.suppliers_download, name="suppliers_download"),
    path("<int:pk>/", views.snapshot_detail, name="snapshot"),
    path("<int:pk>/compare/", views.snapshot_compare, name="compare"),
    path("<int:pk>/download/<str:fmt>/", views.snapshot_download, name="download"),
    path("<int:pk>/annex/<str:fmt>/", views.snapshot_annex, name="annex"),
]
