"""`manage.py import_sessions` exits 0 without problems, 1 when the file is refused or
has problem rows (also with --hold-invalid: the good rows are written, and a script
must still learn that rows were left out), 2 for a usage error, in plain Dutch."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from django.core.management import call_command
from django.utils import translation

from tests.factories import SupplierFactory
from tests.imports.sessions_files import HEADER, day
from trainings.models import Supplier, TrainingSession

pytestmark = pytest.mark.django_db


@pytest.fixture
def supplier() -> Supplier:
    return SupplierFactory(code="BAC")


def exit_status(*args: str, **options: object) -> int | str | None:
    with pytest.raises(SystemExit) as stopped, translation.override("nl"):
        call_command("import_sessions", *args, **options)
    return stopped.value.code


def write_schedule(path: Path, *rows: str) -> Path:
    path.write_text(";".join(HEADER) + "\n" + "\n".join(rows) + "\n", encoding="utf-8")
    return path


def test_a_missing_file_is_a_usage_error(supplier: Supplier, tmp_path: Path, capsys) -> None:
    missing = tmp_path / "bestaat-niet.csv"
    assert exit_status(str(missing), supplier="BAC") == 2
    assert capsys.readouterr().err.strip() == f"Dit bestand bestaat niet: {missing}"


def test_a_directory_is_a_usage_error(supplier: Supplier, tmp_path: Path, capsys) -> None:
    assert exit_status(str(tmp_path), supplier="BAC") == 2
    assert "Dit bestand bestaat niet" in capsys.readouterr().err


def test_an_unknown_supplier_or_profile_is_said_in_dutch(
    supplier: Supplier, tmp_path: Path, capsys
) -> None:
    path = write_schedule(tmp_path / "r.csv", f";{day(3).isoformat()};9:00;;Ede;;5;")
    assert exit_status(str(path), supplier="XYZ") == 2
    assert capsys.readouterr().err.strip() == "Onbekende leverancier: XYZ"
    assert exit_status(str(path), supplier="BAC", profile="Geen") == 2
    assert capsys.readouterr().err.strip() == "Onbekend importprofiel: Geen"


def test_hold_invalid_writes_the_good_rows_and_still_exits_1(
    supplier: Supplier, tmp_path: Path, capsys
) -> None:
    path = write_schedule(
        tmp_path / "r.csv",
        f"A;{day(3).isoformat()};9:00;;Ede;;5;",
        f"B;{day(4).isoformat()};9:00;;Ede;;-5;",
    )
    assert exit_status(str(path), supplier="BAC", hold_invalid=True, json=True) == 1
    report = json.loads(capsys.readouterr().out)
    assert (report["written"], report["created"]) == (True, 1)
    assert report["problems"] == [{"row": 3, "message": "“-5” is geen aantal plaatsen."}]
    assert list(TrainingSession.objects.values_list("external_id", flat=True)) == ["A"]


def test_a_file_without_problems_exits_0(supplier: Supplier, tmp_path: Path) -> None:
    path = write_schedule(tmp_path / "r.csv", f"A;{day(3).isoformat()};9:00;;Ede;;5;")
    call_command("import_sessions", str(path), supplier="BAC", hold_invalid=True)
    call_command("import_sessions", str(path), supplier="BAC")
    assert TrainingSession.objects.count() == 1
