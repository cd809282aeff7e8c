"""`role_required`: the one decorator pages use to check a role; `is_htmx` the one test."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.test import RequestFactory

from departments.access import (
    has_a_role,
    is_htmx,
    may_compile_reports,
    may_import,
    role_required,
    sees_all_departments,
)

pytestmark = pytest.mark.django_db


@role_required(sees_all_departments)
def bureau_page(request: HttpRequest) -> HttpResponse:
    return HttpResponse("figures of every department")


def get(user) -> HttpRequest:
    request = RequestFactory().get("/somewhere/")
    request.user = user
    return request


def test_an_anonymous_visitor_is_sent_to_log_in() -> None:
    response = bureau_page(get(AnonymousUser()))
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_op_staff_get_403_where_the_predicate_says_no(op_user, outsider) -> None:
    for user in (op_user, outsider):
        with pytest.raises(PermissionDenied):
            bureau_page(get(user))


def test_the_bureau_and_administrators_get_the_page(bureau, admin_user_) -> None:
    for user in (bureau, admin_user_):
        assert bureau_page(get(user)).content == b"figures of every department"


def test_the_predicates_per_role(op_user, bureau, admin_user_, django_user_model) -> None:
    nobody = django_user_model.objects.create_user("zonder.rol")
    assert [has_a_role(u) for u in (nobody, op_user, bureau, admin_user_)] == [
        False,
        True,
        True,
        True,
    ]
    assert [may_compile_reports(u) for u in (op_user, bureau, admin_user_)] == [False, True, True]
    assert [may_import(u) for u in (op_user, bureau, admin_user_)] == [False, False, True]


def test_is_htmx_follows_the_htmx_middleware(client, op_user) -> None:
    client.force_login(op_user)
    plain = client.get("/committees/")
    assert not is_htmx(plain.wsgi_request)
    enhanced = client.get("/committees/", HTTP_HX_REQUEST="true")
    assert is_htmx(enhanced.wsgi_request)
