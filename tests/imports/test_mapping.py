"""The column-mapping step at /imports/<id>/mapping/: when a required column is not found
(or two columns fit one field), the import page asks which column is which; the answer
is saved as the supplier's profile and the next file with the same headers needs none."""

from __future__ import annotations

import re

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import TestCase

from imports.models import ImportBatch, ImportProfile, ImportStatus
from imports.reading import Field
from tests.factories import PersonFactory
from tests.imports.conftest import csv_file

pytestmark = pytest.mark.django_db

# Headers nobody would guess: only the employee number is recognised.
OWN_HEADERS = ["Personeelsnummer", "Dag", "Was er bij", "Opmerking"]
OWN_ROWS = [["1", "03-03-2025", "ja", "fijn"], ["2", "04-03-2025", "nee", ""]]
MAPPING = {"employee_number": "0", "session_date": "1", "attendance": "2"}


@pytest.fixture(autouse=True)
def _english_pages(client) -> None:
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"


@pytest.fixture
def admin(client, admin_user_):
    client.force_login(admin_user_)
    return admin_user_


def upload(client, supplier, content: bytes, name: str = "lijst.csv") -> ImportBatch:
    with TestCase.captureOnCommitCallbacks(execute=True):  # the preview, eagerly
        response = client.post(
            "/imports/", {"supplier": supplier.pk, "file": SimpleUploadedFile(name, content)}
        )
    assert response.status_code == 302
    return ImportBatch.objects.latest("pk")


def choose(client, batch: ImportBatch, columns: dict[str, str]):
    data = dict.fromkeys((field.value for field in Field), "") | columns
    with TestCase.captureOnCommitCallbacks(execute=True):
        return client.post(f"/imports/{batch.pk}/mapping/", data)


def selected(page: str, name: str) -> str | None:
    select = re.search(rf'<select name="{name}".*?</select>', page, re.S)
    assert select is not None, name
    option = re.search(r'<option value="([^"]*)" selected>', select.group(0))
    return option.group(1) or None if option else None


def test_unknown_headers_ask_for_the_columns_with_their_first_values(
    client, admin, supplier
) -> None:
    batch = upload(client, supplier, csv_file(OWN_ROWS, OWN_HEADERS))
    assert batch.status == ImportStatus.PREVIEWED
    assert batch.needs_mapping
    assert batch.column_guesses["headers"] == OWN_HEADERS
    assert batch.column_guesses["samples"][1] == ["03-03-2025", "04-03-2025"]
    page = client.get(f"/imports/{batch.pk}/").content.decode()
    assert "Which column is which?" in page
    assert "03-03-2025 · 04-03-2025" in page
    assert selected(page, "employee_number") == "0"  # the header it recognised
    assert selected(page, "session_date") == "1"  # its best guess, however weak
    assert selected(page, "attendance") is None
    assert "Apply this file" not in page
    assert f'action="/imports/{batch.pk}/mapping/"' in page
    assert "<legend>" in page


def test_the_chosen_columns_are_saved_and_the_file_is_previewed_with_them(
    client, admin, supplier
) -> None:
    PersonFactory(employee_number="1")
    PersonFactory(employee_number="2")
    batch = upload(client, supplier, csv_file(OWN_ROWS, OWN_HEADERS))
    response = choose(client, batch, MAPPING)
    assert response.status_code == 302
    profile = ImportProfile.objects.get()
    assert profile.supplier == supplier
    assert profile.mapping == {
        "Personeelsnummer": "employee_number", "Dag": "session_date",
        "Was er bij": "attendance", "Opmerking": "",
    }  # fmt: skip
    assert profile.created_by == admin
    assert "Personeelsnummer, Dag, Was er bij" in profile.name
    batch.refresh_from_db()
    assert batch.status == ImportStatus.PREVIEWED  # eager Celery in tests
    assert batch.profile == profile
    assert not batch.needs_mapping
    assert batch.counts["total"] == 2
    assert "Apply this file" in client.get(f"/imports/{batch.pk}/").content.decode()


def test_the_next_file_with_the_same_headers_uses_the_saved_columns_without_asking(
    client, admin, supplier
) -> None:
    PersonFactory(employee_number="1")
    PersonFactory(employee_number="2")
    first = upload(client, supplier, csv_file(OWN_ROWS, OWN_HEADERS))
    choose(client, first, MAPPING)
    # The same headers, written a little differently, other rows.
    headers = ["PERSONEELSNUMMER", "dag", "Was er bij ", "Opmerking"]
    second = upload(client, supplier, csv_file([["2", "05-03-2025", "ja", ""]], headers))
    assert second.profile == ImportProfile.objects.get()
    assert not second.needs_mapping
    assert second.counts["total"] == 1
    # Other headers are asked about again.
    third = upload(client, supplier, csv_file(OWN_ROWS, ["Nummer", "Dag", "Was er bij", "X"]))
    assert third.profile is None
    assert third.needs_mapping


def test_a_column_used_twice_and_a_required_field_left_empty_are_errors_on_their_fields(
    client, admin, supplier
) -> None:
    batch = upload(client, supplier, csv_file(OWN_ROWS, OWN_HEADERS))
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "nl"
    response = choose(client, batch, {"employee_number": "0", "session_date": "0"})
    assert response.status_code == 200
    page = response.content.decode()
    assert not ImportProfile.objects.exists()
    assert 'id="error-summary"' in page
    assert "autofocus" in page
    for name, error in (
        ("session_date", "Deze kolom is al gekozen bij"),
        ("attendance", "Kies de kolom waarin staat wie er was."),
    ):
        select = re.search(rf'<select name="{name}"[^>]*>', page)
        assert select is not None
        assert f'aria-describedby="id_{name}_error"' in select.group(0)
        assert 'aria-invalid="true"' in select.group(0)
        message = re.search(rf'id="id_{name}_error">(.*?)</p>', page, re.S)
        assert message is not None
        assert error in message.group(1)
        assert f'href="#id_{name}"' in page
    batch.refresh_from_db()
    assert batch.status == ImportStatus.PREVIEWED


def test_no_way_to_know_who_is_an_error(client, admin, supplier) -> None:
    batch = upload(client, supplier, csv_file(OWN_ROWS, OWN_HEADERS))
    response = choose(client, batch, {"session_date": "1", "attendance": "2"})
    assert response.status_code == 200
    assert "Choose a column with the employee number" in response.content.decode()


def test_two_columns_that_fit_one_field_equally_are_left_to_choose(client, admin, supplier) -> None:
    headers = ["Personeelsnummer", "Datum", "Aanwezig", "Aanwezigheid"]
    batch = upload(client, supplier, csv_file([["1", "03-03-2025", "ja", "ja"]], headers))
    assert batch.needs_mapping
    page = client.get(f"/imports/{batch.pk}/").content.decode()
    assert selected(page, "attendance") is None
    assert "These columns fit equally well: “Aanwezig”, “Aanwezigheid”." in page
    assert selected(page, "session_date") == "1"


def test_a_batch_that_needs_no_mapping_is_left_alone(client, admin, supplier) -> None:
    batch = upload(client, supplier, csv_file([["1", "", "", "", "", "03-03-2025", "", "ja"]]))
    assert not batch.needs_mapping
    response = choose(client, batch, MAPPING)
    assert response.status_code == 302
    assert not ImportProfile.objects.exists()


@pytest.mark.parametrize("who", ["op_user", "outsider", "bureau"])
def test_only_administrators_choose_columns(client, supplier, who, request, admin_user_) -> None:
    client.force_login(admin_user_)
    batch = upload(client, supplier, csv_file(OWN_ROWS, OWN_HEADERS))
    client.force_login(request.getfixturevalue(who))
    assert choose(client, batch, MAPPING).status_code == 403
    assert not ImportProfile.objects.exists()
