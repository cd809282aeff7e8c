from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db


def test_each_kind_of_client_gets_a_token_and_sees_itself(
    supplier_api, department_api, bureau_api
) -> None:
    for caller, kind in (
        (supplier_api, "supplier"),
        (department_api, "department"),
        (bureau_api, "bureau"),
    ):
        response = caller.get("/api/v1/me")
        assert response.status_code == 200, response.content
        assert response.json()["kind"] == kind
        assert response.headers["API-Version"] == "1.0.0"
