"""`manage.py import_attendance`: exit codes and JSON output."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest
from django.core.management import call_command

from imports.models import ImportBatch
from tests.factories import PersonFactory
from tests.imports.conftest import csv_file
from trainings.models import Evaluation, TrainingCompletion

pytestmark = pytest.mark.django_db
GOOD = [["1", "", "", "", "", "03-03-2025", "Utrecht", "ja"]]
BAD = [*GOOD, ["", "", "", "", "", "03-03-2025", "Utrecht", "ja"]]


def run(*args: str, capsys) -> tuple[int, str]:
    with pytest.raises(SystemExit) as exited:
        call_command("import_attendance", *args)
    return int(exited.value.code or 0), capsys.readouterr().out


@pytest.fixture
def good_file(tmp_path, supplier):
    PersonFactory(employee_number="1")
    path = tmp_path / "lijst.csv"
    path.write_bytes(csv_file(GOOD))
    return path


def test_a_good_file_is_applied_with_exit_0(good_file, capsys) -> None:
    code, out = run(str(good_file), "--supplier", "acme", capsys=capsys)
    assert code == 0
    assert TrainingCompletion.objects.count() == 1
    assert "new: 1" in out


def test_a_dry_run_writes_nothing_and_prints_json(good_file, capsys) -> None:
    code, out = run(str(good_file), "--supplier", "ACME", "--dry-run", "--json", capsys=capsys)
    assert code == 0
    report = json.loads(out)
    assert report["counts"]["new"] == 1
    assert report["problems"] == []
    assert not TrainingCompletion.objects.exists()


def test_a_file_with_errors_exits_1_and_lists_them(tmp_path, supplier, capsys) -> None:
    PersonFactory(employee_number="1")
    path = tmp_path / "lijst.csv"
    path.write_bytes(csv_file(BAD))
    code, out = run(str(path), "--supplier", "ACME", "--json", capsys=capsys)
    assert code == 1
    report = json.loads(out)
    assert report["status"] == "rejected"
    assert [p["row"] for p in report["problems"]] == [3]
    assert not TrainingCompletion.objects.exists()


def test_the_same_file_twice_exits_1_and_says_so(good_file, capsys) -> None:
    run(str(good_file), "--supplier", "ACME", capsys=capsys)
    code, out = run(str(good_file), "--supplier", "ACME", capsys=capsys)
    assert code == 1
    assert "already imported" in out
    assert ImportBatch.objects.count() == 2


def test_an_unknown_supplier_or_missing_file_exits_2(good_file, capsys) -> None:
    assert run(str(good_file), "--supplier", "NOPE", capsys=capsys)[0] == 2
    assert run("/nonexistent.csv", "--supplier", "ACME", capsys=capsys)[0] == 2


WITH_FOOTER = [
    *GOOD,
    ["Totaal", "", "", "", "", "", "", "1"],
    [],
    ["Handtekening trainer: ______", "", "", "", "", "", "", ""],
]


def test_rows_that_are_no_participants_are_skipped_and_listed_with_exit_0(
    tmp_path, supplier, capsys
) -> None:
    PersonFactory(employee_number="1")
    path = tmp_path / "lijst.csv"
    path.write_bytes(csv_file(WITH_FOOTER))
    code, out = run(str(path), "--supplier", "ACME", "--dry-run", "--json", capsys=capsys)
    assert code == 0
    report = json.loads(out)
    assert report["problems"] == []
    assert report["counts"]["skipped"] == 3
    assert [(s["row"], s["last_row"], s["reason"]) for s in report["skipped_rows"]] == [
        (3, 3, "total"),
        (4, 4, "empty"),
        (5, 5, "signature"),
    ]
    assert report["skipped_rows"][0]["text"] == "Totaal | 1"
    code, out = run(str(path), "--supplier", "ACME", capsys=capsys)
    assert code == 0
    assert TrainingCompletion.objects.count() == 1
    assert "skipped: 3" in out
    assert "row 3: A total or summary row, not a participant; skipped. (Totaal | 1)" in out


def test_excels_unicode_text_export_is_imported(tmp_path, supplier, capsys) -> None:
    PersonFactory(employee_number="1")
    text = "Personeelsnr\tDatum workshop\tDeelname\r\n1\t03/03/2025\tja\r\n"
    path = tmp_path / "Presentielijst.txt"
    path.write_bytes(text.encode("utf-16"))
    code, out = run(str(path), "--supplier", "ACME", "--json", capsys=capsys)
    assert code == 0, out
    assert json.loads(out)["counts"]["new"] == 1
    assert TrainingCompletion.objects.count() == 1


def test_a_file_without_a_date_column_exits_1_naming_the_missing_column(
    tmp_path, supplier, capsys
) -> None:
    path = tmp_path / "lijst.csv"
    path.write_bytes(b"Naam;Aanwezig\nJan Berg;ja\n")
    code, out = run(str(path), "--supplier", "ACME", "--dry-run", "--json", capsys=capsys)
    assert code == 1
    [problem] = json.loads(out)["problems"]
    assert problem["message"] == (
        "No column for the session date was found; the columns in the file are: “Naam”, “Aanwezig”."
    )


@pytest.mark.parametrize(
    ("header", "scores", "scale"),
    [
        # Every score is 5 or lower: guessed from the scores this would have been 1-5.
        ("Cijfer (1-10)", ["4", "5", "3,5"], 10),
        ("Score (1-5)", ["4", "4,5", "5"], 5),
        ("Beoordeling /10", ["8", "6.5", "7"], 10),
    ],
)
def test_evaluation_scores_are_stored_as_written_on_the_scale_of_their_header(
    tmp_path, supplier, capsys, header: str, scores: list[str], scale: int
) -> None:
    lines = [f"Personeelsnummer;Datum;Aanwezig;{header}"]
    for number, score in enumerate(scores, start=1):
        PersonFactory(employee_number=str(number))
        lines.append(f"{number};03-03-2025;ja;{score}")
    path = tmp_path / "evaluatie.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    code, out = run(str(path), "--supplier", "ACME", "--json", capsys=capsys)
    assert code == 0, out
    stored = Evaluation.objects.order_by("person__employee_number")
    assert [(e.score, e.scale) for e in stored] == [
        (Decimal(score.replace(",", ".")), scale) for score in scores
    ]
    assert ImportBatch.objects.get().score_scale == scale
