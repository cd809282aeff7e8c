"""PUT and GET /api/v1/sessions/{supplier_ref}: a supplier's own sessions by its own id."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone
from simple_history.utils import get_history_model_for_model

from tests.factories import SessionFactory
from trainings.models import TrainingSession

pytestmark = pytest.mark.django_db

NEXT_MONTH = timezone.localdate() + datetime.timedelta(days=30)
BODY = {
    "date": NEXT_MONTH.isoformat(),
    "start_time": "09:30",
    "end_time": "12:30",
    "place": "Den Haag, Turfmarkt 147",
    "programme": {"name": "Objectief selecteren", "version": "2.1"},
    "capacity": 16,
}


def test_a_session_is_created_then_updated_and_a_repeat_changes_nothing(supplier_api) -> None:
    created = supplier_api.put("/api/v1/sessions/LEV-2027-01", BODY)
    assert created.status_code == 201, created.content
    assert created.headers["Location"] == "/api/v1/sessions/LEV-2027-01"
    session = TrainingSession.objects.get(external_id="LEV-2027-01")
    assert session.supplier == supplier_api.client.supplier
    assert (session.programme.name, session.programme.version) == ("Objectief selecteren", "2.1")
    assert created.json()["start_time"] == "09:30"
    again = supplier_api.put("/api/v1/sessions/LEV-2027-01", BODY)
    assert again.status_code == 200
    assert TrainingSession.objects.count() == 1
    moved = supplier_api.put("/api/v1/sessions/LEV-2027-01", {**BODY, "capacity": 20})
    assert moved.status_code == 200
    session.refresh_from_db()
    assert session.capacity == 20
    history = get_history_model_for_model(TrainingSession).objects.filter(id=session.pk)
    assert {record.history_user for record in history} == {supplier_api.client.user}


def test_a_past_session_may_be_recorded(supplier_api) -> None:
    response = supplier_api.put("/api/v1/sessions/OLD-1", {**BODY, "date": "2024-03-01"})
    assert response.status_code == 201
    assert response.json()["date"] == "2024-03-01"


def test_an_online_session_has_a_link_and_no_place(supplier_api) -> None:
    body = {**BODY, "place": None, "online_link": "https://teams.example.nl/sessie"}
    response = supplier_api.put("/api/v1/sessions/ONLINE-1", body)
    assert response.status_code == 201
    assert response.json()["is_online"] is True


@pytest.mark.parametrize(
    ("change", "name", "message"),
    [
        ({"date": "31-02-2027"}, "date", "31-02-2027"),
        ({"end_time": "08:00"}, "end_time", "eindigt voordat"),
        ({"place": "", "online_link": None}, "place", "plaats"),
        ({"capacity": 0}, "capacity", "minstens 1 plaats"),
        ({"ministry": "Ministerie van Niets"}, "ministry", "Ministerie van Niets"),
        ({"date": None}, "date", ""),
    ],
)
def test_the_schedule_imports_rules_give_the_invalid_params(
    supplier_api, change, name, message
) -> None:
    response = supplier_api.put("/api/v1/sessions/BAD-1", {**BODY, **change})
    assert response.status_code == 400, response.content
    assert response.headers["Content-Type"] == "application/problem+json"
    params = {param["name"]: param["reason"] for param in response.json()["invalid-params"]}
    assert name in params
    assert message in params[name]
    assert not TrainingSession.objects.exists()


def test_supplier_b_gets_404_for_supplier_as_session_and_writes_its_own(
    supplier_api, other_supplier_api
) -> None:
    supplier_api.put("/api/v1/sessions/GEDEELD-1", BODY)
    assert supplier_api.get("/api/v1/sessions/GEDEELD-1").status_code == 200
    response = other_supplier_api.get("/api/v1/sessions/GEDEELD-1")
    assert response.status_code == 404
    assert response.json()["title"] == "Niet gevonden"
    # The same reference is supplier B's own session: A's stays as it was.
    assert (
        other_supplier_api.put("/api/v1/sessions/GEDEELD-1", {**BODY, "capacity": 3}).status_code
        == 201
    )
    mine = TrainingSession.objects.get(supplier=supplier_api.client.supplier)
    assert mine.capacity == 16


def test_a_session_entered_by_hand_is_not_the_suppliers_to_see(supplier_api, supplier) -> None:
    SessionFactory(supplier=supplier, external_id="HAND-1", entered_by_hand=True)
    assert supplier_api.get("/api/v1/sessions/HAND-1").status_code == 404


def test_department_and_bureau_clients_may_not_put_sessions(department_api, bureau_api) -> None:
    for caller in (department_api, bureau_api):
        assert caller.put("/api/v1/sessions/X-1", BODY).status_code == 403
    assert not TrainingSession.objects.exists()
