"""POST /api/v1/attendance: the records go through the attendance import's pipeline."""

from __future__ import annotations

import datetime

import pytest
from simple_history.utils import get_history_model_for_model

from imports.models import ImportBatch, ImportRow, ImportSource, ImportStatus
from imports.selectors import review_queue
from tests.factories import PersonFactory, SessionFactory
from trainings.models import CompletionStatus, TrainingCompletion

pytestmark = pytest.mark.django_db

URL = "/api/v1/attendance"


@pytest.fixture
def session(supplier):
    return SessionFactory(supplier=supplier, external_id="S-1", date=datetime.date(2026, 11, 2))


@pytest.fixture
def person(department):
    return PersonFactory(department=department, employee_number="123456", email="an@example.nl")


def post(caller, records, capture, **headers):
    with capture(execute=True):
        return caller.post(URL, {"records": records}, **headers)


def test_records_are_matched_applied_and_the_rest_waits_for_review(
    supplier_api, session, person, department, django_capture_on_commit_callbacks
) -> None:
    response = post(
        supplier_api,
        [
            {"employee_number": "123456", "session": "S-1", "status": "attended", "score": 8},
            {
                "email": "niet-goed",
                "full_name": "Bea Bakker",
                "session": "S-1",
                "status": "attended",
            },
            {
                "employee_number": "999",
                "full_name": "Cor Claes",
                "ministry": "AAA",
                "status": "attended",
            },
        ],
        django_capture_on_commit_callbacks,
    )
    assert response.status_code == 202, response.content
    batch = ImportBatch.objects.get(pk=response.json()["id"])
    assert response.headers["Location"] == f"/api/v1/attendance-batches/{batch.pk}"
    assert batch.source == ImportSource.API
    assert batch.supplier == supplier_api.client.supplier
    batch.refresh_from_db()
    assert batch.status == ImportStatus.APPLIED
    completion = TrainingCompletion.objects.get(person=person, session=session)
    assert completion.status == CompletionStatus.ATTENDED
    held = list(review_queue(batch=batch).order_by("row_number"))
    assert [row.row_number for row in held] == [2, 3]
    got = supplier_api.get(response.headers["Location"]).json()
    assert got["status"] == "applied"
    assert got["counts"]["new"] == 1
    assert got["waiting_for_review"] == 2
    by_index = {problem["index"]: problem for problem in got["problems"]}
    assert by_index[1]["field"] == "email"
    assert by_index[1]["code"] == "invalid_email"
    assert "niet-goed" in by_index[1]["message"]
    assert by_index[2]["message"] == "De rij heeft geen datum van de sessie."


def test_the_history_names_the_client_as_the_actor(
    supplier_api, session, person, django_capture_on_commit_callbacks
) -> None:
    post(
        supplier_api,
        [{"employee_number": "123456", "session": "S-1", "status": "registered"}],
        django_capture_on_commit_callbacks,
    )
    history = get_history_model_for_model(TrainingCompletion).objects.get()
    assert history.history_user == supplier_api.client.user
    assert history.history_user.api_client == supplier_api.client


def test_the_same_records_again_are_refused_like_the_same_file(
    supplier_api, session, person, django_capture_on_commit_callbacks
) -> None:
    records = [{"employee_number": "123456", "session": "S-1", "status": "attended"}]
    assert post(supplier_api, records, django_capture_on_commit_callbacks).status_code == 202
    again = post(supplier_api, records, django_capture_on_commit_callbacks)
    assert again.status_code == 409
    assert again.headers["Content-Type"] == "application/problem+json"
    assert "al eerder ingelezen" in again.json()["detail"]
    assert ImportBatch.objects.count() == 1


@pytest.mark.parametrize(
    ("body", "name"),
    [
        ({}, "records"),
        ({"records": []}, "records"),
        ({"records": [{"employee_number": "1"}]}, "records.0.status"),
        ({"records": [{"status": "aanwezig"}]}, "records.0.status"),
        ({"records": [{"status": "attended", "emial": "x@example.nl"}]}, "records.0.emial"),
        ({"records": [{"status": "attended", "email": 12}]}, "records.0.email"),
        ({"records": [{"status": "attended", "scale": 7}]}, "records.0.scale"),
        ({"records": ["x"]}, "records.0"),
    ],
)
def test_a_request_of_the_wrong_shape_is_400_with_the_invalid_params(
    supplier_api, body, name
) -> None:
    response = supplier_api.post(URL, body)
    assert response.status_code == 400
    assert response.headers["Content-Type"] == "application/problem+json"
    assert name in [param["name"] for param in response.json()["invalid-params"]]
    assert not ImportBatch.objects.exists()


def test_more_records_than_allowed_are_refused(supplier_api, settings) -> None:
    settings.API_ATTENDANCE_MAX_RECORDS = 2
    records = [{"employee_number": str(n), "status": "attended"} for n in range(3)]
    response = supplier_api.post(URL, {"records": records})
    assert response.status_code == 400
    assert not ImportBatch.objects.exists()


def test_only_supplier_clients_post_attendance(department_api, bureau_api) -> None:
    for caller in (department_api, bureau_api):
        response = caller.post(URL, {"records": [{"status": "attended"}]})
        assert response.status_code == 403
    assert not ImportBatch.objects.exists()


def test_without_a_token_nothing_is_imported(client) -> None:
    response = client.post(URL, {"records": []}, content_type="application/json")
    assert response.status_code == 401
    assert not ImportRow.objects.exists()
