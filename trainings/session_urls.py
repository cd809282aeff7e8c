from __future__ import annotations

from django.urls import path

from trainings import session_views as views

app_name = "sessions"

urlpatterns = [
    path("", views.session_list, name="list"),
]
