from __future__ import annotations

from django.urls import path

from imports import views

app_name = "imports"

urlpatterns = [
    path("", views.import_index, name="index"),
    path("profiles/new/", views.profile_create, name="profile_create"),
    path("review/", views.review_queue_page, name="review"),
    path("sessions/", views.sessions_upload, name="sessions"),
    path("rows/<int:pk>/", views.row_action, name="row"),
    path("<int:pk>/", views.import_detail, name="detail"),
    path("<int:pk>/apply/", views.import_apply, name="apply"),
    path("<int:pk>/mapping/", views.import_mapping, name="mapping"),
    path("<int:pk>/retry/", views.import_retry, name="retry"),
    path("<int:pk>/discard/", views.import_discard, name="discard"),
    path("<int:pk>/progress/", views.import_progress, name="progress"),
]
