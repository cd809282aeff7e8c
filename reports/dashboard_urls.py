from __future__ import annotations

from django.urls import path

from reports import dashboard_views

# The dashboards kept their addresses under departments/ when they moved here: users
# have bookmarked them.
app_name = "dashboard"

urlpatterns = [
    path("departments/what-if-strict/", dashboard_views.what_if_strict, name="what_if_strict"),
    path("departments/<str:code>/", dashboard_views.department_dashboard, name="department"),
]
