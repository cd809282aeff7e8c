"""Malformed values posted to admin forms give a form error, never a 500 (found by the
form fuzz test, tests/security/test_form_fuzz.py)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from committees.models import CommitteeMembership
from imports.models import ImportProfile
from tests.factories import CommitteeFactory, SupplierFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("person", ["abc", "9" * 25, "1.5", "-1"])
def test_a_malformed_id_in_an_autocomplete_field_is_a_form_error(
    client, admin_user_, department, person: str
) -> None:
    committee = CommitteeFactory(department=department)
    client.force_login(admin_user_)
    response = client.post(
        reverse("admin:committees_committeemembership_add"),
        {"committee": committee.pk, "person": person, "role": "member"},
    )
    assert response.status_code == 200
    assert "person" in response.context["adminform"].form.errors
    assert not CommitteeMembership.objects.exists()


@pytest.mark.parametrize(
    ("mapping", "saved"),
    [
        ("", {}),
        ('{"Naam": "full_name"}', {"Naam": "full_name"}),
        ("[1, 2]", None),
        ('{"Naam": "salary"}', None),
        ("42", None),
    ],
)
def test_an_import_profiles_mapping_must_be_headers_to_field_names(
    client, admin_user_, mapping: str, saved: dict[str, str] | None
) -> None:
    supplier = SupplierFactory()
    client.force_login(admin_user_)
    response = client.post(
        reverse("admin:imports_importprofile_add"),
        {"supplier": supplier.pk, "name": "Eigen koppen", "mapping": mapping},
    )
    if saved is None:
        assert response.status_code == 200
        assert "mapping" in response.context["adminform"].form.errors
        assert not ImportProfile.objects.exists()
    else:
        assert response.status_code == 302
        assert ImportProfile.objects.get().mapping == saved


@pytest.mark.parametrize("department", ["9" * 25, "abc"])
def test_a_malformed_id_in_a_many_to_many_field_is_a_form_error(
    client, admin_user_, department: str
) -> None:
    # A 25-digit id was a 500 on SQLite (OverflowError in the __in lookup).
    client.force_login(admin_user_)
    response = client.post(
        reverse("admin:trainings_tender_add"),
        {"name": "Aanbesteding", "starts_on": "2025-01-01", "departments": department},
    )
    assert response.status_code == 200
    assert "departments" in response.context["adminform"].form.errors
