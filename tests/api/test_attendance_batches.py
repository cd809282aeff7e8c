"""GET /api/v1/attendance-batches/{id}: a supplier's own API batches only."""

from __future__ import annotations

import pytest

from imports.services import attendance_records_import
from tests.imports.conftest import csv_file, make_batch

pytestmark = pytest.mark.django_db


@pytest.fixture
def batch(supplier_api):
    return attendance_records_import(
        records=[{"employee_number": "1", "status": "attended"}],
        supplier=supplier_api.client.supplier,
        user=supplier_api.client.user,
    )


def test_the_supplier_sees_its_batch_waiting(supplier_api, batch) -> None:
    response = supplier_api.get(f"/api/v1/attendance-batches/{batch.pk}")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "queued"
    assert body["status_label"] == "Wacht op verwerking"
    assert body["problems"] == []


def test_another_supplier_gets_404_as_for_a_batch_that_does_not_exist(
    other_supplier_api, batch
) -> None:
    theirs = other_supplier_api.get(f"/api/v1/attendance-batches/{batch.pk}")
    missing = other_supplier_api.get("/api/v1/attendance-batches/999999999")
    assert theirs.status_code == missing.status_code == 404
    assert theirs.json()["title"] == missing.json()["title"]


def test_a_spreadsheet_batch_is_not_an_api_batch(supplier_api, supplier) -> None:
    uploaded = make_batch(
        supplier, csv_file([["1", "An", "Jansen", "", "AAA", "1-5-2025", "", "ja"]])
    )
    assert supplier_api.get(f"/api/v1/attendance-batches/{uploaded.pk}").status_code == 404


def test_department_clients_get_403(department_api, batch) -> None:
    assert department_api.get(f"/api/v1/attendance-batches/{batch.pk}").status_code == 403
