"""GET /api/v1/committees/{id}/compliance: a ministry's HR system reads its committee as
its O&P staff see it on the committee page; another ministry gets a 404."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from committees.models import MembershipRole
from tests.factories import (
    CommitteeFactory,
    CompletionFactory,
    MembershipFactory,
    PersonFactory,
)
from trainings.models import CompletionStatus

pytestmark = pytest.mark.django_db

INTERVIEW = datetime.date(2025, 6, 16)


def url(pk: int) -> str:
    return f"/api/v1/committees/{pk}/compliance"


@pytest.fixture
def committee(department):
    committee = CommitteeFactory(department=department, interview_date=INTERVIEW)
    trained = MembershipFactory(
        committee=committee, role=MembershipRole.CHAIR, person__last_name="Aalders"
    )
    CompletionFactory(person=trained.person, session__date=datetime.date(2025, 3, 1))
    registered = MembershipFactory(committee=committee, person__last_name="Bos")
    CompletionFactory(
        person=registered.person,
        session__date=datetime.date(2025, 6, 1),
        status=CompletionStatus.REGISTERED,
    )
    MembershipFactory(committee=committee, person__last_name="Claes")
    MembershipFactory(committee=committee, role=MembershipRole.EXTERNAL, person__last_name="Dijk")
    return committee


def test_the_ministry_reads_its_committee_and_each_members_training(
    department_api, committee
) -> None:
    response = department_api.get(url(committee.pk))

    assert response.status_code == 200
    body = response.json()
    assert (body["ministry"], body["compliant"], body["incomplete"]) == ("AAA", False, False)
    assert (body["required_members"], body["trained_members"]) == (3, 1)
    states = {m["name"].split()[-1]: m for m in body["members"]}
    assert states["Aalders"]["state"] == "trained"
    assert states["Aalders"]["trained_on"] == "2025-03-01"
    assert states["Bos"]["state"] == "registered"
    assert states["Bos"]["registered_for"] == "2025-06-01"
    assert states["Bos"]["registered_in_time"] is True
    assert states["Claes"]["state"] == "untrained"
    assert states["Dijk"]["state"] == "exempt"
    assert states["Dijk"]["requires_training"] is False
    assert response["API-Version"] == "1.0.0"


def test_a_member_lent_by_another_ministry_is_named_without_their_employee_number(
    department_api, committee, other_department
) -> None:
    lent = PersonFactory(department=other_department, last_name="Elzinga")
    MembershipFactory(committee=committee, person=lent)

    members = department_api.get(url(committee.pk)).json()["members"]

    row = next(m for m in members if m["name"].endswith("Elzinga"))
    assert row["employee_number"] is None
    assert all(m["employee_number"] for m in members if m is not row)


def test_another_ministry_gets_the_404_of_a_committee_that_does_not_exist(
    other_department_api, committee
) -> None:
    theirs = other_department_api.get(url(committee.pk))
    nothing = other_department_api.get(url(committee.pk + 1000))

    assert theirs.status_code == nothing.status_code == 404
    assert theirs["Content-Type"] == "application/problem+json"
    strip = lambda r: {k: v for k, v in r.json().items() if k != "instance"}  # noqa: E731
    assert strip(theirs) == strip(nothing)
    assert committee.vacancy_reference not in theirs.content.decode()


@pytest.mark.parametrize("caller", ["supplier_api", "bureau_api"])
def test_a_supplier_or_the_bureau_is_refused(request, caller, committee) -> None:
    response = request.getfixturevalue(caller).get(url(committee.pk))

    assert response.status_code == 403
    assert response["Content-Type"] == "application/problem+json"


def test_the_queries_do_not_grow_with_the_members(department_api, committee) -> None:
    department_api.get(url(committee.pk))  # the token and the client are cached alike
    with CaptureQueriesContext(connection) as few:
        department_api.get(url(committee.pk))
    for _ in range(6):
        member = MembershipFactory(committee=committee)
        CompletionFactory(person=member.person, session__date=datetime.date(2025, 3, 1))
    with CaptureQueriesContext(connection) as many:
        department_api.get(url(committee.pk))

    assert len(many) == len(few)
