"""Idempotency-Key on POST /api/v1/attendance: a retry is a no-op, also under concurrency."""

from __future__ import annotations

import threading

import pytest
from django.db import connection

from api.models import IdempotentRequest
from imports.models import ImportBatch
from tests.api.conftest import ApiCaller

URL = "/api/v1/attendance"
RECORDS = [
    {"employee_number": "1", "ministry": "AAA", "status": "attended", "session_date": "2026-11-02"}
]


@pytest.mark.django_db
def test_a_retry_with_the_same_key_answers_the_first_answer(supplier_api) -> None:
    first = supplier_api.post(URL, {"records": RECORDS}, HTTP_IDEMPOTENCY_KEY="k-1")
    retry = supplier_api.post(URL, {"records": RECORDS}, HTTP_IDEMPOTENCY_KEY="k-1")
    assert first.status_code == retry.status_code == 202
    assert retry.json() == first.json()
    assert retry.headers["Location"] == first.headers["Location"]
    assert retry.headers["Idempotent-Replayed"] == "true"
    assert ImportBatch.objects.count() == 1


@pytest.mark.django_db
def test_the_same_key_with_another_body_is_422(supplier_api) -> None:
    supplier_api.post(URL, {"records": RECORDS}, HTTP_IDEMPOTENCY_KEY="k-2")
    other = [{**RECORDS[0], "status": "no_show"}]
    response = supplier_api.post(URL, {"records": other}, HTTP_IDEMPOTENCY_KEY="k-2")
    assert response.status_code == 422
    assert response.json()["type"].endswith("idempotency-key-reused")
    assert ImportBatch.objects.count() == 1


@pytest.mark.django_db
def test_keys_are_per_client(supplier_api, other_supplier_api) -> None:
    supplier_api.post(URL, {"records": RECORDS}, HTTP_IDEMPOTENCY_KEY="gedeeld")
    response = other_supplier_api.post(URL, {"records": RECORDS}, HTTP_IDEMPOTENCY_KEY="gedeeld")
    assert response.status_code == 202
    assert ImportBatch.objects.count() == 2


@pytest.mark.django_db
def test_an_invalid_request_is_not_kept(supplier_api) -> None:
    assert supplier_api.post(URL, {"records": []}, HTTP_IDEMPOTENCY_KEY="k-3").status_code == 400
    assert not IdempotentRequest.objects.exists()
    assert (
        supplier_api.post(URL, {"records": RECORDS}, HTTP_IDEMPOTENCY_KEY="k-3").status_code == 202
    )


@pytest.mark.django_db
def test_an_overlong_key_is_400(supplier_api) -> None:
    response = supplier_api.post(URL, {"records": RECORDS}, HTTP_IDEMPOTENCY_KEY="x" * 256)
    assert response.status_code == 400
    assert not ImportBatch.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_concurrent_requests_with_one_key_make_one_batch(supplier) -> None:
    from tests.api.conftest import api_caller

    caller = api_caller("Gelijktijdig", "supplier", supplier=supplier)
    statuses: list[int] = []
    bodies: list[dict[str, object]] = []
    start = threading.Barrier(8)

    def send() -> None:
        mine = ApiCaller(caller.client, caller.secret, caller.token)
        start.wait()
        try:
            response = mine.post(URL, {"records": RECORDS}, HTTP_IDEMPOTENCY_KEY="samen")
            statuses.append(response.status_code)
            bodies.append(response.json())
        finally:
            connection.close()

    threads = [threading.Thread(target=send) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert ImportBatch.objects.count() == 1
    assert IdempotentRequest.objects.count() == 1
    assert statuses == [202] * 8
    assert len({body["id"] for body in bodies}) == 1
