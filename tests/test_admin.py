"""The Django admin shows every model, scoped per user like the pages."""

from __future__ import annotations

import pytest
from django.contrib import admin
from django.urls import reverse

from tests.factories import (
    CompletionFactory,
    EvaluationFactory,
    MembershipFactory,
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
def test_op_staff_see_only_their_department_in_the_admin(client, op_user, rows, model_name) -> None:
    own, foreign = rows
    client.force_login(op_user)
    app = "departments" if model_name == "person" else "committees"
    if model_name == "trainingcompletion":
        app = "trainings"
    page = client.get(reverse(f"admin:{app}_{model_name}_changelist")).content.decode()
    assert "Eigenaar" in page or own.committee.vacancy_reference in page
    assert "Vreemd" not in page
    assert foreign.committee.vacancy_reference not in page


def test_an_outsider_cannot_open_another_departments_committee(client, outsider, rows) -> None:
    own, _foreign = rows
    client.force_login(outsider)
    url = reverse("admin:committees_selectioncommittee_change", args=[own.committee.pk])
    response = client.get(url)
    # The admin answers "does not exist" (a redirect to the index) instead of the form.
    assert response.status_code == 302
    assert own.committee.vacancy_title not in client.get(response.url).content.decode()


def test_op_staff_can_only_choose_their_own_department(client, op_user, department, rows) -> None:
    client.force_login(op_user)
    form = client.get(reverse("admin:committees_selectioncommittee_add")).context["adminform"].form
    assert list(form.fields["department"].queryset) == [department]


def test_the_programme_bureau_reads_but_cannot_change(client, bureau, rows) -> None:
    own, _ = rows
    client.force_login(bureau)
    assert client.get(reverse("admin:committees_selectioncommittee_changelist")).status_code == 200
    response = client.post(
        reverse("admin:committees_selectioncommittee_change", args=[own.committee.pk]),
        {"vacancy_title": "Gewijzigd"},
    )
    assert response.status_code == 403


def test_the_history_page_lists_changes(client, op_user, rows) -> None:
    own, _ = rows
    own.committee.vacancy_title = "Senior jurist"
    own.committee.save(update_fields=["vacancy_title"])
    client.force_login(op_user)
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
        assert client.get(url).status_code in (403, 404)
