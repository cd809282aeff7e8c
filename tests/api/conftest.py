"""API clients of each kind, each with a real access token from /api/v1/oauth/token.

`supplier_api` and `other_supplier_api` (the outsider) belong to two suppliers;
`department_api` to the department fixture (AAA) and `other_department_api` to
other_department (ZZZ); `bureau_api` to the programme bureau. Each is an ApiCaller:
`.get(path)`, `.post(path, data)`, `.put(path, data)` send its bearer token and JSON.
"""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.core.cache import caches
from django.test import Client

from api.models import ApiClient, ClientKind
from api.services import api_client_register
from departments.models import Department
from tests.factories import SupplierFactory
from trainings.models import Supplier

TOKEN_URL = "/api/v1/oauth/token"


def basic_auth(client_id: str, secret: str) -> str:
    return "Basic " + base64.b64encode(f"{client_id}:{secret}".encode()).decode()


def obtain_token(http: Client, client_id: str, secret: str) -> str:
    """The client-credentials grant, as a client's own code does it."""
    response = http.post(
        TOKEN_URL,
        {"grant_type": "client_credentials"},
        HTTP_AUTHORIZATION=basic_auth(client_id, secret),
    )
    assert response.status_code == 200, response.content
    return str(response.json()["access_token"])


@dataclass
class ApiCaller:
    client: ApiClient
    secret: str
    token: str
    http: Client = field(default_factory=Client)

    def headers(self, extra: dict[str, Any]) -> dict[str, Any]:
        return {"HTTP_AUTHORIZATION": f"Bearer {self.token}", **extra}

    def get(self, path: str, data: dict[str, Any] | None = None, **extra: Any) -> Any:
        return self.http.get(path, data, **self.headers(extra))

    def post(self, path: str, data: Any, **extra: Any) -> Any:
        return self.http.post(
            path, json.dumps(data), content_type="application/json", **self.headers(extra)
        )

    def put(self, path: str, data: Any, **extra: Any) -> Any:
        return self.http.put(
            path, json.dumps(data), content_type="application/json", **self.headers(extra)
        )

    def delete(self, path: str, **extra: Any) -> Any:
        return self.http.delete(path, **self.headers(extra))


def api_caller(
    name: str,
    kind: str,
    *,
    supplier: Supplier | None = None,
    department: Department | None = None,
) -> ApiCaller:
    """A registered client with a fresh token from the token endpoint."""
    client, secret = api_client_register(
        name=name, kind=kind, supplier=supplier, department=department
    )
    http = Client()
    return ApiCaller(client, secret, obtain_token(http, client.client_id, secret), http)


@pytest.fixture(autouse=True)
def _fresh_rate_limit() -> None:
    # Requests without a token count per address, and every test comes from 127.0.0.1.
    caches["api"].delete("throttle_client_127.0.0.1")


@pytest.fixture
def supplier(db: None) -> Supplier:
    return SupplierFactory(code="LEVA", name="Leverancier A")


@pytest.fixture
def other_supplier(db: None) -> Supplier:
    return SupplierFactory(code="LEVB", name="Leverancier B")


@pytest.fixture
def supplier_api(supplier: Supplier) -> ApiCaller:
    return api_caller("Leverancier A systeem", ClientKind.SUPPLIER, supplier=supplier)


@pytest.fixture
def other_supplier_api(other_supplier: Supplier) -> ApiCaller:
    """The outsider among suppliers: must never see `supplier`'s sessions or batches."""
    return api_caller("Leverancier B systeem", ClientKind.SUPPLIER, supplier=other_supplier)


@pytest.fixture
def department_api(department: Department) -> ApiCaller:
    return api_caller("HR-systeem AAA", ClientKind.DEPARTMENT, department=department)


@pytest.fixture
def other_department_api(other_department: Department) -> ApiCaller:
    """The outsider among ministries: must never see `department`'s data."""
    return api_caller("HR-systeem ZZZ", ClientKind.DEPARTMENT, department=other_department)


@pytest.fixture
def bureau_api(db: None) -> ApiCaller:
    return api_caller("Programmabureau", ClientKind.BUREAU)
