from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator

from imports.reading.values import (
    Attendance,
    ValueProblem,
    header_score_scale,
    normalise_last_name,
    parse_attendance,
    parse_date,
    parse_email,
    parse_employee_number,
    parse_score,
    parse_text,
    score_scale,
    split_full_name,
)

MARCH_3 = datetime.date(2025, 3, 3)


@pytest.mark.parametrize(
    "value",
    [
        "2025-03-03",
        "2025-03-03 09:30",
        "2025-03-03T09:30:00",
        "2025-03-03T09:30:00+01:00",
        "2025/03/03",
        "3-3-2025",
        "03-03-2025",
        "3/3/2025",
        "3.3.2025",
        "03-03-25",
        "3-3-2025 14:00",
        "20250303",
        "3 maart 2025",
        "3 Maart 2025",
        "3 mrt 2025",
        "3 mrt. 2025",
        "maandag 3 maart 2025",
        "3 March 2025",
        "3 Mar 2025",
        "March 3, 2025",
        "Mar 3rd, 2025",
        "03-mrt-2025",
        "  3  maart  2025 ",
        "45719",
        45719,
        45719.0,
        45719.75,
        MARCH_3,
        datetime.datetime(2025, 3, 3, 10, 0),
    ],
)
def test_it_reads_every_date_form(value: object) -> None:
    assert parse_date(value) == MARCH_3


def test_it_reads_ambiguous_dates_day_first() -> None:
    assert parse_date("04/03/2025") == datetime.date(2025, 3, 4)


@pytest.mark.parametrize(
    ("value", "code"),
    [
        ("31-02-2025", "impossible_date"),
        ("13/25/2025", "impossible_date"),
        ("2025-13-01", "impossible_date"),
        ("3 maart 1899", "date_out_of_range"),
        ("12345", "date_out_of_range"),
        ("3 brumaire 2025", "invalid_date"),
        ("zondag", "invalid_date"),
        ("gisteren", "invalid_date"),
        (True, "invalid_date"),
        (float("nan"), "invalid_date"),
        (datetime.time(10, 0), "invalid_date"),
        ("", "missing_date"),
        (None, "missing_date"),
    ],
)
def test_it_rejects_bad_dates_with_a_code(value: object, code: str) -> None:
    with pytest.raises(ValueProblem) as problem:
        parse_date(value)
    assert problem.value.code == code


def test_an_impossible_date_message_names_the_value() -> None:
    with pytest.raises(ValueProblem) as problem:
        parse_date("31-02-2025")
    assert str(problem.value.message) == "“31-02-2025” is a date that does not exist."


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("aanwezig", Attendance.ATTENDED),
        ("Ja", Attendance.ATTENDED),
        ("j", Attendance.ATTENDED),
        ("yes", Attendance.ATTENDED),
        ("Y", Attendance.ATTENDED),
        ("TRUE", Attendance.ATTENDED),
        ("1", Attendance.ATTENDED),
        ("1.0", Attendance.ATTENDED),
        (1.0, Attendance.ATTENDED),
        (True, Attendance.ATTENDED),
        ("x", Attendance.ATTENDED),
        ("X ", Attendance.ATTENDED),
        ("present", Attendance.ATTENDED),
        ("afwezig", Attendance.NO_SHOW),
        ("nee", Attendance.NO_SHOW),
        ("n", Attendance.NO_SHOW),
        ("no", Attendance.NO_SHOW),
        ("false", Attendance.NO_SHOW),
        ("0", Attendance.NO_SHOW),
        (0, Attendance.NO_SHOW),
        (False, Attendance.NO_SHOW),
        ("no-show", Attendance.NO_SHOW),
        ("No show", Attendance.NO_SHOW),
        ("niet verschenen", Attendance.NO_SHOW),
        ("", Attendance.NO_SHOW),
        (None, Attendance.NO_SHOW),
        ("geannuleerd", Attendance.CANCELLED),
        ("Cancelled", Attendance.CANCELLED),
        ("afgemeld", Attendance.CANCELLED),
        ("aangemeld", Attendance.REGISTERED),
        ("registered", Attendance.REGISTERED),
    ],
)
def test_it_reads_attendance_words(value: object, expected: Attendance) -> None:
    assert parse_attendance(value) is expected


@pytest.mark.parametrize("value", ["misschien", "2", "?", "verhinderd"])
def test_an_unknown_attendance_word_is_a_problem_not_a_guess(value: str) -> None:
    with pytest.raises(ValueProblem) as problem:
        parse_attendance(value)
    assert problem.value.code == "unknown_attendance"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("7,5", Decimal("7.5")),
        ("7.5", Decimal("7.5")),
        (" 4 ", Decimal(4)),
        (4, Decimal(4)),
        (7.1, Decimal("7.1")),
        ("10", Decimal(10)),
        ("1", Decimal(1)),
    ],
)
def test_it_reads_scores_with_a_decimal_comma(value: object, expected: Decimal) -> None:
    assert parse_score(value) == expected


@pytest.mark.parametrize(
    ("value", "code"),
    [
        ("0", "score_out_of_range"),
        ("11", "score_out_of_range"),
        (10.5, "score_out_of_range"),
        ("goed", "invalid_score"),
        ("7,5,1", "invalid_score"),
        ("NaN", "invalid_score"),
        (float("inf"), "invalid_score"),
        (True, "invalid_score"),
    ],
)
def test_it_rejects_scores_outside_one_to_ten(value: object, code: str) -> None:
    with pytest.raises(ValueProblem) as problem:
        parse_score(value)
    assert problem.value.code == code


def test_the_scale_is_ten_when_any_score_is_above_five() -> None:
    assert score_scale(Decimal("5")) == 5
    assert score_scale(Decimal("5.5")) == 10


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (" Jan.Berg@Example.NL ", "jan.berg@example.nl"),
        ("mailto:jan@example.nl", "jan@example.nl"),
        ("MAILTO:jan@example.nl", "jan@example.nl"),
        ("<jan@example.nl>", "jan@example.nl"),
        ("", None),
        (None, None),
    ],
)
def test_it_cleans_email_addresses(value: object, expected: str | None) -> None:
    assert parse_email(value) == expected


@pytest.mark.parametrize("value", ["jan", "jan@", "jan@@example.nl", "jan example.nl", 12345])
def test_it_rejects_malformed_email_addresses(value: object) -> None:
    with pytest.raises(ValueProblem) as problem:
        parse_email(value)
    assert problem.value.code == "invalid_email"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (12345.0, "12345"),
        (12345, "12345"),
        ("12345.0", "12345"),
        (" p 12345 ", "P 12345"),
        ("p12345", "P12345"),
        ("'012345", "012345"),
        ("  ", None),
        (None, None),
    ],
)
def test_it_keeps_employee_numbers_as_written_but_tidy(value: object, expected: str | None) -> None:
    assert parse_employee_number(value) == expected


@pytest.mark.parametrize("value", [12345.5, True, datetime.date(2025, 1, 1), "9" * 300])
def test_it_rejects_values_that_are_no_employee_number(value: object) -> None:
    with pytest.raises(ValueProblem) as problem:
        parse_employee_number(value)
    assert problem.value.code == "invalid_employee_number"


def test_text_has_its_whitespace_collapsed_and_a_length_limit() -> None:
    assert parse_text("  Den \t Haag \n") == "Den Haag"
    assert parse_text(12.0) == "12"
    assert parse_text(" ") is None
    with pytest.raises(ValueProblem) as problem:
        parse_text("x" * 256)
    assert problem.value.code == "too_long"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Berg, Jan", ("Jan", "Berg")),
        ("Berg, Jan van der", ("Jan", "van der Berg")),
        ("Berg van der, Jan", ("Jan", "van der Berg")),
        ("Vries, Anna Maria de", ("Anna Maria", "de Vries")),
        ("Jan van der Berg", None),
        ("Berg,", None),
    ],
)
def test_it_splits_a_surname_first_full_name(text: str, expected: tuple[str, str] | None) -> None:
    assert split_full_name(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Berg, van der", "van der Berg"),
        ("Berg van der", "van der Berg"),
        ("van der Berg", "van der Berg"),
        ("Jansen", "Jansen"),
        ("Berg, Jan", "Berg, Jan"),
    ],
)
def test_it_puts_a_trailing_name_prefix_in_front(text: str, expected: str) -> None:
    assert normalise_last_name(text) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("Aanwezig", Attendance.ATTENDED),
        ("Y", Attendance.ATTENDED),
        ("✓", Attendance.ATTENDED),
        ("✔", Attendance.ATTENDED),
        ("✅", Attendance.ATTENDED),
        ("X", Attendance.ATTENDED),
        ("Present", Attendance.ATTENDED),
        ("P", Attendance.ATTENDED),
        ("ja (te laat)", Attendance.ATTENDED),
        ("Deelgenomen", Attendance.ATTENDED),
        ("gevolgd", Attendance.ATTENDED),
        ("N", Attendance.NO_SHOW),
        ("Nee", Attendance.NO_SHOW),
        ("Niet verschenen", Attendance.NO_SHOW),
        ("niet gekomen", Attendance.NO_SHOW),
        ("NO SHOW", Attendance.NO_SHOW),
        ("noshow", Attendance.NO_SHOW),
        ("Afwezig zonder bericht", Attendance.NO_SHOW),
        ("-", Attendance.NO_SHOW),
        ("✗", Attendance.NO_SHOW),
        ("Afgemeld", Attendance.CANCELLED),
        ("afgemeld (ziek)", Attendance.CANCELLED),
        ("Afgemeld [vakantie]", Attendance.CANCELLED),
        ("ziek", Attendance.CANCELLED),
        ("Afwezig met bericht", Attendance.CANCELLED),
        ("excused", Attendance.CANCELLED),
    ],
)
def test_it_reads_the_attendance_words_suppliers_use(value: str, expected: Attendance) -> None:
    assert parse_attendance(value) is expected


@pytest.mark.parametrize(
    "value", ["deels", "half aanwezig", "?", "(ziek)", "2 uur", "zie opmerking"]
)
def test_an_attendance_value_nobody_can_be_sure_of_is_held_showing_it(value: str) -> None:
    with pytest.raises(ValueProblem) as problem:
        parse_attendance(value)
    assert problem.value.code == "unknown_attendance"
    assert f"“{value}”" in str(problem.value.message)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("03/03/2025", MARCH_3),
        ("3/3/25", MARCH_3),
        ("04/03/2025", datetime.date(2025, 3, 4)),
        ("4/3/25", datetime.date(2025, 3, 4)),
        ("31/12/24", datetime.date(2024, 12, 31)),
    ],
)
def test_it_reads_day_first_slashed_dates_with_two_or_four_digit_years(
    value: str, expected: datetime.date
) -> None:
    assert parse_date(value) == expected


@pytest.mark.parametrize(
    ("header", "scale"),
    [
        ("Score (1-5)", (1, 5)),
        ("Cijfer (1-10)", (1, 10)),
        ("Cijfer 1 - 10", (1, 10)),
        ("Beoordeling [1–5]", (1, 5)),
        ("Waardering (1 t/m 10)", (1, 10)),
        ("Rating (1 to 5)", (1, 5)),
        ("Cijfer /10", (1, 10)),
        ("Score (op 10)", (1, 10)),
        ("Rating (out of 5)", (1, 5)),
        ("Score (0-10)", (0, 10)),
        ("Tevredenheid (1-7)", (1, 7)),
        ("Score", None),
        ("Evaluatie 2025", None),
        ("Cijfer (7,5 = goed)", None),
    ],
)
def test_it_reads_the_scale_a_score_header_announces(
    header: str, scale: tuple[int, int] | None
) -> None:
    assert header_score_scale(header) == scale


@pytest.mark.parametrize(("value", "expected"), [("4,5", Decimal("4.5")), ("4.5", Decimal("4.5"))])
def test_a_half_point_on_a_five_point_scale_is_kept_exactly(value: str, expected: Decimal) -> None:
    assert parse_score(value) == expected


ADDRESSES = [
    "anna.de.vries@minbzk.nl",
    "j_bakker+hr@rijksoverheid.nl",
    "anna@localhost",
    "o'brien@example.nl",
    "a..b@example.nl",
    ".anna@example.nl",
    "anna.@example.nl",
    "anna@-example.nl",
    "anna@example",
    "anna@bücher.nl",
    "anna@xn--bcher-kva.nl",
    "anna@@example.nl",
    "an na@example.nl",
    "@example.nl",
    "anna@",
    '"anna vries"@example.nl',
    "anna@[192.168.0.1]",
    "a" * 310 + "@example.nl",
]


@pytest.mark.parametrize("address", ADDRESSES)
def test_an_address_is_valid_exactly_when_djangos_validator_says_so(address: str) -> None:
    """The fast path for plain addresses must never accept what Django refuses, nor
    refuse what it accepts."""
    try:
        EmailValidator()(address)
    except ValidationError:
        django_accepts = False
    else:
        django_accepts = True
    try:
        ours = parse_email(address) is not None
    except ValueProblem:
        ours = False
    assert ours == django_accepts
