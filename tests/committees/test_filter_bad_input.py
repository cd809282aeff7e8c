"""Malformed filter values on the committee list give a message, never a 500."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("value", ["abc", "99999999999999999999999", "-1", "1.5"])
def test_a_malformed_department_gets_no_500(client, bureau, value) -> None:
    client.force_login(bureau)
    assert client.get("/committees/", {"department": value}).status_code == 200


@pytest.mark.parametrize("value", ["abc", "0", "99999999999999999999999"])
def test_a_malformed_page_on_the_people_list_gets_no_500(client, op_user, value) -> None:
    client.force_login(op_user)
    assert client.get("/people/", {"page": value}).status_code == 200
