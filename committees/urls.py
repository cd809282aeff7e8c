from __future__ import annotations

from django.urls import path

from committees import registration_views, role_views, views

app_name = "committees"

urlpatterns = [
    path("", views.committee_list, name="list"),
    path("new/", views.committee_create, name="create"),
    path("<int:pk>/", views.committee_detail, name="detail"),
    path("<int:pk>/edit/", views.committee_edit, name="edit"),
    path("<int:pk>/people-search/", views.people_search, name="people_search"),
    path("<int:pk>/members/add/", views.member_add, name="member_add"),
    path("<int:pk>/members/new-person/", views.member_add_new_person, name="member_new_person"),
    path(
        "<int:pk>/members/<int:membership_pk>/role/",
        role_views.member_role,
        name="member_role",
    ),
    path(
        "<int:pk>/members/<int:membership_pk>/register/",
        registration_views.member_register,
        name="member_register",
    ),
    path(
        "<int:pk>/members/<int:membership_pk>/registrations/<int:completion_pk>/cancel/",
        registration_views.registration_cancel,
        name="registration_cancel",
    ),
    path(
        "<int:pk>/members/<int:membership_pk>/remove/",
        views.member_remove,
        name="member_remove",
    ),
]
