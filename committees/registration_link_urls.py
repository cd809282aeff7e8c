from __future__ import annotations

from django.urls import path

from committees import registration_views

# No namespace: the name is the one `registration_links.member_registration_url` reverses.
urlpatterns = [
    path(
        "aanmelden/<str:token>/",
        registration_views.member_registration,
        name="member-registration",
    ),
]
