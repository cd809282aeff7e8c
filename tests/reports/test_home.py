"""The home page sends each user to what they need."""

from __future__ import annotations

import pytest

from tests.factories import DepartmentFactory, op_staff

pytestmark = pytest.mark.django_db


def test_op_staff_of_one_department_go_to_its_dashboard(client, op_user, department) -> None:
    client.force_login(op_user)
    response = client.get("/")
    assert response.url == f"/departments/{department.code}/"


def test_op_staff_of_several_departments_get_a_list(client, department) -> None:
    second = DepartmentFactory(code="BBB")
    user = op_staff(department, second, username="op.two")
    client.force_login(user)
    response = client.get("/")
    assert response.status_code == 200
    assert [d.code for d in response.context["departments"]] == ["AAA", "BBB"]


def test_the_bureau_gets_an_overview_of_all_departments(
    client, bureau, department, other_department
) -> None:
    client.force_login(bureau)
    response = client.get("/")
    codes = [row.department.code for row in response.context["overview"]]
    assert {"AAA", "ZZZ"} <= set(codes)


def test_staff_without_a_department_see_an_explanation(client, db) -> None:
    client.force_login(op_staff(username="op.none"))
    assert "nog niet gekoppeld" in client.get("/").content.decode()
