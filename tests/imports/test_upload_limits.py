"""Uploads are refused above IMPORT_MAX_UPLOAD_BYTES on every path.

The /imports/ page, the admin's import page, the admin's batch add and an oversized
request body to the admin are covered in test_pages.py and test_admin_security.py; these
cover the command and the service every path calls.
"""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.test import override_settings
from django.utils import translation

from imports.models import ImportBatch
from imports.services import ImportNotAllowed, import_batch_create
from tests.imports.conftest import csv_file
from trainings.models import Supplier

pytestmark = pytest.mark.django_db
ROWS = [["1", "", "", "", "", "03-03-2025", "Utrecht", "ja"]] * 20


@override_settings(IMPORT_MAX_UPLOAD_BYTES=2 * 1024 * 1024)
def test_the_service_refuses_a_file_over_the_limit_and_stores_nothing(
    supplier: Supplier,
) -> None:
    big = io.BytesIO(b"x" * (2 * 1024 * 1024 + 1))
    with pytest.raises(ImportNotAllowed) as refused, translation.override("nl"):
        import_batch_create(file=big, file_name="groot.csv", supplier=supplier)
    with translation.override("nl"):
        assert str(refused.value.message) == "Het bestand is groter dan 2 MB."
    assert not ImportBatch.objects.exists()


@override_settings(IMPORT_MAX_UPLOAD_BYTES=100)
def test_the_command_refuses_a_file_over_the_limit(tmp_path, supplier: Supplier, capsys) -> None:
    path = tmp_path / "lijst.csv"
    path.write_bytes(csv_file(ROWS))
    with pytest.raises(SystemExit) as exited:
        call_command("import_attendance", str(path), "--supplier", "acme")
    assert exited.value.code != 0
    assert "larger than" in capsys.readouterr().err
    assert not ImportBatch.objects.exists()
