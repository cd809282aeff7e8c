"""Creating and editing committees, and adding and removing members, through the pages."""

from __future__ import annotations

import pytest

from committees.models import CommitteeJustification, CommitteeStatus, SelectionCommittee
from tests.factories import CommitteeFactory, MembershipFactory, PersonFactory

pytestmark = pytest.mark.django_db


def form_data(**overrides: object) -> dict[str, object]:
    data: dict[str, object] = {
        "vacancy_reference": " vac-2025-1 ",
        "vacancy_title": "Senior  adviseur",
        "interview_date": "2025-09-01",
        "status": "planned",
        "notes": "",
        "justification": "",
    }
    data.update(overrides)
    return data


def test_op_staff_create_a_committee_in_their_department(client, op_user, department) -> None:
    client.force_login(op_user)
    response = client.post("/committees/new/", form_data(department=department.pk))
    committee = SelectionCommittee.objects.get()
    assert response.url == f"/committees/{committee.pk}/"
    assert (committee.vacancy_reference, committee.vacancy_title) == (
        "VAC-2025-1",
        "Senior adviseur",
    )


def test_no_one_creates_a_committee_for_another_department(
    client, op_user, other_department
) -> None:
    client.force_login(op_user)
    response = client.post("/committees/new/", form_data(department=other_department.pk))
    assert response.status_code == 200
    assert "department" in response.context["form"].errors
    assert not SelectionCommittee.objects.exists()


def test_the_bureau_cannot_create(client, bureau) -> None:
    client.force_login(bureau)
    assert client.get("/committees/new/").status_code == 403


def test_a_form_error_shows_an_error_summary(client, op_user, department) -> None:
    client.force_login(op_user)
    response = client.post(
        "/committees/new/", form_data(department=department.pk, vacancy_title="")
    )
    assert 'class="error-summary"' in response.content.decode()


def test_strict_blocks_confirming_on_the_edit_page(client, op_user, department) -> None:
    department.enforcement_mode = "strict"
    department.save(update_fields=["enforcement_mode"])
    committee = CommitteeFactory(department=department)
    MembershipFactory(committee=committee)
    client.force_login(op_user)
    response = client.post(f"/committees/{committee.pk}/edit/", form_data(status="confirmed"))
    assert response.status_code == 200
    assert "status" in response.context["form"].errors
    committee.refresh_from_db()
    assert committee.status == CommitteeStatus.PLANNED


def test_justify_asks_a_reason_and_stores_it(client, op_user, department) -> None:
    department.enforcement_mode = "justify"
    department.save(update_fields=["enforcement_mode"])
    committee = CommitteeFactory(department=department)
    MembershipFactory(committee=committee)
    client.force_login(op_user)
    url = f"/committees/{committee.pk}/edit/"
    response = client.post(url, form_data(status="confirmed"))
    assert "justification" in response.context["form"].errors
    response = client.post(url, form_data(status="confirmed", justification="Spoed"))
    assert response.status_code == 302
    assert CommitteeJustification.objects.get().created_by == op_user


def test_an_outsider_cannot_edit(client, outsider, department) -> None:
    committee = CommitteeFactory(department=department)
    client.force_login(outsider)
    assert client.post(f"/committees/{committee.pk}/edit/", form_data()).status_code == 404


def test_a_member_is_added_and_a_duplicate_refused(client, op_user, department) -> None:
    committee = CommitteeFactory(department=department)
    person = PersonFactory(department=department, first_name="Kees", last_name="Smit")
    client.force_login(op_user)
    url = f"/committees/{committee.pk}/members/add/"
    client.post(url, {"person": person.pk, "role": "chair"})
    response = client.post(url, {"person": person.pk, "role": "member"}, follow=True)
    assert committee.memberships.get().role == "chair"
    assert "Kees Smit" in str(next(iter(response.context["messages"])))


def test_a_person_of_another_department_cannot_be_added(
    client, op_user, department, other_department
) -> None:
    committee = CommitteeFactory(department=department)
    stranger = PersonFactory(department=other_department)
    client.force_login(op_user)
    client.post(
        f"/committees/{committee.pk}/members/add/", {"person": stranger.pk, "role": "member"}
    )
    assert not committee.memberships.exists()


def test_a_new_person_is_created_inline(client, op_user, department) -> None:
    committee = CommitteeFactory(department=department)
    client.force_login(op_user)
    response = client.post(
        f"/committees/{committee.pk}/members/new-person/",
        {"first_name": "Nieuw", "last_name": "Lid", "email": "NIEUW@example.nl", "role": "member"},
    )
    assert response.status_code == 302
    member = committee.memberships.select_related("person").get().person
    assert (member.email, member.department) == ("nieuw@example.nl", department)


def test_a_new_person_with_a_taken_email_gets_a_field_error(client, op_user, department) -> None:
    committee = CommitteeFactory(department=department)
    known = PersonFactory(department=department, email="bezet@example.nl")
    client.force_login(op_user)
    data = {"first_name": "A", "last_name": "B", "email": "bezet@example.nl", "role": "member"}
    offered = client.post(f"/committees/{committee.pk}/members/new-person/", data)
    assert offered.context["matches"] == [known]
    response = client.post(
        f"/committees/{committee.pk}/members/new-person/", {**data, "confirm": "yes"}
    )
    assert "email" in response.context["form"].errors
    assert response.context["existing"] == [known]


def test_a_member_is_removed_after_confirmation(client, op_user, department) -> None:
    membership = MembershipFactory(committee__department=department)
    client.force_login(op_user)
    url = f"/committees/{membership.committee.pk}/members/{membership.pk}/remove/"
    assert client.get(url).status_code == 200
    client.post(url)
    assert not membership.committee.memberships.exists()


def test_an_outsider_cannot_remove_a_member(client, outsider, department) -> None:
    membership = MembershipFactory(committee__department=department)
    client.force_login(outsider)
    url = f"/committees/{membership.committee.pk}/members/{membership.pk}/remove/"
    assert client.post(url).status_code == 404
    assert membership.committee.memberships.exists()
