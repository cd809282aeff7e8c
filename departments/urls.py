from __future__ import annotations

from django.urls import path

from departments import people_views

app_name = "departments"

urlpatterns = [
    path("people/", people_views.people_list, name="people"),
    path("people/<int:pk>/", people_views.person_detail, name="person"),
    path("people/<int:pk>/edit/", people_views.person_edit, name="person_edit"),
]
