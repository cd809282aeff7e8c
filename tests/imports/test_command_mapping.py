"""`import_attendance --map FIELD=COLUMN`, the supplier's saved profile and `--department`.

--map says which column holds a field and is saved as the supplier's profile for the
file's headers, so the next file with those headers needs no --map; mistakes in it are
usage errors (exit status 2) that say what is wrong, and nothing is imported.
"""

from __future__ import annotations

import pytest
from django.core.management import call_command

from imports.models import ImportBatch, ImportProfile
from tests.factories import DepartmentFactory, PersonFactory
from tests.imports.conftest import csv_file
from trainings.models import TrainingCompletion

pytestmark = pytest.mark.django_db
OWN_HEADERS = ["Personeelsnummer", "Dag", "Was er bij"]
MAP = ("--map", "session_date=Dag", "--map", "ATTENDANCE=was er bij")


def run(*args: str, capsys) -> tuple[int, str, str]:
    with pytest.raises(SystemExit) as exited:
        call_command("import_attendance", *args)
    out, err = capsys.readouterr()
    return int(exited.value.code or 0), out, err


@pytest.fixture
def own_file(tmp_path, supplier):
    PersonFactory(employee_number="1")
    path = tmp_path / "eigen.csv"
    path.write_bytes(csv_file([["1", "03-03-2025", "ja"]], OWN_HEADERS))
    return path


def test_unknown_headers_are_refused_without_map(own_file, capsys) -> None:
    code, out, _ = run(str(own_file), "--supplier", "ACME", capsys=capsys)
    assert code == 1
    assert "No column for" in out
    assert not TrainingCompletion.objects.exists()


def test_map_reads_the_columns_and_is_saved_for_the_next_file(own_file, tmp_path, capsys) -> None:
    code, out, _ = run(str(own_file), "--supplier", "ACME", *MAP, capsys=capsys)
    assert code == 0, out
    assert TrainingCompletion.objects.count() == 1
    profile = ImportProfile.objects.get()
    assert profile.mapping == {"Dag": "session_date", "Was er bij": "attendance"}
    assert ImportBatch.objects.get().profile == profile

    PersonFactory(employee_number="2")
    second = tmp_path / "volgende.csv"
    second.write_bytes(csv_file([["2", "10-03-2025", "ja"]], OWN_HEADERS))
    code, out, _ = run(str(second), "--supplier", "ACME", capsys=capsys)
    assert code == 0, out
    assert TrainingCompletion.objects.count() == 2
    assert ImportBatch.objects.latest("pk").profile == profile


def test_a_dry_run_with_map_saves_the_columns_but_no_data(own_file, capsys) -> None:
    code, out, _ = run(str(own_file), "--supplier", "ACME", "--dry-run", *MAP, capsys=capsys)
    assert code == 0, out
    assert "new: 1" in out
    assert not TrainingCompletion.objects.exists()
    assert ImportProfile.objects.count() == 1


@pytest.mark.parametrize(
    ("option", "error"),
    [
        ("datum", "--map wants FIELD=COLUMN"),
        ("=Dag", "--map wants FIELD=COLUMN"),
        ("dag=Dag", "Unknown field “dag” in --map; the fields are: employee_number,"),
        (
            "session_date=Datum",
            "No column “Datum” in eigen.csv; its columns are: “Personeelsnummer”",
        ),
    ],
)
def test_a_wrong_map_is_a_usage_error(own_file, capsys, option: str, error: str) -> None:
    code, _, err = run(str(own_file), "--supplier", "ACME", "--map", option, capsys=capsys)
    assert code == 2
    assert error in err
    assert not ImportBatch.objects.exists()
    assert not ImportProfile.objects.exists()


def test_one_column_for_two_fields_is_a_usage_error(own_file, capsys) -> None:
    code, _, err = run(
        str(own_file), "--supplier", "ACME", "--map", "session_date=Dag",
        "--map", "attendance=Dag", capsys=capsys,
    )  # fmt: skip
    assert code == 2
    assert "--map gives column “Dag” to both session_date and attendance." in err


def test_department_is_the_ministry_of_the_whole_file(good_file_rows, capsys) -> None:
    department = DepartmentFactory(code="BZK")
    code, out, _ = run(str(good_file_rows), "--supplier", "ACME", "--department", "bzk",
                       "--dry-run", capsys=capsys)  # fmt: skip
    assert code == 0, out
    assert ImportBatch.objects.get().department == department


def test_an_unknown_department_is_a_usage_error(good_file_rows, capsys) -> None:
    code, _, err = run(str(good_file_rows), "--supplier", "ACME", "--department", "XYZ",
                       capsys=capsys)  # fmt: skip
    assert code == 2
    assert "Unknown department: XYZ" in err
    assert not ImportBatch.objects.exists()


@pytest.fixture
def good_file_rows(tmp_path, supplier):
    PersonFactory(employee_number="1")
    path = tmp_path / "lijst.csv"
    path.write_bytes(csv_file([["1", "", "", "", "", "03-03-2025", "Utrecht", "ja"]]))
    return path
