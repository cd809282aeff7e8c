"""The CSV export: one file per table, Excel-friendly for Dutch and other settings."""

from __future__ import annotations

import csv
import io
import zipfile
from dataclasses import replace

import pytest

from reports.presentation.csv_export import export_csv, export_csv_zip
from reports.presentation.tables import Report

from .conftest import department_table

DEPARTMENTS = "icop_2025Q4_departments.csv"


def parsed(content: bytes, delimiter: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig")), delimiter=delimiter))


def test_there_is_one_file_per_table_and_per_chart(report: Report) -> None:
    assert sorted(export_csv(report)) == [DEPARTMENTS, "icop_2025Q4_trend.csv"]


def test_a_chart_file_keeps_the_quarter_code_beside_the_quarter_for_sorting(
    report: Report,
) -> None:
    rows = parsed(export_csv(report)["icop_2025Q4_trend.csv"], ";")

    assert rows[0] == [
        "Quarter",
        "Quarter (code)",
        "Rijksbreed (%)",
        "Defensie (%)",
        "Interventions",
    ]
    assert rows[2] == ["Q2 2025", "2025Q2", "48,0", "", "Reminder letter"]


def test_files_start_with_a_byte_order_mark(report: Report) -> None:
    assert export_csv(report)[DEPARTMENTS].startswith(b"\xef\xbb\xbf")


def test_semicolons_come_with_a_decimal_comma(report: Report) -> None:
    rows = parsed(export_csv(report, delimiter=";")[DEPARTMENTS], ";")

    assert rows[3][:6] == ["Defensie", "30", "9", "39", "76,9", "12,3"]
    assert rows[3][6] == "2025-11-03"


def test_commas_come_with_a_decimal_point(report: Report) -> None:
    rows = parsed(export_csv(report, delimiter=",")[DEPARTMENTS], ",")

    assert rows[3][4:6] == ["76.9", "12.3"]


def test_percent_columns_say_so_in_the_header(report: Report) -> None:
    header = parsed(export_csv(report)[DEPARTMENTS], ";")[0]

    assert header[4] == "Share trained (%)"
    assert header[-1] == "Remarks"


def test_hidden_figures_show_one_neutral_mark_that_claims_nothing_about_the_value(
    report: Report,
) -> None:
    rows = parsed(export_csv(report)[DEPARTMENTS], ";")

    assert rows[1][1:6] == ["•"] * 5
    assert "<5" not in {cell for row in rows for cell in row}


def test_text_that_looks_like_a_formula_is_neutralised(report: Report) -> None:
    rows = parsed(export_csv(report)[DEPARTMENTS], ";")

    assert rows[1][0] == '\'=HYPERLINK("http://evil.example")'


def test_marked_rows_and_the_total_row_are_included(report: Report) -> None:
    rows = parsed(export_csv(report)[DEPARTMENTS], ";")

    assert rows[2][-1] == "Self-reported by the department"
    assert rows[-1][:2] == ["Total", "55"]


def test_the_zip_holds_every_file_and_is_reproducible(report: Report) -> None:
    first = export_csv_zip(report)

    with zipfile.ZipFile(io.BytesIO(first)) as archive:
        assert sorted(archive.namelist()) == sorted(export_csv(report))
        assert archive.read(DEPARTMENTS) == export_csv(report)[DEPARTMENTS]
    assert export_csv_zip(report) == first


def test_it_refuses_a_table_that_was_not_suppressed(report: Report) -> None:
    with pytest.raises(ValueError, match="suppress"):
        export_csv(replace(report, tables=(department_table(),)))
