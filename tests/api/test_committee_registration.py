"""POST /api/v1/committees: an HR system registers a committee and its members, and the
ministry's rule applies exactly as on the pages: the same services, the same messages."""

from __future__ import annotations

import datetime

import pytest

from committees.enforcement import committee_check_enforcement
from committees.models import (
    CommitteeJustification,
    CommitteeMembership,
    CommitteeStatus,
    SelectionCommittee,
)
from departments.models import EnforcementMode
from tests.factories import CommitteeFactory, CompletionFactory, MembershipFactory, PersonFactory

pytestmark = pytest.mark.django_db

URL = "/api/v1/committees"


def _mode(department, mode: str) -> None:
    department.enforcement_mode = mode
    department.save(update_fields=["enforcement_mode"])


def body(*members: tuple[str, str], **extra):
    return {
        "vacancy_reference": "vac 2025-1",
        "vacancy_title": "Beleidsmedewerker  Financiën",
        "interview_date": "2025-06-16",
        "members": [{"employee_number": n, "role": r} for n, r in members],
        **extra,
    }


def reasons(response) -> dict[str, str]:
    assert response.status_code == 400, response.content
    assert response["Content-Type"] == "application/problem+json"
    return {p["name"]: p["reason"] for p in response.json()["invalid-params"]}


@pytest.fixture
def people(department):
    return [
        PersonFactory(department=department, employee_number=f"E{i}", last_name=name)
        for i, name in enumerate(["Aalders", "Bos"])
    ]


def test_a_committee_is_registered_with_its_members_and_the_client_as_actor(
    department_api, people
) -> None:
    response = department_api.post(URL, body(("e0", "chair"), ("E1", "member")))

    assert response.status_code == 201, response.content
    committee = SelectionCommittee.objects.get()
    assert response["Location"] == f"/api/v1/committees/{committee.pk}/compliance"
    # Normalised by the pages' form.
    assert committee.vacancy_reference == "VAC 2025-1"
    assert committee.vacancy_title == "Beleidsmedewerker Financiën"
    assert committee.status == CommitteeStatus.PLANNED
    assert response.json()["required_members"] == 2
    actor = department_api.client.user
    assert {h.history_user for h in committee.history.all()} == {actor}
    memberships = CommitteeMembership.history.filter(committee_id=committee.pk)
    assert {h.history_user for h in memberships} == {actor}


def test_justify_asks_the_reason_of_the_page_and_keeps_it(department, department_api, people):
    _mode(department, EnforcementMode.JUSTIFY)
    refused = department_api.post(URL, body(("E0", "chair"), status="confirmed"))

    # The message the committee's edit page shows in the same situation.
    page = CommitteeFactory(department=department, interview_date=datetime.date(2025, 6, 16))
    MembershipFactory(committee=page, person=people[0], role="chair")
    check = committee_check_enforcement(committee=page, status=CommitteeStatus.CONFIRMED)
    assert reasons(refused) == {"justification": check.justification_message()}
    assert SelectionCommittee.objects.count() == 1  # only the page's: nothing stayed behind

    given = department_api.post(
        URL, body(("E0", "chair"), status="confirmed", justification="Sessie vol, volgt in juli.")
    )
    assert given.status_code == 201, given.content
    justification = CommitteeJustification.objects.get(committee_id=given.json()["id"])
    assert justification.created_by == department_api.client.user


def test_strict_refuses_on_the_status_with_the_page_message(department, department_api, people):
    _mode(department, EnforcementMode.STRICT)
    response = department_api.post(URL, body(("E0", "chair"), ("E1", "member"), status="held"))

    reason = reasons(response)["status"]
    assert "Aalders" in reason
    assert "Bos" in reason
    assert not SelectionCommittee.objects.exists()


def test_strict_confirms_trained_members(department, department_api, people) -> None:
    _mode(department, EnforcementMode.STRICT)
    CompletionFactory(person=people[0], session__date=datetime.date(2025, 1, 1))

    response = department_api.post(URL, body(("E0", "chair"), status="confirmed"))

    assert response.status_code == 201, response.content
    assert response.json()["status"] == "confirmed"
    assert response.json()["compliant"] is True


def test_advisory_confirms_and_answers_the_pages_warning(department, department_api, people):
    _mode(department, EnforcementMode.ADVISORY)
    response = department_api.post(URL, body(("E1", "member"), status="confirmed"))

    assert response.status_code == 201, response.content
    assert response.json()["warnings"] == [f"Nog niet getraind: {people[1].full_name}."]


def test_an_incomplete_committee_cannot_be_confirmed(department_api, people) -> None:
    response = department_api.post(URL, body(("E0", "external"), status="confirmed"))

    assert list(reasons(response)) == ["status"]


def test_every_error_comes_at_once_in_dutch(department_api, people, other_department) -> None:
    PersonFactory(department=other_department, employee_number="THEIRS")
    response = department_api.post(
        URL,
        body(
            ("E0", "chair"),
            ("THEIRS", "member"),
            ("NOBODY", "member"),
            interview_date="1901-01-01",
        ),
    )

    found = reasons(response)
    assert set(found) == {
        "interview_date",
        "members.1.employee_number",
        "members.2.employee_number",
    }
    # Someone of another ministry is "not found", like someone who does not exist.
    assert found["members.1.employee_number"] == found["members.2.employee_number"]
    assert found["members.1.employee_number"] == "Er is niemand met dit personeelsnummer gevonden."
    assert response.json()["title"]
    assert not SelectionCommittee.objects.exists()


def test_the_same_person_twice_is_refused_with_the_page_message(department_api, people) -> None:
    response = department_api.post(URL, body(("E0", "chair"), ("E0", "member")))

    assert reasons(response) == {"members.1": f"{people[0].full_name} zit al in deze commissie."}


def test_the_shape_is_checked_first(department_api) -> None:
    response = department_api.post(URL, {"members": [{"role": "boss"}]})

    assert {"vacancy_reference", "interview_date", "members.0.role"} <= set(reasons(response))


def test_another_ministry_registers_only_in_its_own(
    department, other_department_api, other_department
) -> None:
    PersonFactory(department=other_department, employee_number="Z1")

    response = other_department_api.post(URL, body(("Z1", "chair")))

    assert response.status_code == 201, response.content
    assert SelectionCommittee.objects.get().department == other_department
    assert not department.committees.exists()


@pytest.mark.parametrize("caller", ["supplier_api", "bureau_api"])
def test_a_supplier_or_the_bureau_may_not_register(request, caller, people) -> None:
    response = request.getfixturevalue(caller).post(URL, body(("E0", "chair")))

    assert response.status_code == 403
    assert not SelectionCommittee.objects.exists()


def test_a_retry_with_the_same_idempotency_key_registers_nothing_again(
    department_api, people
) -> None:
    first = department_api.post(URL, body(("E0", "chair")), HTTP_IDEMPOTENCY_KEY="reg-1")
    again = department_api.post(URL, body(("E0", "chair")), HTTP_IDEMPOTENCY_KEY="reg-1")
    other = department_api.post(URL, body(("E1", "chair")), HTTP_IDEMPOTENCY_KEY="reg-1")

    assert (first.status_code, again.status_code, other.status_code) == (201, 201, 422)
    assert again.json() == first.json()
    assert again["Location"] == first["Location"]
    assert SelectionCommittee.objects.count() == 1
