from __future__ import annotations

from django.urls import path

from worklists import member_views, views

app_name = "worklists"

urlpatterns = [
    path("lists/<slug:kind>.<slug:fmt>", views.list_download, name="download"),
    path("lists/downloads/<int:pk>/", views.job_detail, name="job"),
    path("lists/downloads/<int:pk>/file/", views.job_file, name="job_file"),
    path("committees/<int:pk>/members/paste/", member_views.bulk_add, name="bulk_add"),
    path("committees/<int:pk>/members/copy/", member_views.copy_members, name="copy_members"),
]
