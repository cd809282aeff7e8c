"""An administrator imports an attendance list in the browser; axe scans every page.

Also the column-mapping step: a file whose headers nobody recognises is mapped once, the
answer is saved for the supplier, and the next file with the same headers is read
without asking; errors in the mapping get the focus."""

from __future__ import annotations

import pytest
from django.conf import settings
from playwright.sync_api import FilePayload, Page, expect

from imports.models import ImportBatch, ImportProfile, ImportRow, ImportStatus, RowOutcome
from tests.browser.conftest import assert_accessible, log_in
from tests.factories import (
    PersonFactory,
    ProgrammeFactory,
    SupplierFactory,
    administrator,
    op_staff,
)
from trainings.models import TrainingCompletion

pytestmark = pytest.mark.django_db(transaction=True)

CSV = (
    b"Personeelsnummer;Voornaam;Achternaam;E-mailadres;Ministerie;Datum;Locatie;Aanwezig\n"
    b"1;Anna;Akkerman;;;03-03-2025;Utrecht;ja\n"
    b";Piet;Puk;;Onbekend ministerie;03-03-2025;Utrecht;ja\n"
)


def in_english(page: Page, live_server) -> None:
    """The pages default to Dutch; these steps read the English texts."""
    page.context.add_cookies(
        [{"name": settings.LANGUAGE_COOKIE_NAME, "value": "en", "url": live_server.url}]
    )


def test_an_administrator_previews_applies_and_reviews_a_list(
    page: Page, live_server, department
) -> None:
    supplier = SupplierFactory(code="ACME", name="Acme Trainingen")
    ProgrammeFactory(supplier=supplier, name="Objectief selecteren")
    PersonFactory(employee_number="1", first_name="Anna", last_name="Akkerman")
    user = administrator()
    log_in(page, user.username)
    in_english(page, live_server)

    page.goto("/imports/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Attendance imports")
    assert_accessible(page, "imports-index")

    page.get_by_label("Supplier").select_option(label=str(supplier))
    upload: FilePayload = {"name": "aanwezigheid.csv", "mimeType": "text/csv", "buffer": CSV}
    page.get_by_label("Attendance list").set_input_files(files=[upload])
    page.get_by_role("button", name="Upload and preview").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Import of aanwezigheid.csv")
    expect(page.get_by_role("heading", name="Preview")).to_be_visible()
    problems = page.get_by_role("table", name="Problems")
    expect(problems.get_by_role("row").nth(1)).to_contain_text("3")
    expect(problems).to_contain_text("“Onbekend ministerie” is not a known ministry.")
    assert_accessible(page, "imports-preview")

    hold = page.get_by_label("Apply the valid rows and hold the others for review")
    expect(hold).to_be_checked()
    page.get_by_role("button", name="Apply this file").click()

    expect(page.get_by_role("heading", name="Result")).to_be_visible()
    expect(page.get_by_role("status")).to_contain_text("Applied")
    assert_accessible(page, "imports-result")
    assert TrainingCompletion.objects.filter(person__employee_number="1").count() == 1
    held = ImportRow.objects.get(outcome=RowOutcome.REVIEW)
    assert held.batch.status == ImportStatus.APPLIED
    assert held.row_number == 3

    page.get_by_role("link", name="Back to the imports").click()
    page.get_by_role("link", name="Open the review queue").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Review queue")
    expect(page.get_by_role("table")).to_contain_text("aanwezigheid.csv")
    assert_accessible(page, "imports-review-queue")

    page.get_by_role("link", name="Deal with row 3").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("3")
    assert_accessible(page, "imports-row")


def test_op_staff_are_refused_the_import_pages(page: Page, department) -> None:
    op_staff(department, username="op.import")
    log_in(page, "op.import")
    response = page.goto("/imports/")
    assert response is not None
    assert response.status == 403
    assert_accessible(page, "imports-refused")


FIRST = b"Personeelsnummer;Dag;Was er bij;Opmerking\n1;03-03-2025;ja;\n2;03-03-2025;nee;ziek\n"
SECOND = b"Personeelsnummer;Dag;Was er bij;Opmerking\n1;10-03-2025;ja;\n"


def upload(page: Page, supplier: str, name: str, content: bytes) -> None:
    page.goto("/imports/")
    page.get_by_label("Supplier").select_option(label=supplier)
    file: FilePayload = {"name": name, "mimeType": "text/csv", "buffer": content}
    page.get_by_label("Attendance list").set_input_files(files=[file])
    page.get_by_role("button", name="Upload and preview").click()


def test_unknown_headers_are_mapped_once_and_the_next_file_needs_no_mapping(
    page: Page, live_server, department
) -> None:
    supplier = SupplierFactory(code="ACME", name="Acme Trainingen")
    ProgrammeFactory(supplier=supplier, name="Objectief selecteren")
    PersonFactory(employee_number="1", first_name="Anna", last_name="Akkerman")
    PersonFactory(employee_number="2", first_name="Bert", last_name="Bos")
    log_in(page, administrator().username)
    in_english(page, live_server)

    upload(page, str(supplier), "eigen-koppen.csv", FIRST)
    expect(page.get_by_role("heading", name="Which column is which?")).to_be_visible()
    columns = page.get_by_role("table", name="The columns in the file, with their first values")
    expect(columns).to_contain_text("03-03-2025 · 03-03-2025")
    expect(page.get_by_label("Session date", exact=True)).to_have_value("1")  # best guess
    expect(page.get_by_label("Employee number", exact=True)).to_have_value("0")
    expect(page.get_by_role("button", name="Apply this file")).to_have_count(0)
    assert_accessible(page, "imports-mapping")

    # One column for two fields: an error on the field, the summary gets the focus.
    page.get_by_label("Attendance", exact=True).select_option(label="Dag")
    page.get_by_role("button", name="Save the columns and preview again").click()
    summary = page.locator("#error-summary")
    expect(summary).to_be_focused()
    expect(summary).to_contain_text("This column is already chosen for “session date”.")
    attendance = page.get_by_label("Attendance", exact=True)
    expect(attendance).to_have_attribute("aria-describedby", "id_attendance_error")
    assert_accessible(page, "imports-mapping-errors")
    summary.get_by_role("link").first.click()
    expect(attendance).to_be_focused()

    attendance.select_option(label="Was er bij")
    page.get_by_role("button", name="Save the columns and preview again").click()
    expect(page.get_by_role("heading", name="Preview")).to_be_visible()
    expect(page.get_by_role("heading", name="Which column is which?")).to_have_count(0)
    page.get_by_role("button", name="Apply this file").click()
    expect(page.get_by_role("heading", name="Result")).to_be_visible()
    expect(page.get_by_role("status")).to_contain_text("Applied")
    assert TrainingCompletion.objects.count() == 2
    profile = ImportProfile.objects.get(supplier=supplier)

    upload(page, str(supplier), "volgende-week.csv", SECOND)
    expect(page.get_by_role("heading", name="Preview")).to_be_visible()
    expect(page.get_by_role("heading", name="Which column is which?")).to_have_count(0)
    expect(page.get_by_role("button", name="Apply this file")).to_be_visible()
    second = ImportBatch.objects.get(file_name="volgende-week.csv")
    assert second.status == ImportStatus.PREVIEWED
    assert second.profile == profile
    assert second.counts["total"] == 1
