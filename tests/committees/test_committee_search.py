"""The committee list search on members' contact details, and the bureau's department filter."""

from __future__ import annotations

import pytest

from tests.factories import CommitteeFactory, MembershipFactory, PersonFactory

pytestmark = pytest.mark.django_db

URL = "/committees/"


def refs(response) -> list[str]:
    return [c.vacancy_reference for c in response.context["page"].object_list]


@pytest.mark.parametrize("query", ["654321", "tessa.smit@example", "TESSA.SMIT@EXAMPLE.NL"])
def test_a_members_employee_number_or_email_finds_the_committee(
    client, op_user, department, query
) -> None:
    MembershipFactory(
        committee__department=department,
        committee__vacancy_reference="MET-LID",
        person__employee_number="654321",
        person__email="tessa.smit@example.nl",
    )
    CommitteeFactory(department=department, vacancy_reference="ZONDER")
    client.force_login(op_user)
    assert refs(client.get(URL, {"q": query})) == ["MET-LID"]


def test_another_ministrys_member_cannot_be_found_by_email(
    client, op_user, department, other_department
) -> None:
    stranger = PersonFactory(department=other_department, email="geheim@example.nl")
    MembershipFactory(
        committee__department=department, committee__vacancy_reference="EIGEN", person=stranger
    )
    client.force_login(op_user)
    assert refs(client.get(URL, {"q": "geheim@example.nl"})) == []
    assert refs(client.get(URL, {"q": stranger.last_name})) == ["EIGEN"]


def test_an_outsider_does_not_find_the_victims_committee(client, outsider, department) -> None:
    MembershipFactory(committee__department=department, person__employee_number="111222")
    client.force_login(outsider)
    assert refs(client.get(URL, {"q": "111222"})) == []


def test_the_bureau_filters_by_department(client, bureau, department, other_department) -> None:
    CommitteeFactory(department=department, vacancy_reference="AAA-1")
    CommitteeFactory(department=other_department, vacancy_reference="ZZZ-1")
    client.force_login(bureau)
    response = client.get(URL, {"department": other_department.pk})
    assert refs(response) == ["ZZZ-1"]
    assert 'name="department"' in response.content.decode()


def test_an_administrator_gets_the_department_filter(client, admin_user_, department) -> None:
    client.force_login(admin_user_)
    assert "department" in client.get(URL).context["filter"].form.fields


def test_op_staff_get_no_department_filter(client, op_user, department) -> None:
    client.force_login(op_user)
    response = client.get(URL)
    assert "department" not in response.context["filter"].form.fields
    assert 'name="department"' not in response.content.decode()


@pytest.mark.parametrize("query", ["de Vries", "Anna de Vries", "Vries, Anna"])
def test_a_members_name_with_a_particle_finds_the_committee(
    client, op_user, department, query
) -> None:
    MembershipFactory(
        committee__department=department,
        committee__vacancy_reference="MET-ANNA",
        committee__vacancy_title="Jurist",
        person__first_name="Anna",
        person__particle="de",
        person__last_name="Vries",
    )
    MembershipFactory(
        committee__department=department,
        committee__vacancy_reference="MET-BRAM",
        committee__vacancy_title="Jurist",
        person__first_name="Bram",
        person__last_name="Vries",
    )
    client.force_login(op_user)
    assert refs(client.get(URL, {"q": query})) == ["MET-ANNA"]
