"""GET /api/v1/people/{employee_number}/training: a person of the ministry, trained today
or not, and every training place, as the person page shows them."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from tests.factories import CompletionFactory, PersonFactory, UserFactory
from trainings.models import CompletionSource, CompletionStatus

pytestmark = pytest.mark.django_db


@pytest.fixture
def person(department):
    person = PersonFactory(department=department, employee_number="AB12345", first_name="Anna")
    CompletionFactory(
        person=person,
        session__date=datetime.date(2025, 3, 1),
        session__supplier__name="Leverancier Noord",
    )
    CompletionFactory(
        person=person,
        session__date=datetime.date(2024, 3, 1),
        status=CompletionStatus.NO_SHOW,
    )
    return person


def test_the_ministry_reads_a_persons_training(department_api, person) -> None:
    response = department_api.get("/api/v1/people/AB12345/training")

    assert response.status_code == 200
    body = response.json()
    assert body["employee_number"] == "AB12345"
    assert body["ministry"] == "AAA"
    assert body["trained"] is True
    assert [(t["date"], t["status"]) for t in body["trainings"]] == [
        ("2025-03-01", "attended"),
        ("2024-03-01", "no_show"),
    ]
    assert body["trainings"][0]["supplier"] == "Leverancier Noord"
    assert "email" not in body


def test_the_employee_number_is_read_as_the_pages_read_it(department_api, person) -> None:
    # Lower case and spaces, as people type it (departments.models.normalise_employee_number).
    assert department_api.get("/api/v1/people/ab%2012345/training").status_code == 200


def test_a_hand_entry_awaiting_confirmation_does_not_train_yet(department_api, department) -> None:
    person = PersonFactory(department=department, employee_number="X1")
    CompletionFactory(
        person=person,
        source=CompletionSource.HAND,
        entered_by=UserFactory(),
        entered_at=timezone.now(),
        evidence_note="Presentielijst van de sessie",
        session__date=datetime.date(2025, 3, 1),
    )

    body = department_api.get("/api/v1/people/X1/training").json()

    assert (body["trained"], body["awaiting_confirmation"]) == (False, True)
    assert body["trainings"][0]["awaiting_confirmation"] is True


def test_another_ministry_gets_the_404_of_nobody(other_department_api, person) -> None:
    theirs = other_department_api.get("/api/v1/people/AB12345/training")
    nobody = other_department_api.get("/api/v1/people/ZZ99999/training")

    assert theirs.status_code == nobody.status_code == 404
    assert theirs.json()["detail"] == nobody.json()["detail"]
    assert "Anna" not in theirs.content.decode()


@pytest.mark.parametrize("caller", ["supplier_api", "bureau_api"])
def test_a_supplier_or_the_bureau_is_refused(request, caller, person) -> None:
    assert request.getfixturevalue(caller).get("/api/v1/people/AB12345/training").status_code == 403
