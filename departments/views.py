from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from departments.access import sees_all_departments
from departments.models import Department


@login_required
def home(request: HttpRequest) -> HttpResponse:
    departments = Department.objects.visible_to(request.user)
    return render(
        request,
        "home.html",
        {"departments": departments, "sees_all": sees_all_departments(request.user)},
    )
