"""The /imports/ pages: administrators only; upload, preview, apply, review."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import TestCase, override_settings

from imports.models import ImportBatch, ImportProfile, ImportStatus
from imports.services import attendance_import_apply, attendance_import_preview
from tests.factories import DepartmentFactory, PersonFactory
from tests.imports.conftest import csv_file, make_batch
from trainings.models import TrainingCompletion

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english_pages(client) -> None:
    """Pages are Dutch by default; these tests read the English msgids."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"


GOOD = [["1", "", "", "", "", "03-03-2025", "Utrecht", "ja"]]


def upload(client, supplier, content: bytes, name: str = "lijst.csv"):
    """Upload a file; its preview, queued on commit, runs eagerly (no broker in tests)."""
    with TestCase.captureOnCommitCallbacks(execute=True):
        return client.post(
            "/imports/",
            {"supplier": supplier.pk, "file": SimpleUploadedFile(name, content)},
        )


@pytest.mark.parametrize("who", ["op_user", "outsider", "bureau"])
def test_only_administrators_reach_the_import_pages(client, supplier, who, request) -> None:
    batch = make_batch(supplier, csv_file(GOOD))
    client.force_login(request.getfixturevalue(who))
    for url in ("/imports/", f"/imports/{batch.pk}/", "/imports/review/", "/imports/profiles/new/"):
        assert client.get(url).status_code == 403
    assert client.post(f"/imports/{batch.pk}/apply/").status_code == 403


def test_anonymous_users_are_sent_to_log_in(client) -> None:
    assert client.get("/imports/").status_code == 302


def test_upload_previews_then_apply_applies(
    client, admin_user_, supplier, django_capture_on_commit_callbacks
) -> None:
    PersonFactory(employee_number="1")
    client.force_login(admin_user_)
    response = upload(client, supplier, csv_file(GOOD))
    batch = ImportBatch.objects.get()
    assert response.status_code == 302
    assert batch.status == ImportStatus.PREVIEWED
    assert batch.uploaded_by == admin_user_
    page = client.get(f"/imports/{batch.pk}/").content.decode()
    assert "Apply this file" in page
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/imports/{batch.pk}/apply/", {})
    assert response.status_code == 302
    batch.refresh_from_db()
    assert batch.status == ImportStatus.APPLIED  # eager Celery in tests
    assert TrainingCompletion.objects.get().import_rows.get().batch == batch
    progress = client.get(f"/imports/{batch.pk}/progress/", HTTP_HX_REQUEST="true")
    assert progress["HX-Refresh"] == "true"


@override_settings(IMPORT_MAX_UPLOAD_BYTES=10)
def test_a_file_above_the_size_limit_is_refused_before_parsing(
    client, admin_user_, supplier
) -> None:
    client.force_login(admin_user_)
    response = upload(client, supplier, csv_file(GOOD))
    assert response.status_code == 200
    assert not ImportBatch.objects.exists()


def test_the_preview_lists_problems_with_row_and_column(client, admin_user_, supplier) -> None:
    client.force_login(admin_user_)
    upload(client, supplier, csv_file([["1", "", "", "", "", "31-02-2025", "", "ja"]]))
    batch = ImportBatch.objects.get()
    page = client.get(f"/imports/{batch.pk}/").content.decode()
    assert "Datum" in page
    assert "does not exist" in page


def test_a_held_row_can_be_discarded_from_the_review_page(client, admin_user_, supplier) -> None:
    batch = make_batch(supplier, csv_file([["", "", "", "", "", "03-03-2025", "", "ja"]]))
    attendance_import_preview(batch=batch)
    attendance_import_apply(batch=batch, hold_invalid=True)
    row = batch.rows.get()
    client.force_login(admin_user_)
    assert "Deal with row" in client.get("/imports/review/").content.decode()
    assert client.get(f"/imports/rows/{row.pk}/?q=x").status_code == 200
    response = client.post(f"/imports/rows/{row.pk}/", {"action": "discard"})
    assert response.status_code == 302
    row.refresh_from_db()
    assert row.resolved_by == admin_user_


def test_a_profile_maps_a_suppliers_headers(client, admin_user_, supplier) -> None:
    client.force_login(admin_user_)
    response = client.post(
        "/imports/profiles/new/",
        {
            "supplier": supplier.pk,
            "name": "Eigen kolommen",
            "header_employee_number": "Nr. medewerker",
            "header_session_date": "Dag",
            "header_attendance": "Was er",
        },
    )
    assert response.status_code == 302
    profile = ImportProfile.objects.get()
    assert profile.mapping == {
        "Nr. medewerker": "employee_number", "Dag": "session_date", "Was er": "attendance",
    }  # fmt: skip
    PersonFactory(employee_number="1")
    batch = make_batch(
        supplier, csv_file([["1", "03-03-2025", "x"]], ["Nr. medewerker", "Dag", "Was er"])
    )
    batch.profile = profile
    attendance_import_apply(batch=batch, hold_invalid=False)
    assert batch.status == ImportStatus.APPLIED


@pytest.mark.parametrize("person", ["abc", "9" * 25, "", "1.5", "999999"])
def test_matching_a_held_row_to_a_malformed_or_unknown_person_gives_a_message(
    client, admin_user_, supplier, person: str
) -> None:
    batch = make_batch(supplier, csv_file([["", "", "", "", "", "03-03-2025", "", "ja"]]))
    attendance_import_preview(batch=batch)
    attendance_import_apply(batch=batch, hold_invalid=True)
    row = batch.rows.get()
    client.force_login(admin_user_)
    response = client.post(f"/imports/rows/{row.pk}/", {"action": "match", "person": person})
    assert response.status_code == 200
    page = response.content.decode()
    assert "Choose the person" in page or "That person cannot be found" in page
    row.refresh_from_db()
    assert row.resolved_at is None


def test_a_held_row_is_matched_to_the_chosen_person(client, admin_user_, supplier) -> None:
    batch = make_batch(supplier, csv_file([["", "", "", "", "", "03-03-2025", "", "ja"]]))
    attendance_import_preview(batch=batch)
    attendance_import_apply(batch=batch, hold_invalid=True)
    row = batch.rows.get()
    person = PersonFactory()
    client.force_login(admin_user_)
    response = client.post(f"/imports/rows/{row.pk}/", {"action": "match", "person": person.pk})
    assert response.status_code == 302
    assert TrainingCompletion.objects.filter(person=person).exists()


def test_the_preview_counts_and_lists_the_rows_that_are_no_participants(
    client, admin_user_, supplier
) -> None:
    PersonFactory(employee_number="1")
    client.force_login(admin_user_)
    rows = [*GOOD, ["Aantal deelnemers: 1", "", "", "", "", "", "", ""]]
    upload(client, supplier, csv_file(rows))
    batch = ImportBatch.objects.get()
    assert batch.counts["skipped"] == 1
    page = client.get(f"/imports/{batch.pk}/").content.decode()
    assert "Rows skipped: no participants" in page
    assert "1 row is not a participant" in page
    assert "A total or summary row, not a participant; skipped." in page
    assert "Aantal deelnemers: 1" in page
    assert "Apply this file" in page  # a skipped row never stands in the way


def test_an_applied_import_shows_per_row_who_it_matched_and_which_session(
    client, admin_user_, supplier, department, django_assert_max_num_queries
) -> None:
    PersonFactory(employee_number="1", first_name="Jan", last_name="Berg")
    rows = [*GOOD, ["", "Anna", "de Vries", "", department.code, "03-03-2025", "Utrecht", "ja"]]
    batch = make_batch(supplier, csv_file(rows))
    attendance_import_apply(batch=batch, hold_invalid=True)
    client.force_login(admin_user_)
    page = client.get(f"/imports/{batch.pk}/").content.decode()
    assert "Rows and who they were matched to" in page
    assert "Jan Berg (by employee number)" in page
    assert "new: Anna de Vries" in page
    assert "new: 03-03-2025" in page
    # The table reads what each row recorded: no query per row.
    many = make_batch(supplier, csv_file(rows * 20), name="groot.csv")
    attendance_import_apply(batch=many, hold_invalid=True, force=True)
    with django_assert_max_num_queries(20):
        client.get(f"/imports/{many.pk}/")


def test_the_upload_form_takes_a_ministry_for_the_whole_file(client, admin_user_, supplier) -> None:
    department = DepartmentFactory(code="BZK")
    client.force_login(admin_user_)
    page = client.get("/imports/").content.decode()
    assert "Ministry for the whole file" in page
    with TestCase.captureOnCommitCallbacks(execute=True):
        response = client.post(
            "/imports/",
            {
                "supplier": supplier.pk,
                "department": department.pk,
                "file": SimpleUploadedFile("lijst.csv", csv_file(GOOD)),
            },
        )
    assert response.status_code == 302
    assert ImportBatch.objects.get().department == department


def test_the_preview_shows_per_row_who_and_which_session_before_anything_is_applied(
    client, admin_user_, supplier, department
) -> None:
    PersonFactory(employee_number="1", first_name="Jan", last_name="Berg")
    rows = [
        *GOOD,
        ["", "Anna", "de Vries", "", department.code, "03-03-2025", "Utrecht", "ja"],
        ["", "Piet", "Smit", "", "Ministerie van Nergens", "03-03-2025", "Utrecht", "ja"],
    ]
    client.force_login(admin_user_)
    upload(client, supplier, csv_file(rows))
    batch = ImportBatch.objects.get()
    assert batch.status == ImportStatus.PREVIEWED

    page = client.get(f"/imports/{batch.pk}/").content.decode()
    assert "Who and which session each row will be" in page
    assert "Jan Berg (by employee number)" in page
    assert "new: Anna de Vries" in page
    assert "new: 03-03-2025" in page  # the session is made by this file
    assert "Held for review" in page  # Piet: a ministry nobody knows
    assert not TrainingCompletion.objects.exists()


def test_the_preview_of_a_long_file_shows_its_first_rows_and_says_so(
    client, admin_user_, supplier
) -> None:
    PersonFactory(employee_number="1")
    client.force_login(admin_user_)
    upload(client, supplier, csv_file(GOOD * 250))
    batch = ImportBatch.objects.get()
    assert len(batch.preview_rows) == 200

    page = client.get(f"/imports/{batch.pk}/").content.decode()
    assert "The first 200 of 250 rows. The counts above cover every row." in page


def test_applying_the_file_forgets_the_previews_rows(client, admin_user_, supplier) -> None:
    PersonFactory(employee_number="1")
    client.force_login(admin_user_)
    upload(client, supplier, csv_file(GOOD))
    batch = ImportBatch.objects.get()
    assert batch.preview_rows

    attendance_import_apply(batch=batch, hold_invalid=True)
    batch.refresh_from_db()
    assert batch.preview_rows == []  # the rows themselves say it now


def test_the_upload_form_takes_the_scale_of_the_scores(client, admin_user_, supplier) -> None:
    client.force_login(admin_user_)
    assert "Scale of the scores" in client.get("/imports/").content.decode()
    with TestCase.captureOnCommitCallbacks(execute=True):
        client.post(
            "/imports/",
            {
                "supplier": supplier.pk,
                "score_scale": "5",
                "file": SimpleUploadedFile("lijst.csv", csv_file(GOOD)),
            },
        )
    assert ImportBatch.objects.get().score_scale == 5
