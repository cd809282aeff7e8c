"""The intervention log page."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse

from reports.models import Intervention, InterventionKind
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
URL = reverse("reports:interventions")


def test_the_programme_bureau_adds_an_intervention(client, bureau, department) -> None:
    client.force_login(bureau)
    response = client.post(
        URL,
        {
            "date": "2025-03-10",
            "kind": InterventionKind.DIRECTOR_TALK,
            "departments": [department.pk],
            "description": "Gesprek met de O&P-directeur over deelname.",
        },
    )
    assert response.status_code == 302
    intervention = Intervention.objects.get()
    assert intervention.created_by == bureau
    assert list(intervention.departments.all()) == [department]
    assert "Gesprek met de O&amp;P-directeur" in client.get(URL).content.decode()


def test_a_missing_description_is_explained(client, bureau) -> None:
    client.force_login(bureau)
    response = client.post(URL, {"date": "2025-03-10", "kind": "other"})
    assert response.status_code == 200
    assert "error-summary" in response.content.decode()
    assert not Intervention.objects.exists()


def test_op_staff_read_their_departments_interventions_but_cannot_add(
    client, op_user, department, other_department
) -> None:
    own = Intervention.objects.create(date=datetime.date(2025, 1, 5), description="Nieuwsbrief")
    own.departments.add(department)
    foreign = Intervention.objects.create(date=datetime.date(2025, 1, 6), description="Elders")
    foreign.departments.add(other_department)
    client.force_login(op_user)
    page = client.get(URL).content.decode()
    assert "Nieuwsbrief" in page
    assert "Elders" not in page
    assert (
        client.post(URL, {"date": "2025-03-10", "kind": "other", "description": "x"}).status_code
        == 403
    )


def test_an_outsider_does_not_see_another_departments_intervention(
    client, outsider, department
) -> None:
    own = Intervention.objects.create(date=datetime.date(2025, 1, 5), description="Nieuwsbrief")
    own.departments.add(department)
    client.force_login(outsider)
    assert "Nieuwsbrief" not in client.get(URL).content.decode()


def test_a_user_without_a_role_is_refused(client, db) -> None:
    client.force_login(UserFactory())
    assert client.get(URL).status_code == 403


def test_an_intervention_for_every_department_is_shown_to_all(client, op_user) -> None:
    Intervention.objects.create(date=datetime.date(2025, 2, 1), description="Rijksbrede mail")
    client.force_login(op_user)
    assert "Rijksbrede mail" in client.get(URL).content.decode()


@pytest.mark.parametrize("department", ["9" * 25, "abc", "-" + "9" * 25])
def test_a_malformed_department_id_is_a_form_error(client, bureau, department: str) -> None:
    # A 25-digit id was a 500 on SQLite (OverflowError) before it reached the form.
    client.force_login(bureau)
    response = client.post(
        URL,
        {"date": "2025-03-10", "kind": "other", "description": "Brief", "departments": department},
    )
    assert response.status_code == 200
    assert "departments" in response.context["form"].errors
    assert not Intervention.objects.exists()
