from __future__ import annotations

from django.urls import path

from departments import people_views, views

app_name = "departments"

urlpatterns = [
    path("departments/what-if-strict/", views.what_if_strict, name="what_if_strict"),
    path("departments/<str:code>/", views.department_dashboard, name="dashboard"),
    path("people/", people_views.people_list, name="people"),
    path("people/<int:pk>/", views.person_detail, name="person"),
    path("people/<int:pk>/edit/", people_views.person_edit, name="person_edit"),
]
