"""The Django admin shows every model, scoped per user like the pages."""

from __future__ import annotations

import pytest
from django.contrib import admin
from django.urls import reverse

from departments.models import Person
from tests.factories import (
    CompletionFactory,
    EvaluationFactory,
    MembershipFactory,
    PersonFactory,
    TenderFactory,
)

pytestmark = pytest.mark.django_db

PROJECT_APPS = {"departments", "committees", "trainings", "reports"}
PROJECT_MODELS = sorted(
    (model._meta.app_label, model._meta.model_name)
    for model in admin.site._registry
    if model._meta.app_label in PROJECT_APPS
)


@pytest.fixture
def rows(department, other_department):
    own = MembershipFactory(committee__department=department, person__last_name="Eigenaar")
    foreign = MembershipFactory(committee__department=other_department, person__last_name="Vreemd")
    CompletionFactory(person=own.person)
    CompletionFactory(person=foreign.person)
    EvaluationFactory(person=foreign.person)
    TenderFactory()
    return own, foreign


def test_every_project_model_is_in_the_admin() -> None:
    expected = {
        ("departments", "department"),
        ("departments", "departmentalias"),
        ("departments", "person"),
        ("committees", "selectioncommittee"),
        ("committees", "committeemembership"),
        ("trainings", "supplier"),
        ("trainings", "tender"),
        ("trainings", "trainingprogramme"),
        ("trainings", "trainingsession"),
        ("trainings", "trainingcompletion"),
        ("trainings", "evaluation"),
    }
    assert expected <= set(PROJECT_MODELS)


@pytest.mark.parametrize(("app_label", "model_name"), PROJECT_MODELS)
def test_an_administrator_can_open_every_changelist(
    client, admin_user_, rows, app_label, model_name, django_assert_max_num_queries
) -> None:
    client.force_login(admin_user_)
    url = reverse(f"admin:{app_label}_{model_name}_changelist")
    with django_assert_max_num_queries(20):
        response = client.get(url)
    assert response.status_code == 200
    assert client.get(url + "add/").status_code == 200


@pytest.mark.parametrize(
    "model_name", ["person", "selectioncommittee", "committeemembership", "trainingcompletion"]
)
def test_op_staff_get_no_admin_page(client, op_user, rows, model_name) -> None:
    # The admin is for administrators: O&P staff work on the pages.
    own, _foreign = rows
    client.force_login(op_user)
    app = "departments" if model_name == "person" else "committees"
    if model_name == "trainingcompletion":
        app = "trainings"
    response = client.get(reverse(f"admin:{app}_{model_name}_changelist"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("admin:login"))
    page = client.get(response.url).content.decode()
    assert "Eigenaar" not in page
    assert own.committee.vacancy_reference not in page


def test_an_administrator_sees_every_department_in_the_admin(client, admin_user_, rows) -> None:
    own, foreign = rows
    client.force_login(admin_user_)
    page = client.get(reverse("admin:committees_selectioncommittee_changelist")).content.decode()
    assert own.committee.vacancy_reference in page
    assert foreign.committee.vacancy_reference in page


def test_an_outsider_cannot_open_another_departments_committee(client, outsider, rows) -> None:
    own, _foreign = rows
    client.force_login(outsider)
    url = reverse("admin:committees_selectioncommittee_change", args=[own.committee.pk])
    response = client.get(url)
    # The admin sends everybody but administrators to its login page, without data.
    assert response.status_code == 302
    assert own.committee.vacancy_title not in client.get(response.url).content.decode()


def test_an_administrator_can_choose_every_department(
    client, admin_user_, department, other_department
) -> None:
    client.force_login(admin_user_)
    form = client.get(reverse("admin:committees_selectioncommittee_add")).context["adminform"].form
    assert {department, other_department} <= set(form.fields["department"].queryset)


def test_the_programme_bureau_gets_no_admin_page(client, bureau, rows) -> None:
    own, _ = rows
    client.force_login(bureau)
    response = client.get(reverse("admin:committees_selectioncommittee_changelist"))
    assert response.status_code == 302
    response = client.post(
        reverse("admin:committees_selectioncommittee_change", args=[own.committee.pk]),
        {"vacancy_title": "Gewijzigd"},
    )
    assert response.status_code == 302
    own.committee.refresh_from_db()
    assert own.committee.vacancy_title != "Gewijzigd"


def test_the_history_page_lists_changes(client, admin_user_, rows) -> None:
    own, _ = rows
    own.committee.vacancy_title = "Senior jurist"
    own.committee.save(update_fields=["vacancy_title"])
    client.force_login(admin_user_)
    url = reverse("admin:committees_selectioncommittee_history", args=[own.committee.pk])
    response = client.get(url)
    assert response.status_code == 200
    assert len(response.context["page_obj"].object_list) == 2


def test_an_outsider_cannot_read_another_departments_history(client, outsider, rows) -> None:
    own, _ = rows
    client.force_login(outsider)
    for model_name, pk in [("selectioncommittee", own.committee.pk), ("person", own.person.pk)]:
        app = "departments" if model_name == "person" else "committees"
        url = reverse(f"admin:{app}_{model_name}_history", args=[pk])
        response = client.get(url)
        assert response.status_code in (302, 403, 404)
        assert own.committee.vacancy_title not in client.get(url, follow=True).content.decode()


def test_the_person_list_shows_the_whole_name_and_finds_it_by_its_particle(
    client, admin_user_, department
) -> None:
    PersonFactory(department=department, first_name="Anna", particle="de", last_name="Vries")
    PersonFactory(department=department, first_name="Bram", last_name="Vries")
    client.force_login(admin_user_)
    url = reverse("admin:departments_person_changelist")
    page = client.get(url).content.decode()
    assert "Anna de Vries" in page
    found = client.get(url, {"q": "de Vries"}).context["cl"].result_list
    assert [p.full_name for p in found] == ["Anna de Vries"]
    form = client.get(url + "add/").context["adminform"].form
    assert list(form.fields)[:3] == ["employee_number", "first_name", "particle"]


def test_a_small_particle_typed_in_the_admins_last_name_goes_to_its_own_field(
    client, admin_user_, department
) -> None:
    client.force_login(admin_user_)
    response = client.post(
        reverse("admin:departments_person_add"),
        {
            "first_name": "Anna",
            "particle": "",
            "last_name": "van der Berg",
            "department": department.pk,
        },
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    person = Person.objects.get()
    assert (person.particle, person.last_name) == ("van der", "Berg")
