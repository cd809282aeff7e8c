from __future__ import annotations

import datetime
import gc
import io
import json
import tracemalloc
import zipfile
from collections.abc import Callable, Iterable, Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
import xlwt
from django.utils import translation
from openpyxl import Workbook

from imports.reading import Attendance, Field, parse_attendance_file, parsing, sources, xlsx
from tests.imports.reading.conftest import (
    HEADERS,
    ROW,
    csv_bytes,
    ods_bytes,
    parse,
    parse_rows,
    write,
    xlsx_bytes,
    xlsx_bytes_fast,
)

MARCH_3 = datetime.date(2025, 3, 3)
TITLE = ["Presentielijst workshop 12 maart"]


# --- formats -------------------------------------------------------------------------


@pytest.mark.parametrize("delimiter", [";", ",", "\t"])
@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp1252", "utf-16"])
def test_it_reads_csv_in_each_encoding_and_separator(delimiter: str, encoding: str) -> None:
    data = csv_bytes([HEADERS, ROW], delimiter=delimiter, encoding=encoding)
    parsed = parse(data, "lijst.csv")
    rows = list(parsed.rows())
    assert parsed.format == "csv"
    assert [(row.employee_number, row.full_name, row.session_date) for row in rows] == [
        ("12345", "Jan Berg", MARCH_3)
    ]


def test_it_reads_cp1252_names_with_accents() -> None:
    data = csv_bytes(
        [HEADERS, ["1", "Zoë", "Hélène-Sørensen", "", "3-3-2025", "ja"]], encoding="cp1252"
    )
    [row] = parse_rows(data, "lijst.csv")
    assert row.full_name == "Zoë Hélène-Sørensen"


def test_a_late_cp1252_byte_makes_the_whole_file_cp1252_not_half_garbled() -> None:
    rows = [HEADERS] + [["1", "Jan", "Berg", "", "3-3-2025", "ja"]] * 5000
    rows.append(["2", "Zoë", "Berg", "", "3-3-2025", "ja"])
    parsed_rows = parse_rows(csv_bytes(rows, encoding="cp1252"), "lijst.csv")
    assert parsed_rows[-1].first_name == "Zoë"


def test_utf8_text_is_not_mistaken_for_cp1252() -> None:
    data = csv_bytes([HEADERS, ["1", "Zoë", "Berg", "", "3-3-2025", "ja"]], encoding="utf-8")
    assert parse_rows(data, "lijst.csv")[0].first_name == "Zoë"


def test_a_text_encoding_that_is_neither_is_refused() -> None:
    data = csv_bytes([HEADERS, ROW]) + b"\x81\x8d\xc3"  # invalid UTF-8, undefined in cp1252
    assert [p.code for p in parse(data, "lijst.csv").file_problems] == ["unknown_encoding"]


def test_it_honours_excels_sep_line_and_numbers_rows_after_it() -> None:
    data = b"sep=,\r\n" + csv_bytes([HEADERS, ROW], delimiter=",")
    parsed = parse(data, "lijst.csv")
    [row] = list(parsed.rows())
    assert (parsed.header_row, row.row_number) == (1, 2)


def test_a_quoted_cell_with_a_line_break_is_one_row() -> None:
    data = ";".join(HEADERS) + '\r\n1;"Jan\r\nPiet";Berg;;3-3-2025;ja\r\n2;A;B;;3-3-2025;ja\r\n'
    rows = parse_rows(data.encode(), "lijst.csv")
    assert [(row.row_number, row.first_name) for row in rows] == [(2, "Jan Piet"), (3, "A")]


def test_it_reads_xlsx_with_real_dates_and_numbers(xlsx_reader: str) -> None:
    data = xlsx_bytes(
        [[*HEADERS, "Score"], [12345, "Jan", "Berg", "jan@example.nl", MARCH_3, "x", 7.5]]
    )
    parsed = parse(data, "lijst.xlsx")
    [row] = list(parsed.rows())
    assert (parsed.format, parsed.sheet_name) == ("xlsx", "Presentielijst")
    assert (row.employee_number, row.session_date, row.attendance, row.score) == (
        "12345",
        MARCH_3,
        Attendance.ATTENDED,
        Decimal("7.5"),
    )
    assert row.raw["Datum"] == "2025-03-03"
    assert row.raw["Personeelsnummer"] == "12345"


def test_it_reads_an_excel_serial_number_in_a_date_column(xlsx_reader: str) -> None:
    [row] = parse_rows(xlsx_bytes([HEADERS, ["1", "Jan", "Berg", "", 45719, "ja"]]), "l.xlsx")
    assert row.session_date == MARCH_3


def test_it_reads_shared_and_inline_strings_in_the_streaming_reader(xlsx_reader: str) -> None:
    # openpyxl writes shared strings; this checks the on-disk table and its cache.
    rows = [HEADERS] + [
        [str(number), f"Naam{number}", "Berg", "", "3-3-2025", "ja"] for number in range(300)
    ]
    parsed_rows = parse_rows(xlsx_bytes(rows), "lijst.xlsx")
    assert [row.first_name for row in parsed_rows][-2:] == ["Naam298", "Naam299"]


def test_it_takes_the_first_sheet_with_data(xlsx_reader: str) -> None:
    parsed = parse(xlsx_bytes([HEADERS, ROW], extra_sheets=2), "lijst.xlsx")
    assert parsed.sheet_name == "Presentielijst"
    assert len(list(parsed.rows())) == 1


def test_it_skips_hidden_sheets_unless_chosen(xlsx_reader: str) -> None:
    workbook = Workbook()
    hidden = workbook.active
    assert hidden is not None
    hidden.title = "Verborgen"
    hidden.append(HEADERS)
    hidden.append(["999", "Geheim", "X", "", "3-3-2025", "ja"])
    hidden.sheet_state = "hidden"
    visible = workbook.create_sheet("Lijst")
    visible.append(HEADERS)
    visible.append(ROW)
    buffer = io.BytesIO()
    workbook.save(buffer)
    assert [row.employee_number for row in parse_rows(buffer.getvalue(), "l.xlsx")] == ["12345"]
    chosen = parse_rows(buffer.getvalue(), "l.xlsx", sheet="verborgen")
    assert [row.employee_number for row in chosen] == ["999"]


def test_it_reads_a_chosen_sheet_by_name(xlsx_reader: str) -> None:
    workbook = Workbook()
    first = workbook.active
    assert first is not None
    first.append(HEADERS)
    first.append(ROW)
    second = workbook.create_sheet("Maart")
    second.append(HEADERS)
    second.append(["777", "Piet", "Jansen", "", "4-3-2025", "nee"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    parsed = parse(buffer.getvalue(), "lijst.xlsx", sheet="Maart")
    assert parsed.sheet_name == "Maart"
    assert [row.employee_number for row in parsed.rows()] == ["777"]


def test_a_missing_sheet_is_a_file_problem_listing_the_sheets(xlsx_reader: str) -> None:
    parsed = parse(xlsx_bytes([HEADERS, ROW]), "lijst.xlsx", sheet="April")
    [problem] = parsed.file_problems
    assert problem.code == "sheet_not_found"
    assert "“Presentielijst”" in str(problem.message)


def test_a_workbook_without_data_is_refused(xlsx_reader: str) -> None:
    assert [p.code for p in parse(xlsx_bytes([]), "lijst.xlsx").file_problems] == ["no_data"]


def test_it_reads_ods() -> None:
    parsed = parse(ods_bytes([TITLE, [""], HEADERS, ROW]), "lijst.ods")
    [row] = list(parsed.rows())
    assert (parsed.format, parsed.sheet_name, parsed.header_row) == ("ods", "Lijst", 3)
    assert (row.row_number, row.employee_number) == (4, "12345")


def test_it_accepts_a_path(tmp_path: Path) -> None:
    path = write(tmp_path, "lijst.xlsx", xlsx_bytes([HEADERS, ROW]))
    parsed = parse_attendance_file(path, filename=path.name)
    assert [row.employee_number for row in parsed.rows()] == ["12345"]


# --- layout --------------------------------------------------------------------------


@pytest.mark.parametrize("filename", ["lijst.csv", "lijst.xlsx"])
def test_it_finds_the_header_below_title_rows(filename: str) -> None:
    rows = [TITLE, [], ["Leverancier: Bureau X"], HEADERS, ROW]
    data = csv_bytes(rows) if filename.endswith(".csv") else xlsx_bytes(rows)
    parsed = parse(data, filename)
    [row] = list(parsed.rows())
    assert (parsed.header_row, row.row_number) == (4, 5)


def test_it_ignores_blank_rows_and_blank_columns(xlsx_reader: str) -> None:
    def spaced(row: list[Any]) -> list[Any]:
        return [None, *row[:3], None, *row[3:]]

    rows = [TITLE, [], spaced(HEADERS), [], spaced(ROW), [None, "  "], spaced(ROW)]
    parsed = parse(xlsx_bytes(rows), "lijst.xlsx")
    assert [row.row_number for row in parsed.rows()] == [5, 7]
    assert parsed.ignored_columns == []


def test_it_skips_rows_that_repeat_the_header() -> None:
    rows = parse_rows(csv_bytes([HEADERS, ROW, HEADERS, ROW]), "lijst.csv")
    assert [row.row_number for row in rows] == [2, 4]


def test_it_reports_mapping_and_ignored_columns() -> None:
    parsed = parse(csv_bytes([[*HEADERS, "Opmerking"], [*ROW, "te laat"]]), "lijst.csv")
    assert parsed.mapping[Field.EMAIL] == "E-mailadres"
    assert parsed.ignored_columns == ["Opmerking"]
    assert next(parsed.rows()).raw["Opmerking"] == "te laat"


def test_a_header_written_twice_keeps_both_raw_values() -> None:
    [row] = parse_rows(csv_bytes([[*HEADERS, "Opm", "Opm"], [*ROW, "a", "b"]]), "lijst.csv")
    assert (row.raw["Opm"], row.raw["Opm (2)"]) == ("a", "b")


@pytest.mark.parametrize(
    ("headers", "values", "field", "expected"),
    [
        (
            ["P-nummer", "Naam", "Trainingsdatum", "Status"],
            ["P1", "Jan Berg", "3-3-2025", "ja"],
            Field.EMPLOYEE_NUMBER,
            "P1",
        ),
        (
            ["Employee ID", "Full name", "Date", "Attended"],
            ["7", "Jan Berg", "3-3-2025", "yes"],
            Field.FULL_NAME,
            "Jan Berg",
        ),
        (
            ["E-mail adres", "Datum", "Aanwezigheid", "Ministerie"],
            ["j@x.nl", "3-3-2025", "ja", "BZK"],
            Field.DEPARTMENT,
            "BZK",
        ),
        (
            ["Emailadres", "Datum", "Present", "Locatie"],
            ["j@x.nl", "3-3-2025", "ja", "Utrecht"],
            Field.SESSION_PLACE,
            "Utrecht",
        ),
        (
            ["Mail", "Date", "Present", "Sessie-ID"],
            ["j@x.nl", "3-3-2025", "ja", 12.0],
            Field.SESSION_ID,
            "12",
        ),
        (
            ["Mail", "Date", "Present", "Workshop"],
            ["j@x.nl", "3-3-2025", "ja", "Bias"],
            Field.PROGRAMME,
            "Bias",
        ),
        (
            ["Mail", "Date", "Present", "Cijfer"],
            ["j@x.nl", "3-3-2025", "ja", "8"],
            Field.SCORE,
            Decimal(8),
        ),
        (
            ["Pers.nr", "Date", "Present", "Evaluatie:"],
            ["1", "3-3-2025", "ja", "4"],
            Field.SCORE,
            Decimal(4),
        ),
    ],
)
def test_it_maps_dutch_and_english_headers(
    headers: list[str], values: list[object], field: Field, expected: object
) -> None:
    [row] = parse_rows(xlsx_bytes([headers, values]), "lijst.xlsx")
    assert getattr(row, field.value) == expected
    assert row.problems == []


def test_it_folds_a_name_prefix_column_into_the_last_name() -> None:
    headers = ["Voornaam", "Tussenvoegsel", "Achternaam", "Datum", "Aanwezig"]
    [row] = parse_rows(csv_bytes([headers, ["Jan", "van der", "Berg", "3-3-2025", "ja"]]), "l.csv")
    assert (row.first_name, row.last_name, row.full_name) == (
        "Jan",
        "van der Berg",
        "Jan van der Berg",
    )


def test_it_splits_a_surname_first_full_name_column() -> None:
    headers = ["Naam", "Datum", "Aanwezig"]
    [row] = parse_rows(csv_bytes([headers, ['"Berg, Jan van der"', "3-3-2025", "ja"]]), "l.csv")
    assert (row.first_name, row.last_name, row.full_name) == (
        "Jan",
        "van der Berg",
        "Jan van der Berg",
    )


# --- profiles and required columns ---------------------------------------------------


def test_a_profile_maps_a_suppliers_own_headers() -> None:
    headers = ["Kenmerk", "Dag", "Gekomen?"]
    data = csv_bytes([headers, ["P1", "3-3-2025", "ja"]])
    profile = {"Kenmerk": "employee_number", "Dag": "session_date", "Gekomen?": "attendance"}
    [row] = parse_rows(data, "lijst.csv", profile=profile)
    assert (row.employee_number, row.session_date, row.attendance) == (
        "P1",
        MARCH_3,
        Attendance.ATTENDED,
    )


def test_a_profile_takes_precedence_over_the_default_aliases() -> None:
    headers = ["Personeelsnummer", "Datum", "Aanwezig", "Geplande datum"]
    data = csv_bytes([headers, ["1", "1-1-2025", "ja", "3-3-2025"]])
    parsed = parse(data, "lijst.csv", profile={"Geplande datum": "session_date"})
    [row] = list(parsed.rows())
    assert row.session_date == MARCH_3
    assert parsed.mapping[Field.SESSION_DATE] == "Geplande datum"
    assert "Datum" in parsed.ignored_columns


def test_a_profile_can_ignore_a_column() -> None:
    headers = [*HEADERS, "Status"]
    parsed = parse(csv_bytes([headers, [*ROW, "betaald"]]), "l.csv", profile={"Status": ""})
    assert parsed.file_problems == []
    assert parsed.ignored_columns == ["Status"]


def test_two_columns_for_one_field_reject_the_file() -> None:
    parsed = parse(csv_bytes([[*HEADERS, "Aanwezigheid"], [*ROW, "ja"]]), "lijst.csv")
    [problem] = parsed.file_problems
    assert problem.code == "duplicate_column"
    assert "“Aanwezig” / “Aanwezigheid”" in str(problem.message)


def test_a_status_column_beside_the_attendance_is_the_bookings_status_and_ignored() -> None:
    parsed = parse(csv_bytes([[*HEADERS, "Status"], [*ROW, "Bevestigd"]]), "lijst.csv")
    assert parsed.file_problems == []
    assert parsed.mapping[Field.ATTENDANCE] == "Aanwezig"
    assert parsed.ignored_columns == ["Status"]


@pytest.mark.parametrize(
    ("headers", "missing"),
    [
        (["Personeelsnummer", "Aanwezig", "Naam"], "session date"),
        (["Personeelsnummer", "Datum", "Naam"], "attendance"),
        (["Voornaam", "Datum", "Aanwezig"], "employee number, email address or name"),
    ],
)
def test_missing_required_columns_reject_the_file(headers: list[str], missing: str) -> None:
    parsed = parse(csv_bytes([headers, ["a", "b", "c"]]), "lijst.csv")
    [problem] = parsed.file_problems
    assert problem.code == "missing_columns"
    assert missing in str(problem.message)
    assert all(f"“{header}”" in str(problem.message) for header in headers)
    assert list(parsed.rows()) == []


def test_a_file_without_any_known_header_lists_what_it_found() -> None:
    parsed = parse(csv_bytes([["Wie", "Wanneer"], ["Jan", "gisteren"]]), "lijst.csv")
    [problem] = parsed.file_problems
    assert problem.code == "missing_columns"
    assert "“Wie”, “Wanneer”" in str(problem.message)
    assert parsed.header_row is None


# --- rows and problems ---------------------------------------------------------------


def test_a_row_with_problems_is_still_yielded_with_its_raw_values() -> None:
    bad = ["12345", "Jan", "Berg", "geen mail", "31-02-2025", "misschien"]
    [row] = parse_rows(csv_bytes([TITLE, HEADERS, bad]), "lijst.csv")
    assert [(p.row, p.column, p.field, p.code) for p in row.problems] == [
        (3, "E-mailadres", Field.EMAIL, "invalid_email"),
        (3, "Datum", Field.SESSION_DATE, "impossible_date"),
        (3, "Aanwezig", Field.ATTENDANCE, "unknown_attendance"),
    ]
    assert (row.email, row.session_date, row.attendance) == (None, None, None)
    assert row.raw["Datum"] == "31-02-2025"


def test_a_blank_attendance_cell_is_a_no_show() -> None:
    [row] = parse_rows(csv_bytes([HEADERS, ["1", "Jan", "Berg", "", "3-3-2025", ""]]), "l.csv")
    assert row.attendance is Attendance.NO_SHOW
    assert row.problems == []


def test_a_row_without_anyone_in_it_is_a_problem() -> None:
    [row] = parse_rows(csv_bytes([HEADERS, ["", "", "", "", "3-3-2025", "ja"]]), "l.csv")
    assert [problem.code for problem in row.problems] == ["missing_identity"]


def test_problems_serialise_to_json_in_the_active_language() -> None:
    [row] = parse_rows(csv_bytes([HEADERS, ["1", "Jan", "Berg", "", "31-02-2025", "ja"]]), "l.csv")
    assert json.loads(json.dumps(row.problems[0].as_dict())) == {
        "row": 2,
        "column": "Datum",
        "field": "session_date",
        "code": "impossible_date",
        "message": "“31-02-2025” is a date that does not exist.",
    }


# --- scores --------------------------------------------------------------------------


def score_file(*scores: str) -> bytes:
    headers = [*HEADERS, "Score"]
    return csv_bytes([headers, *[[*ROW, score] for score in scores]])


def test_the_score_scale_is_five_when_no_score_is_above_five() -> None:
    parsed = parse(score_file("4", "3,5", ""), "lijst.csv")
    assert parsed.score_scale is None
    assert [row.score for row in parsed.rows()] == [Decimal(4), Decimal("3.5"), None]
    assert parsed.score_scale == 5


def test_the_score_scale_is_ten_when_any_score_is_above_five() -> None:
    parsed = parse(score_file("4", "7,5"), "lijst.csv")
    list(parsed.rows())
    assert parsed.score_scale == 10


def test_a_file_without_scores_has_no_scale() -> None:
    parsed = parse(csv_bytes([HEADERS, ROW]), "lijst.csv")
    list(parsed.rows())
    assert parsed.score_scale is None


def test_a_fixed_scale_turns_higher_scores_into_problems() -> None:
    parsed = parse(score_file("4", "7"), "lijst.csv", score_scale=5)
    rows = list(parsed.rows())
    assert [row.score for row in rows] == [Decimal(4), None]
    assert [problem.code for problem in rows[1].problems] == ["score_out_of_range"]
    assert parsed.score_scale == 5


def test_an_out_of_range_score_is_a_row_problem() -> None:
    [row] = parse_rows(score_file("11"), "lijst.csv")
    assert [(problem.code, problem.column) for problem in row.problems] == [
        ("score_out_of_range", "Score")
    ]


# --- streaming -----------------------------------------------------------------------


class ReadTracker(io.BytesIO):
    """Records how far the current reading pass (since the last seek to 0) has got."""

    def __init__(self, data: bytes) -> None:
        super().__init__(data)
        self.pass_position = 0

    def seek(self, offset: int, whence: int = 0) -> int:
        position = super().seek(offset, whence)
        if position == 0:
            self.pass_position = 0
        return position

    def read(self, size: int | None = -1) -> bytes:
        data = super().read(size)
        self.pass_position = self.tell()
        return data

    def read1(self, size: int | None = -1) -> bytes:
        data = super().read1(size)
        self.pass_position = self.tell()
        return data

    def readinto(self, buffer: Any) -> int:
        count = super().readinto(buffer)
        self.pass_position = self.tell()
        return count


def generated_rows(count: int) -> Iterator[list[str]]:
    yield HEADERS
    for number in range(count):
        yield [str(number), f"Naam{number}", "Berg", f"n{number}@example.nl", "3-3-2025", "ja"]


def test_csv_rows_come_out_before_the_whole_file_is_read() -> None:
    data = csv_bytes(generated_rows(100_000))
    stream = ReadTracker(data)
    rows = parse_attendance_file(stream, filename="lijst.csv").rows()
    next(rows)
    assert stream.pass_position < len(data) / 10


def test_xlsx_rows_come_out_before_the_whole_sheet_is_read(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(sources, "CALAMINE_MAX_SHEET_BYTES", -1)
    parts_read: list[int] = []
    original = xlsx._sheet_rows

    def counting(part: Any, *args: Any) -> Iterator[Any]:
        for row in original(part, *args):
            parts_read.append(part.tell())
            yield row

    monkeypatch.setattr(xlsx, "_sheet_rows", counting)
    data = xlsx_bytes_fast(generated_rows(5_000))
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        sheet_size = archive.getinfo("xl/worksheets/sheet1.xml").file_size
    parsed = parse(data, "lijst.xlsx")
    next(parsed.rows())
    assert parts_read[-1] < sheet_size / 10
    parsed.close()


def peak_memory(data: bytes, filename: str) -> int:
    tracemalloc.start()
    try:
        for _row in parse_attendance_file(io.BytesIO(data), filename=filename).rows():
            pass
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


@pytest.mark.parametrize(
    ("filename", "build"),
    [("lijst.csv", csv_bytes), ("lijst.xlsx", xlsx_bytes), ("lijst.xlsx", xlsx_bytes_fast)],
    ids=["csv", "xlsx-shared-strings", "xlsx-inline-strings"],
)
def test_peak_memory_does_not_grow_with_the_number_of_rows(
    filename: str, build: Callable[[Iterable[list[str]]], bytes], monkeypatch: pytest.MonkeyPatch
) -> None:
    # Buffers and caches are constant in size; shrink them so that small files, which
    # keep this test fast, already exceed them.
    monkeypatch.setattr(sources, "CALAMINE_MAX_SHEET_BYTES", -1)
    monkeypatch.setattr(sources, "_VALIDATE_CHUNK", 16 * 1024)
    monkeypatch.setattr(xlsx, "SHARED_STRING_CACHE_SIZE", 64)
    small, large = build(generated_rows(1_000)), build(generated_rows(4_000))
    assert peak_memory(large, filename) < 1.5 * peak_memory(small, filename)


def test_rows_can_be_iterated_only_once() -> None:
    parsed = parse(csv_bytes([HEADERS, ROW]), "lijst.csv")
    list(parsed.rows())
    with pytest.raises(RuntimeError):
        next(parsed.rows())


def test_a_file_that_breaks_halfway_adds_a_file_problem(xlsx_reader: str) -> None:
    if xlsx_reader == "calamine":
        pytest.skip("calamine reads the sheet before the first row")
    parsed = parse(xlsx_bytes_fast([HEADERS] + [ROW] * 1_000), "lijst.xlsx")
    produced = 0
    with pytest.MonkeyPatch.context() as patch:
        original = xlsx._cell_value

        def failing(*args: Any) -> Any:
            nonlocal produced
            produced += 1
            if produced > 3_000:  # some 500 rows in
                raise xlsx.expat.ExpatError("mismatched tag")
            return original(*args)

        patch.setattr(xlsx, "_cell_value", failing)
        count = sum(1 for _ in parsed.rows())
    assert 0 < count < 1_000
    assert [problem.code for problem in parsed.file_problems] == ["unreadable_file"]


# --- files as suppliers send them ----------------------------------------------------


def test_a_workshop_list_with_its_own_headers_and_a_total_row_imports(xlsx_reader: str) -> None:
    # Typed in Excel by the supplier: a merged title, a blank line, then the table.
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append(["Presentielijst workshop Objectief selecteren"])
    sheet.merge_cells("A1:E1")
    sheet.append(["Trainer: M. de Boer", None, "Locatie: Den Haag"])
    sheet.append([])
    sheet.append(["Nr.", "Naam deelnemer", "Organisatie", "Datum workshop", "Deelname"])
    sheet.append([1, "Fatima Öztürk", "BZK", MARCH_3, "ja"])
    sheet.append([2, "Vries, Anna de", "J&V", MARCH_3, "afgemeld (ziek)"])
    sheet.append([None, "Totaal", None, None, 1])
    buffer = io.BytesIO()
    workbook.save(buffer)
    parsed = parse(buffer.getvalue(), "presentielijst.xlsx")
    rows = list(parsed.rows())
    assert parsed.file_problems == []
    assert parsed.header_row == 4
    assert parsed.mapping == {
        Field.FULL_NAME: "Naam deelnemer",
        Field.DEPARTMENT: "Organisatie",
        Field.SESSION_DATE: "Datum workshop",
        Field.ATTENDANCE: "Deelname",
    }
    assert [(row.full_name, row.attendance, row.problems) for row in rows] == [
        ("Fatima Öztürk", Attendance.ATTENDED, []),
        ("Anna de Vries", Attendance.CANCELLED, []),
    ]
    assert [(s.row, s.reason, s.text) for s in parsed.skipped] == [(7, "total", "Totaal | 1")]
    assert parsed.skipped_count == 1


def footer_file(*footer: list[str]) -> bytes:
    headers = ["Naam", "E-mail", "Datum", "Aanwezig", "Cijfer"]
    people = [
        ["Jan Berg", "jan@example.nl", "03-03-2025", "ja", "8"],
        ["Piet Smit", "piet@example.nl", "03-03-2025", "nee", ""],
    ]
    return csv_bytes([headers, *people, *footer])


@pytest.mark.parametrize(
    ("footer", "reason"),
    [
        (["Totaal", "", "", "1", ""], "total"),
        (["TOTAAL:", "", "", "", ""], "total"),
        (["Aantal deelnemers: 20", "", "", "", ""], "total"),
        (["Gemiddeld cijfer", "", "", "", "7,8"], "summary"),
        (["Average score", "", "", "", "7.8"], "summary"),
        (["", "", "", "18", ""], "total"),
        (["", "", "", "90%", ""], "total"),
        (["Opkomst 90%", "", "", "", ""], "total"),
        (["Aanwezig: 18", "Afwezig: 2", "", "", ""], "total"),
        (["Handtekening trainer:", "", "", "", ""], "signature"),
        (["Handtekening: ____________", "", "Datum: ________", "", ""], "signature"),
        (["Opmerkingen: Piet had zich niet afgemeld", "", "", "", ""], "note"),
        (["* afgemeld na de deadline", "", "", "", ""], "note"),
        (["Pagina 1 van 2", "", "", "", ""], "note"),
        (["", "", "Lijst vervolgt op de volgende pagina", "", ""], "note"),
        (["Let op: cijfers zijn voorlopig", "", "", "", ""], "note"),
        (["", "", "Groep B", "", ""], "note"),
        (["Totaal aanwezig: 18 van 20", "", "", "", ""], "total"),
        (["Deelnemers totaal", "", "", "", ""], "total"),
        (["", "", "", "18/20", ""], "total"),
        (["", "", "", "18 van 20", ""], "total"),
        (["Aanwezig", "", "", "18", ""], "total"),
        (["Niet verschenen", "", "", "1", ""], "total"),
        (["", "", "", "=SUM(D2:D20)", ""], "total"),
        (["Aldus opgemaakt te Den Haag", "", "", "", ""], "note"),
        (["Datum: 12-03-2025", "", "Paraaf: ....", "", ""], "signature"),
        (["Trainer: Marieke de Boer", "", "", "", ""], "note"),
        (["N.B. twee deelnemers kwamen later", "", "", "", ""], "note"),
        (["Sessie 2 - 10 maart", "", "", "", ""], "note"),
    ],
)
def test_a_footer_row_is_skipped_with_a_note_and_never_rejects(
    footer: list[str], reason: str
) -> None:
    parsed = parse(footer_file(footer), "lijst.csv")
    rows = list(parsed.rows())
    assert parsed.file_problems == []
    assert [(row.full_name, row.problems) for row in rows] == [("Jan Berg", []), ("Piet Smit", [])]
    [skipped] = parsed.skipped
    assert (skipped.row, skipped.reason) == (4, reason)
    assert skipped.as_dict()["message"]


def test_a_repeated_header_after_a_page_break_is_skipped_with_its_title() -> None:
    headers = ["Naam", "Datum", "Aanwezig"]
    person = ["Jan Berg", "3-3-2025", "x"]
    rows = [TITLE, headers, person, [], TITLE, headers, person]
    parsed = parse(csv_bytes(rows), "lijst.csv")
    assert [row.row_number for row in parsed.rows()] == [3, 7]
    assert [(s.row, s.last_row, s.reason) for s in parsed.skipped] == [
        (4, 4, "empty"),
        (5, 5, "note"),
        (6, 6, "repeated_header"),
    ]
    assert parsed.skipped_count == 3


def test_runs_of_empty_rows_are_one_note_and_trailing_ones_none(xlsx_reader: str) -> None:
    person = ["Jan Berg", "3-3-2025", "ja"]
    rows = [["Naam", "Datum", "Aanwezig"], person, [], [], [], person, [], []]
    parsed = parse(xlsx_bytes(rows), "lijst.xlsx")
    assert [row.row_number for row in parsed.rows()] == [2, 6]
    assert [(s.row, s.last_row, s.reason, s.count) for s in parsed.skipped] == [(3, 5, "empty", 3)]


@pytest.mark.parametrize(
    "row",
    [
        ["Jan Berg", "jan@example.nl", "31-02-2025", "ja", ""],  # a bad date
        ["Totaal", "totaal@example.nl", "", "", ""],  # a person with an e-mail address
        ["Jan Berg", "", "", "", ""],  # only a name: held to be looked at
        ["", "jan@example.nl", "", "misschien", ""],
    ],
)
def test_a_participant_with_a_problem_is_held_not_skipped(row: list[str]) -> None:
    parsed = parse(footer_file(row), "lijst.csv")
    rows = list(parsed.rows())
    assert len(rows) == 3
    assert rows[-1].problems
    assert parsed.skipped == []


@pytest.mark.parametrize(
    "rows",
    [
        [["Naam", "Datum", "Aanwezig"]],
        [["Naam", "Datum", "Aanwezig"], ["Totaal", "", "0"], ["Handtekening: ____", "", ""]],
    ],
    ids=["header-only", "footer-only"],
)
def test_a_file_without_any_participant_is_refused_after_its_rows(rows: list[list[str]]) -> None:
    parsed = parse(csv_bytes(rows), "lijst.csv")
    assert parsed.file_problems == []
    assert list(parsed.rows()) == []
    assert [problem.code for problem in parsed.file_problems] == ["no_participants"]


def test_a_remark_next_to_a_participant_does_not_make_the_row_a_note() -> None:
    headers = ["Naam", "Datum", "Aanwezig", "Opmerkingen", "Handtekening"]
    rows = [
        headers,
        ["Jan Berg", "31-02-2025", "ja", "Opmerking: kwam later", ""],
        ["Piet Smit", "", "nee", "Score: 8", "________"],
    ]
    parsed = parse(csv_bytes(rows), "lijst.csv")
    assert [(row.full_name, bool(row.problems)) for row in parsed.rows()] == [
        ("Jan Berg", True),
        ("Piet Smit", True),
    ]
    assert parsed.skipped == []


def test_the_number_of_listed_skipped_rows_is_bounded_but_all_are_counted(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(parsing, "MAX_LISTED", 2)
    parsed = parse(footer_file(*[["Totaal", "", "", "1", ""]] * 5), "lijst.csv")
    list(parsed.rows())
    assert (len(parsed.skipped), parsed.skipped_count) == (2, 5)


def test_excels_unicode_text_utf16_tab_separated_txt() -> None:
    rows = [
        ["Naam deelnemer", "Ministerie", "Datum", "Aanwezig", "Score (1-5)"],
        ["Zoë Ünal", "BZK", "03/03/2025", "✓", "4,5"],
        ["Jan Berg", "J&V", "3/3/25", "no show", ""],
    ]
    data = csv_bytes(rows, delimiter="\t", encoding="utf-16")
    assert data.startswith(b"\xff\xfe")
    parsed = parse(data, "Presentielijst.txt")
    parsed_rows = list(parsed.rows())
    assert parsed.format == "csv"
    assert [
        (row.full_name, row.session_date, row.attendance, row.score) for row in parsed_rows
    ] == [
        ("Zoë Ünal", MARCH_3, Attendance.ATTENDED, Decimal("4.5")),
        ("Jan Berg", MARCH_3, Attendance.NO_SHOW, None),
    ]
    assert (parsed.score_scale, parsed.score_scale_source) == (5, "header")


def test_a_tsv_file_and_a_pipe_separated_export_are_read() -> None:
    rows = [["Naam", "Datum", "Aanwezig"], ["Jan Berg", "3-3-2025", "Y"]]
    [row] = parse_rows(csv_bytes(rows, delimiter="\t"), "export.tsv")
    assert row.attendance is Attendance.ATTENDED
    [row] = parse_rows(csv_bytes(rows, delimiter="|"), "boekingssysteem.csv")
    assert (row.full_name, row.attendance) == ("Jan Berg", Attendance.ATTENDED)


def test_a_google_sheets_csv_with_quotes_and_commas_in_names() -> None:
    data = (
        b"Participant,Ministry,Date,Present (Y/N)\r\n"
        b'"Vries, Anna de",BZK,03/03/2025,Y\r\n'
        b'"Berg, J. van den",BZK,03/03/2025,N\r\n'
    )
    rows = parse_rows(data, "Attendance - Sheet1.csv")
    assert [(row.full_name, row.attendance) for row in rows] == [
        ("Anna de Vries", Attendance.ATTENDED),
        ("J. van den Berg", Attendance.NO_SHOW),
    ]


def test_a_libreoffice_ods_with_a_footer() -> None:
    rows = [
        ["Presentielijst"],
        [""],
        ["Achternaam", "Voornaam", "Sessiedatum", "Aanwezigheid"],
        ["Berg", "Jan", "3 maart 2025", "aanwezig"],
        ["Aantal deelnemers: 1", "", "", ""],
    ]
    parsed = parse(ods_bytes(rows), "lijst.ods")
    [row] = list(parsed.rows())
    assert (row.full_name, row.session_date) == ("Jan Berg", MARCH_3)
    assert [(s.row, s.reason) for s in parsed.skipped] == [(5, "total")]


def test_the_guesses_carry_scores_and_sample_values() -> None:
    rows = [
        ["Nr.", "Naam deelnemer", "Datum workshop", "Deelname"],
        ["1", "Jan Berg", "3-3-2025", "ja"],
        ["2", "Piet Smit", "3-3-2025", "nee"],
    ]
    parsed = parse(csv_bytes(rows), "lijst.csv")
    guesses = {guess.header: guess for guess in parsed.guesses}
    assert guesses["Naam deelnemer"].samples == ("Jan Berg", "Piet Smit")
    assert (guesses["Datum workshop"].field, guesses["Datum workshop"].score) == (
        Field.SESSION_DATE,
        0.95,
    )
    assert guesses["Nr."].score < 0.5
    assert guesses["Nr."].as_dict()["samples"] == ["1", "2"]
    assert "Nr." in parsed.ignored_columns


def test_a_missing_date_column_says_exactly_what_is_missing_and_what_is_there() -> None:
    rows = [["Naam", "Geboortedatum", "Aanwezig"], ["Jan Berg", "1-1-1980", "ja"]]
    [problem] = parse(csv_bytes(rows), "lijst.csv").file_problems
    assert str(problem.message) == (
        "No column for the session date was found; the columns in the file are: "
        "“Naam”, “Geboortedatum”, “Aanwezig”."
    )


def test_the_missing_column_message_is_dutch_for_dutch_users() -> None:
    rows = [["Naam", "Geboortedatum", "Aanwezig"], ["Jan Berg", "1-1-1980", "ja"]]
    [problem] = parse(csv_bytes(rows), "lijst.csv").file_problems
    with translation.override("nl"):
        assert str(problem.message) == (
            "Er is geen kolom voor de datum van de sessie gevonden. De kolommen in het "
            "bestand zijn: “Naam”, “Geboortedatum”, “Aanwezig”."
        )


# --- score scales --------------------------------------------------------------------


def scaled_file(header: str, *scores: str) -> bytes:
    rows = [["Naam", "Datum", "Aanwezig", header]]
    rows += [[f"Deelnemer {n}", "3-3-2025", "ja", score] for n, score in enumerate(scores)]
    return csv_bytes(rows)


def test_a_one_to_ten_file_with_only_low_scores_stays_on_ten() -> None:
    # Guessing from the highest score would call this 1-5 and double every score.
    parsed = parse(scaled_file("Cijfer (1-10)", "4", "5", "3,5"), "lijst.csv")
    rows = list(parsed.rows())
    assert [row.score for row in rows] == [Decimal(4), Decimal(5), Decimal("3.5")]
    assert (parsed.score_scale, parsed.score_scale_source) == (10, "header")


def test_a_one_to_five_file_keeps_its_scores_and_holds_a_score_above_five() -> None:
    parsed = parse(scaled_file("Score (1-5)", "4.5", "5", "8"), "lijst.csv")
    rows = list(parsed.rows())
    assert [row.score for row in rows] == [Decimal("4.5"), Decimal(5), None]
    assert [(p.code, p.column) for p in rows[2].problems] == [("score_out_of_range", "Score (1-5)")]
    assert (parsed.score_scale, parsed.score_scale_source) == (5, "header")


@pytest.mark.parametrize(
    "header", ["Beoordeling /10", "Waardering (1 t/m 10)", "Rating (out of 10)"]
)
def test_the_scale_is_read_from_other_ways_of_writing_it(header: str) -> None:
    parsed = parse(scaled_file(header, "3"), "lijst.csv")
    list(parsed.rows())
    assert parsed.score_scale == 10


def test_a_scale_that_cannot_be_stored_holds_the_scores_with_the_reason() -> None:
    parsed = parse(scaled_file("Score (0-10)", "7"), "lijst.csv")
    [row] = list(parsed.rows())
    assert row.score is None
    assert [p.code for p in row.problems] == ["unsupported_scale"]
    assert "0 to 10" in str(row.problems[0].message)
    assert parsed.score_scale is None  # nothing was stored on it


def test_a_score_header_without_a_scale_is_still_guessed() -> None:
    parsed = parse(scaled_file("Score", "4"), "lijst.csv")
    list(parsed.rows())
    assert (parsed.score_scale, parsed.score_scale_source) == (5, "guessed")


def test_the_callers_scale_wins_from_the_header() -> None:
    parsed = parse(scaled_file("Score (1-5)", "7"), "lijst.csv", score_scale=10)
    [row] = list(parsed.rows())
    assert row.score == Decimal(7)
    assert (parsed.score_scale, parsed.score_scale_source) == (10, "fixed")


def test_a_two_row_header_with_group_titles_uses_the_row_naming_the_fields(
    xlsx_reader: str,
) -> None:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append(["Deelnemer", None, None, "Training", None])
    sheet.merge_cells("A1:C1")
    sheet.merge_cells("D1:E1")
    sheet.append(["Voornaam", "Achternaam", "E-mail", "Datum", "Aanwezig"])
    sheet.append(["Jan", "Berg", "jan@example.nl", MARCH_3, "ja"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    parsed = parse(buffer.getvalue(), "lijst.xlsx")
    [row] = list(parsed.rows())
    assert parsed.header_row == 2
    assert (row.full_name, row.email, row.session_date) == ("Jan Berg", "jan@example.nl", MARCH_3)


def test_a_date_merged_over_its_sessions_rows_counts_for_each_of_them(
    xlsx_reader: str,
) -> None:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append(["Presentielijst"])
    sheet.merge_cells("A1:D1")
    sheet.append(["Datum", "Locatie", "Naam", "Aanwezig"])
    sheet.append([MARCH_3, "Utrecht", "Jan Berg", "ja"])
    sheet.append([None, None, "Piet Smit", "nee"])
    sheet.append([datetime.date(2025, 3, 10), "Zwolle", "Kees Bos", "ja"])
    sheet.append([None, None, "Anna de Vries", "ja"])
    sheet.merge_cells("A3:A4")
    sheet.merge_cells("B3:B4")
    sheet.merge_cells("A5:A6")
    sheet.merge_cells("B5:B6")
    buffer = io.BytesIO()
    workbook.save(buffer)
    parsed = parse(buffer.getvalue(), "lijst.xlsx")
    rows = [(row.full_name, row.session_date, row.session_place) for row in parsed.rows()]
    if xlsx_reader == "streaming":
        # A sheet lists its merged areas after its rows: the streaming reader (sheets
        # too large for calamine) cannot know them, and the rows go to review.
        assert rows[1] == ("Piet Smit", None, None)
        return
    assert rows == [
        ("Jan Berg", MARCH_3, "Utrecht"),
        ("Piet Smit", MARCH_3, "Utrecht"),
        ("Kees Bos", datetime.date(2025, 3, 10), "Zwolle"),
        ("Anna de Vries", datetime.date(2025, 3, 10), "Zwolle"),
    ]


def test_an_old_xls_with_a_merged_title_merged_dates_and_a_total_row() -> None:
    # Excel 97-2003 format, still produced by older booking systems.
    book = xlwt.Workbook()
    sheet = book.add_sheet("Blad1")
    sheet.write_merge(0, 0, 0, 3, "Presentielijst workshop")
    for column, header in enumerate(["Datum workshop", "Naam deelnemer", "Ministerie", "Deelname"]):
        sheet.write(2, column, header)
    sheet.write_merge(3, 4, 0, 0, "03-03-2025")
    sheet.write(3, 1, "Fatima Öztürk")
    sheet.write(3, 2, "BZK")
    sheet.write(3, 3, "✓")
    sheet.write(4, 1, "Jan Berg")
    sheet.write(4, 2, "BZK")
    sheet.write(4, 3, "no show")
    sheet.write(5, 1, "Totaal")
    sheet.write(5, 3, 1)
    buffer = io.BytesIO()
    book.save(buffer)
    parsed = parse(buffer.getvalue(), "lijst.xls")
    rows = [(row.full_name, row.session_date, row.attendance) for row in parsed.rows()]
    assert parsed.file_problems == []
    assert rows == [
        ("Fatima Öztürk", MARCH_3, Attendance.ATTENDED),
        ("Jan Berg", MARCH_3, Attendance.NO_SHOW),
    ]
    assert [(s.row, s.reason) for s in parsed.skipped] == [(6, "total")]


def test_a_date_in_the_title_is_the_date_of_a_file_without_a_date_column() -> None:
    rows = [["Presentielijst 19 maart 2025"], [], ["Naam", "Ministerie", "Aanwezig"],
            ["Anna de Vries", "BZK", "x"]]  # fmt: skip
    [row] = parse_rows(csv_bytes(rows), "lijst.csv")
    assert row.session_date == datetime.date(2025, 3, 19)


def test_a_title_with_two_dates_gives_no_date_and_the_column_is_missing() -> None:
    rows = [["Presentielijst 19 maart 2025 en 26-03-2025"], ["Naam", "Ministerie", "Aanwezig"],
            ["Anna de Vries", "BZK", "x"]]  # fmt: skip
    [problem] = parse(csv_bytes(rows), "lijst.csv").file_problems
    assert problem.code == "missing_columns"


def test_a_date_column_wins_from_a_date_in_the_title() -> None:
    rows = [["Presentielijst 19 maart 2025"], ["Naam", "Datum", "Aanwezig"],
            ["Anna de Vries", "20-03-2025", "x"]]  # fmt: skip
    [row] = parse_rows(csv_bytes(rows), "lijst.csv")
    assert row.session_date == datetime.date(2025, 3, 20)


def test_a_message_with_a_link_is_refused_as_no_table() -> None:
    text = b"Hoi,\r\n\r\nDe lijst staat hier: https://example.org/sheet\r\n\r\nGroet, Dienst\r\n"
    [problem] = parse(text, "lijst.txt").file_problems
    assert problem.code == "not_a_table"


def test_a_label_in_the_name_column_is_a_signature_line_not_a_person() -> None:
    rows = [HEADERS, ROW, ["", "", "Voor akkoord: M. Jansen, trainer", "", "", ""]]
    parsed = parse(csv_bytes(rows), "lijst.csv")
    assert len(list(parsed.rows())) == 1
    assert [(s.row, s.reason) for s in parsed.skipped] == [(3, "signature")]


@pytest.mark.filterwarnings("error::pytest.PytestUnraisableExceptionWarning")
def test_a_csv_read_halfway_whose_file_was_closed_first_is_cleaned_up_without_an_error() -> None:
    # A job stopped midway: the worker closes the upload, then the row generator is
    # cleaned up. Detaching from the closed file used to raise ("I/O operation on closed
    # file") in the worker's log.
    content = "Personeelsnummer;Voornaam;Achternaam;Datum;Aanwezig\n" + "".join(
        f"{n};Jan;Berg{n};03-03-2025;ja\n" for n in range(50)
    )
    stream = io.BytesIO(content.encode())
    rows = parse_attendance_file(stream, filename="lijst.csv").rows()
    assert next(rows).row_number == 2
    stream.close()
    rows.close()  # raised ValueError before, unraisable, so only logged
    del rows
    gc.collect()
