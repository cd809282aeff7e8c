"""Administrators register API clients in the admin, see the secret once, and revoke them."""

from __future__ import annotations

import pytest
from django.test import Client

from api.models import ApiClient, ClientKind
from tests.api.conftest import obtain_token
from tests.factories import SupplierFactory

pytestmark = pytest.mark.django_db

ADD_URL = "/admin/api/apiclient/add/"


def test_an_administrator_registers_a_supplier_client_and_sees_the_secret_once(
    client, admin_user_
) -> None:
    supplier = SupplierFactory(code="LEVA")
    client.force_login(admin_user_)
    response = client.post(
        ADD_URL, {"name": "Leverancier A", "kind": ClientKind.SUPPLIER, "supplier": supplier.pk}
    )
    assert response.status_code == 200
    registered = ApiClient.objects.get(name="Leverancier A")
    secret = response.context["client_secret"]
    page = response.content.decode()
    assert registered.client_id in page
    assert secret in page
    assert "no-store" in response.headers["Cache-Control"]
    assert secret not in registered.application.client_secret
    assert registered.user.has_usable_password() is False
    assert obtain_token(Client(), registered.client_id, secret)
    # The change page shows the client id, never the secret.
    change = client.get(f"/admin/api/apiclient/{registered.pk}/change/")
    assert registered.client_id in change.content.decode()
    assert secret not in change.content.decode()


def test_a_client_of_the_wrong_kind_for_its_scope_is_a_form_error(client, admin_user_) -> None:
    client.force_login(admin_user_)
    response = client.post(ADD_URL, {"name": "Zonder leverancier", "kind": ClientKind.SUPPLIER})
    assert response.status_code == 200
    assert response.context["adminform"].form.errors
    assert not ApiClient.objects.exists()


def test_the_revoke_action_ends_the_clients_access(client, admin_user_, supplier_api) -> None:
    client.force_login(admin_user_)
    response = client.post(
        "/admin/api/apiclient/",
        {"action": "revoke", "_selected_action": [supplier_api.client.pk]},
    )
    assert response.status_code == 302
    supplier_api.client.refresh_from_db()
    assert supplier_api.client.active is False
    assert supplier_api.get("/api/v1/me").status_code == 401


def test_op_staff_and_outsiders_get_no_api_client_page(client, op_user, outsider) -> None:
    for user in (op_user, outsider):
        client.force_login(user)
        assert client.get(ADD_URL).status_code in (302, 403)
