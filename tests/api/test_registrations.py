"""GET /api/v1/registrations?session=...: whom a supplier should expect, and no more."""

from __future__ import annotations

import pytest

from tests.factories import CompletionFactory, PersonFactory, SessionFactory
from trainings.models import CompletionStatus

pytestmark = pytest.mark.django_db


@pytest.fixture
def session(supplier):
    return SessionFactory(supplier=supplier, external_id="S-9")


def test_the_registered_people_with_only_name_email_and_ministry(
    supplier_api, session, department, django_assert_max_num_queries
) -> None:
    for last_name in ("Bakker", "Aalders", "Claes"):
        CompletionFactory(
            session=session,
            status=CompletionStatus.REGISTERED,
            person=PersonFactory(department=department, last_name=last_name),
        )
    CompletionFactory(session=session, status=CompletionStatus.CANCELLED)
    with django_assert_max_num_queries(8):
        response = supplier_api.get("/api/v1/registrations", {"session": "S-9"})
    assert response.status_code == 200
    body = response.json()
    assert body["session"] == "S-9"
    assert [r["name"].split()[-1] for r in body["registrations"]] == ["Aalders", "Bakker", "Claes"]
    assert set(body["registrations"][0]) == {"name", "email", "ministry", "registered_at"}
    assert body["registrations"][0]["ministry"] == "AAA"


def test_another_suppliers_session_is_not_found(other_supplier_api, session) -> None:
    CompletionFactory(session=session, status=CompletionStatus.REGISTERED)
    response = other_supplier_api.get("/api/v1/registrations", {"session": "S-9"})
    assert response.status_code == 404
    assert "registrations" not in response.json()


def test_the_session_parameter_is_required(supplier_api) -> None:
    response = supplier_api.get("/api/v1/registrations")
    assert response.status_code == 400
    assert response.json()["invalid-params"][0]["name"] == "session"


def test_department_clients_get_403(department_api, session) -> None:
    assert department_api.get("/api/v1/registrations", {"session": "S-9"}).status_code == 403
