from __future__ import annotations

from django.urls import path

from trainings import hand_entry_views as views

app_name = "completions"

urlpatterns = [
    path("to-confirm/", views.pending_list, name="pending"),
    path("people/<int:person_pk>/new/", views.completion_enter, name="enter"),
    path("<int:pk>/confirm/", views.confirm, name="confirm"),
    path("<int:pk>/reject/", views.reject, name="reject"),
]
