from __future__ import annotations

from django.urls import path

from committees import people_views

# The people pages show who is trained and on which committees, so they live with the
# committees (departments, the ground floor, knows neither).
app_name = "people"

urlpatterns = [
    path("people/", people_views.people_list, name="people"),
    path("people/<int:pk>/", people_views.person_detail, name="person"),
    path("people/<int:pk>/edit/", people_views.person_edit, name="person_edit"),
]
