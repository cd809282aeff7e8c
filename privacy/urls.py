from __future__ import annotations

from django.urls import path

from privacy import views

app_name = "privacy"

# The same addresses as before the privacy app existed: bookmarks and links keep working.
urlpatterns = [
    path(
        "people/<int:pk>/subject-access/",
        views.person_subject_access,
        name="person_subject_access",
    ),
    path("privacy/", views.privacy_note, name="note"),
]
