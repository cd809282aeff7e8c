"""The XLSX export, read back with openpyxl."""

from __future__ import annotations

import io
from dataclasses import replace
from datetime import datetime

import openpyxl
import pytest
from django.utils.translation import gettext
from openpyxl.workbook.workbook import Workbook

from reports.presentation.suppression import suppress
from reports.presentation.tables import Column, Report, Row, Table
from reports.presentation.xlsx import MAX_SHEET_NAME, sheet_name, write_xlsx

from .conftest import department_table


def exported(report: Report) -> Workbook:
    out = io.BytesIO()
    write_xlsx(report, out)
    out.seek(0)
    return openpyxl.load_workbook(out)


@pytest.fixture
def workbook(report: Report) -> Workbook:
    return exported(report)


def test_the_first_sheet_explains_the_figures(workbook: Workbook) -> None:
    sheet = workbook.worksheets[0]
    text = [cell for row in sheet.iter_rows(values_only=True) for cell in row if cell]

    assert workbook.sheetnames[0] == gettext("Explanation")
    assert "Bias-prevention workshop" in text
    assert "Committee members who must follow the workshop." in text  # a column's help
    assert "Trained members divided by members." in text  # a report explanation
    assert "•" in text
    assert "Q4 2025" in text
    assert "2025Q4" not in text
    assert workbook.properties.subject == "Q4 2025"


def test_a_chart_sheet_keeps_the_quarter_code_beside_the_quarter_for_sorting(
    workbook: Workbook,
) -> None:
    rows = list(workbook["Share trained per quarter"].iter_rows(values_only=True))

    assert rows[0][:3] == ("Quarter", "Quarter (code)", "Rijksbreed")
    assert [row[:2] for row in rows[1:]] == [
        ("Q1 2025", "2025Q1"),
        ("Q2 2025", "2025Q2"),
        ("Q3 2025", "2025Q3"),
        ("Q4 2025", "2025Q4"),
    ]


def test_there_is_one_sheet_per_table_and_per_chart(workbook: Workbook) -> None:
    assert workbook.sheetnames[1:] == ["Participation per department", "Share trained per quarter"]


def test_numbers_are_real_numbers_with_formats(workbook: Workbook) -> None:
    sheet = workbook["Participation per department"]
    defensie = 4  # header, then =HYPERLINK, Financiën, Defensie

    assert sheet.cell(defensie, 2).value == 30
    assert sheet.cell(defensie, 2).number_format == "#,##0"
    assert sheet.cell(defensie, 5).value == pytest.approx(30 / 39)
    assert sheet.cell(defensie, 5).number_format == "0.0%"
    assert sheet.cell(defensie, 6).value == pytest.approx(12.25)
    assert sheet.cell(defensie, 7).value == datetime(2025, 11, 3)
    assert sheet.cell(defensie, 7).number_format == "yyyy-mm-dd"


def test_hidden_figures_show_one_neutral_mark(workbook: Workbook) -> None:
    sheet = workbook["Participation per department"]

    assert [sheet.cell(2, column).value for column in (2, 3, 4)] == ["•", "•", "•"]
    assert sheet.cell(4, 4).value == 39


def test_the_header_row_is_frozen_and_the_columns_are_widened(workbook: Workbook) -> None:
    sheet = workbook["Participation per department"]

    assert sheet.freeze_panes == "A2"
    assert [cell.value for cell in sheet[1]][:2] == ["Department", "Trained"]
    assert sheet.column_dimensions["A"].width > 20


def test_text_that_looks_like_a_formula_is_neutralised(workbook: Workbook) -> None:
    cell = workbook["Participation per department"].cell(2, 1)

    assert cell.value == '\'=HYPERLINK("http://evil.example")'
    assert cell.data_type == "s"


def test_a_negative_number_stays_a_number_while_negative_looking_text_is_neutralised() -> None:
    columns = (Column("label", "Label", "text"), Column("delta", "Change", "decimal"))
    table = Table("changes", "Changes", columns, (Row({"label": "-5", "delta": -5}),))
    report = Report("regiegroep", "2025Q4", "R", datetime.fromisoformat("2026-01-05T10:00+01:00"))

    sheet = exported(replace(report, tables=(table,)))["Changes"]

    assert sheet.cell(2, 1).value == "'-5"
    assert sheet.cell(2, 2).value == -5
    assert sheet.cell(2, 2).data_type == "n"


def test_marked_rows_say_why_and_self_reported_rows_are_italic(workbook: Workbook) -> None:
    sheet = workbook["Participation per department"]
    remarks = [cell.value for cell in sheet["H"]]

    assert remarks[0] == "Remarks"
    assert remarks[2] == "Self-reported by the department"
    assert remarks[3] == "Below target"
    assert remarks[4] is None  # a hidden share says nothing about the target either
    assert sheet.cell(3, 2).font.italic
    assert not sheet.cell(4, 2).font.italic


def test_the_total_row_is_last_and_bold(workbook: Workbook) -> None:
    sheet = workbook["Participation per department"]
    last = sheet.max_row

    assert sheet.cell(last, 1).value == "Total"
    assert sheet.cell(last, 2).value == 55
    assert sheet.cell(last, 2).font.bold


def test_it_refuses_a_table_that_was_not_suppressed(report: Report) -> None:
    with pytest.raises(ValueError, match="suppress"):
        write_xlsx(replace(report, tables=(department_table(),)), io.BytesIO())


def test_the_mark_is_the_same_whatever_the_threshold_and_the_note_names_it(
    report: Report,
) -> None:
    table = suppress(department_table(), threshold=30)

    workbook = exported(replace(report, tables=(table,)))
    sheet = workbook["Participation per department"]
    notes = [cell for row in workbook.worksheets[0].iter_rows(values_only=True) for cell in row]

    assert sheet.cell(3, 2).value == "•"  # Financiën: a group of 27
    assert any("fewer than 30 people" in str(note) for note in notes)


@pytest.mark.parametrize(
    ("title", "expected"),
    [
        ("Leden: per [ministerie] * / \\ ?", "Leden per ministerie"),
        ("'quoted'", "quoted"),
        ("History", "History (1)"),
        ("", "Table"),
        ("tab\there", "tab here"),
    ],
)
def test_sheet_names_lose_characters_excel_refuses(title: str, expected: str) -> None:
    assert sheet_name(title, set()) == expected


def test_long_sheet_names_are_cut_to_31_characters() -> None:
    name = sheet_name("Deelname per ministerie en per soort commissie", set())

    assert name == "Deelname per ministerie en per"  # 31 characters, trailing space dropped


def test_duplicate_sheet_names_are_numbered_ignoring_case() -> None:
    used: set[str] = set()
    title = "Deelname per ministerie en per soort commissie"

    names = [sheet_name(title, used), sheet_name(title.upper(), used), sheet_name(title, used)]

    assert len({name.lower() for name in names}) == 3
    assert names[1].endswith(" (2)")
    assert names[2].endswith(" (3)")
    assert all(len(name) <= MAX_SHEET_NAME for name in names)


def test_sheet_names_count_emoji_as_excel_does() -> None:
    name = sheet_name("😀" * 20, set())

    assert len(name.encode("utf-16-le")) // 2 <= MAX_SHEET_NAME


def test_sheet_names_from_titles_are_unique_in_the_workbook(report: Report) -> None:
    table = report.tables[0]
    twin = replace(table, key="twin")

    workbook = exported(replace(report, tables=(table, twin)))

    assert workbook.sheetnames[1:3] == [
        "Participation per department",
        "Participation per departmen (2)",
    ]


def test_a_quarter_without_interventions_says_none_rather_than_leaving_the_section_out(
    report: Report,
) -> None:
    sheet = exported(replace(report, interventions=())).worksheets[0]
    text = [cell for row in sheet.iter_rows(values_only=True) for cell in row if cell]

    assert gettext("Interventions") in text
    assert "None in this quarter." in text
