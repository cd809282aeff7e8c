"""Pure parsers for the cell values of an attendance list.

Each parser takes a cell as the reader gives it (str, int, float, bool, date, datetime or
None) and returns the clean value or raises ValueProblem. Text parsing is cached: a list
of 100,000 rows holds a handful of distinct dates, attendance words and scores.
"""

from __future__ import annotations

import datetime
import re
import unicodedata
from decimal import Decimal
from enum import StrEnum
from functools import lru_cache
from typing import TYPE_CHECKING, NamedTuple, TypeVar

from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator
from django.utils.translation import gettext_lazy as _

from departments.names import is_particle
from departments.names import split_full_name as split_name
from imports.reading.messages import lazy_format

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

# A training outside this window is a typo ("3-3-0225") or a number that is not a date;
# catching it here keeps it out of reports instead of landing in year 225.
EARLIEST_DATE = datetime.date(2000, 1, 1)
LATEST_DATE = datetime.date(2099, 12, 31)
# Longer text than this is not a name, place or number but a pasted paragraph.
MAX_TEXT_LENGTH = 255
MIN_SCORE = Decimal(1)
MAX_SCORE = Decimal(10)
# Excel's day 0 is 1899-12-30 for every serial after its fictional 1900-02-29.
_EXCEL_EPOCH = datetime.date(1899, 12, 30)
_CACHE_SIZE = 4096
_T = TypeVar("_T")


class Attendance(StrEnum):
    ATTENDED = "attended"
    NO_SHOW = "no_show"
    CANCELLED = "cancelled"
    REGISTERED = "registered"


class ValueProblem(Exception):
    """A cell value that cannot be used; `message` is translated lazily."""

    def __init__(self, code: str, message: StrOrPromise) -> None:
        super().__init__(code)
        self.code = code
        self.message = message


class _Rejection(NamedTuple):
    """What the cached parsers return instead of raising.

    lru_cache does not cache exceptions, and re-raising one cached instance would grow
    its traceback on every raise; the public functions raise a fresh ValueProblem.
    """

    code: str
    message: StrOrPromise


def _unwrap(result: _T | _Rejection) -> _T:
    if isinstance(result, _Rejection):
        raise ValueProblem(result.code, result.message)
    return result


def is_blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def collapse_whitespace(text: str) -> str:
    return " ".join(text.split())


def cell_text(value: object) -> str:
    """Show a cell as the user sees it: 12345.0 as "12345", a date as 2025-03-03."""
    if type(value) is str:  # the common case first; faster than isinstance
        return value
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime.datetime) and value.time() == datetime.time():
        return value.date().isoformat()
    if isinstance(value, datetime.date | datetime.time):
        return value.isoformat()
    return str(value)


def parse_text(value: object) -> str | None:
    """Return the text of a name, place, programme or id cell, or None when blank."""
    text = "" if value is None else collapse_whitespace(cell_text(value))
    if not text:
        return None
    if len(text) > MAX_TEXT_LENGTH:
        raise ValueProblem(
            "too_long",
            lazy_format(
                _("This value is longer than %(limit)s characters."), limit=MAX_TEXT_LENGTH
            ),
        )
    return text


# --- dates -------------------------------------------------------------------------

_MONTHS = {
    "januari": 1, "january": 1, "jan": 1,
    "februari": 2, "february": 2, "feb": 2, "febr": 2,
    "maart": 3, "march": 3, "mrt": 3, "mar": 3, "mrz": 3,
    "april": 4, "apr": 4,
    "mei": 5, "may": 5,
    "juni": 6, "june": 6, "jun": 6,
    "juli": 7, "july": 7, "jul": 7,
    "augustus": 8, "august": 8, "aug": 8,
    "september": 9, "sep": 9, "sept": 9,
    "oktober": 10, "october": 10, "okt": 10, "oct": 10,
    "november": 11, "nov": 11,
    "december": 12, "dec": 12,
}  # fmt: skip
_WEEKDAYS = frozenset((
    "maandag", "dinsdag", "woensdag", "donderdag", "vrijdag", "zaterdag", "zondag",
    "ma", "di", "wo", "do", "vr", "za", "zo",
    "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday",
    "mon", "tue", "wed", "thu", "fri", "sat", "sun",
))  # fmt: skip
# A time after the date ("2025-03-03 09:30", "2025-03-03T09:30:00+01:00") is allowed and
# ignored: the session date is a calendar day in the Netherlands.
_TIME = r"(?:[ t]+\d{1,2}[:.]\d{2}(?:[:.]\d{2}(?:[.,]\d+)?)?(?:\s*(?:z|[+-]\d{2}:?\d{2}))?)?"
_YEAR_FIRST = re.compile(r"(\d{4})([-/.])(\d{1,2})\2(\d{1,2})" + _TIME)
# Day first, as the Dutch write it: 3-4-2025 is 3 April. Two-digit years are 20xx.
_DAY_FIRST = re.compile(r"(\d{1,2})([-/.])(\d{1,2})\2(\d{4}|\d{2})" + _TIME)
_COMPACT = re.compile(r"(\d{4})(\d{2})(\d{2})")
_SERIAL = re.compile(r"\d{5}(?:[.,]\d+)?")
_DAY_MONTH_NAME = re.compile(
    r"(?:([a-z]+)\.?,?\s+)?(\d{1,2})(?:e|st|nd|rd|th)?\.?[\s/-]*([a-z]+)\.?,?[\s/-]*(\d{4}|\d{2})"
    + _TIME
)
_MONTH_NAME_DAY = re.compile(
    r"(?:([a-z]+)\.?,?\s+)?([a-z]+)\.?\s+(\d{1,2})(?:st|nd|rd|th)?,?\s+(\d{4})" + _TIME
)


def _invalid_date(text: str) -> _Rejection:
    return _Rejection(
        "invalid_date",
        lazy_format(
            _("“%(value)s” is not a date. Write dates like 03-03-2025 or 3 maart 2025."),
            value=text,
        ),
    )


def _checked_date(year: int, month: int, day: int, text: str) -> datetime.date | _Rejection:
    if year < 100:
        year += 2000
    try:
        result = datetime.date(year, month, day)
    except ValueError:
        return _Rejection(
            "impossible_date",
            lazy_format(_("“%(value)s” is a date that does not exist."), value=text),
        )
    if not EARLIEST_DATE <= result <= LATEST_DATE:
        return _Rejection(
            "date_out_of_range",
            lazy_format(
                _("“%(value)s” is not between %(earliest)s and %(latest)s. Check the year."),
                value=text,
                earliest=EARLIEST_DATE.year,
                latest=LATEST_DATE.year,
            ),
        )
    return result


def _date_from_serial(serial: float, text: str) -> datetime.date | _Rejection:
    # Also false for NaN and infinity; 2,958,465 is 9999-12-31.
    if not 0 < serial < 2_958_466:
        return _invalid_date(text)
    result = _EXCEL_EPOCH + datetime.timedelta(days=int(serial))
    return _checked_date(result.year, result.month, result.day, text)


def _date_from_names(
    weekday: str | None, day: str, month_name: str, year: str, text: str
) -> datetime.date | _Rejection | None:
    """None when the words are no month or weekday, so that another pattern may fit."""
    month = _MONTHS.get(month_name)
    if month is None or (weekday is not None and weekday not in _WEEKDAYS):
        return None
    return _checked_date(int(year), month, int(day), text)


@lru_cache(maxsize=_CACHE_SIZE)
def _parse_date_text(raw: str) -> datetime.date | _Rejection:
    text = collapse_whitespace(raw)
    key = text.casefold()
    if match := _YEAR_FIRST.fullmatch(key):
        return _checked_date(int(match[1]), int(match[3]), int(match[4]), text)
    if match := _DAY_FIRST.fullmatch(key):
        return _checked_date(int(match[4]), int(match[3]), int(match[1]), text)
    if match := _COMPACT.fullmatch(key):
        return _checked_date(int(match[1]), int(match[2]), int(match[3]), text)
    if _SERIAL.fullmatch(key):
        # A date column exported to CSV from a cell formatted as a number.
        return _date_from_serial(float(key.replace(",", ".")), text)
    if (match := _DAY_MONTH_NAME.fullmatch(key)) and (
        result := _date_from_names(match[1], match[2], match[3], match[4], text)
    ):
        return result
    if (match := _MONTH_NAME_DAY.fullmatch(key)) and (
        result := _date_from_names(match[1], match[3], match[2], match[4], text)
    ):
        return result
    return _invalid_date(text)


_DATE_IN_TEXT = (
    re.compile(r"\b(\d{1,2})\s+([a-z]+)\.?\s+(\d{4})\b"),  # 19 maart 2025
    re.compile(r"\b(\d{1,2})([-/.])(\d{1,2})\2(\d{4})\b"),  # 19-03-2025
)


def dates_in_text(value: object) -> set[datetime.date]:
    """The dates written somewhere in a title: "Presentielijst 19 maart 2025"."""
    if isinstance(value, datetime.datetime):
        return {value.date()}
    if isinstance(value, datetime.date):
        return {value}
    if not isinstance(value, str):
        return set()
    found: set[datetime.date] = set()
    key = collapse_whitespace(value).casefold()
    for match in _DATE_IN_TEXT[0].finditer(key):
        result = _date_from_names(None, match[1], match[2], match[3], match[0])
        if isinstance(result, datetime.date):
            found.add(result)
    for match in _DATE_IN_TEXT[1].finditer(key):
        checked = _checked_date(int(match[4]), int(match[3]), int(match[1]), match[0])
        if isinstance(checked, datetime.date):
            found.add(checked)
    return found


def parse_date(value: object) -> datetime.date:
    """Read a session date: text in Dutch or English forms, an Excel date or serial."""
    if is_blank(value):
        raise ValueProblem("missing_date", _("The date is missing."))
    result: datetime.date | _Rejection
    if isinstance(value, datetime.datetime):
        result = _checked_date(value.year, value.month, value.day, cell_text(value))
    elif isinstance(value, datetime.date):
        result = _checked_date(value.year, value.month, value.day, value.isoformat())
    elif isinstance(value, bool):
        result = _invalid_date(str(value))
    elif isinstance(value, int | float):
        result = _date_from_serial(value, cell_text(value))
    elif isinstance(value, str):
        result = _parse_date_text(value)
    else:
        result = _invalid_date(cell_text(value))
    return _unwrap(result)


# --- attendance --------------------------------------------------------------------

_ATTENDANCE_WORDS = {
    Attendance.ATTENDED: (
        "aanwezig", "ja", "j", "yes", "y", "true", "waar", "x", "wel", "ok",
        "present", "p", "attended", "deelgenomen", "afgerond", "completed", "gevolgd",
        "voltooid", "behaald", "geslaagd", "gekomen", "verschenen", "aanwezig geweest",
        "✓", "✔", "☑", "✅",
    ),
    Attendance.NO_SHOW: (
        "afwezig", "nee", "n", "no", "false", "onwaar", "no-show", "no show", "niet",
        "niet verschenen", "niet aanwezig", "niet gekomen", "niet aanwezig geweest",
        "afwezig zonder bericht", "afwezig zonder afmelding", "zonder bericht",
        "absent", "not present", "did not attend", "did not show", "-", "✗", "✘", "❌",
    ),
    Attendance.CANCELLED: (
        "geannuleerd", "afgemeld", "cancelled", "canceled", "withdrawn", "afgezegd",
        "uitgeschreven", "ziek", "ziekgemeld", "ziek gemeld", "ziek afgemeld",
        "verontschuldigd", "afwezig met bericht", "afwezig met kennisgeving",
        "met kennisgeving", "excused", "apologies",
    ),
    Attendance.REGISTERED: (
        "aangemeld", "ingeschreven", "geregistreerd", "registered", "enrolled",
    ),
}  # fmt: skip
# "afgemeld (ziek)", "ja (te laat)": the word before the bracket is the status.
_ATTENDANCE_REMARK = re.compile(r"\s*[(\[][^)\]]*[)\]]\s*$")
_ATTENDANCE_NOISE = re.compile(r"[\s\-_.'’!]+")
_ZERO_OR_ONE = re.compile(r"([01])(?:[.,]0*)?")


def _attendance_key(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    without_accents = "".join(char for char in decomposed if not unicodedata.combining(char))
    return _ATTENDANCE_NOISE.sub("", without_accents)


_ATTENDANCE_BY_KEY = {
    _attendance_key(word): status for status, words in _ATTENDANCE_WORDS.items() for word in words
}


@lru_cache(maxsize=_CACHE_SIZE)
def _parse_attendance_text(raw: str) -> Attendance | _Rejection:
    text = raw.strip()
    if match := _ZERO_OR_ONE.fullmatch(text):
        return Attendance.ATTENDED if match[1] == "1" else Attendance.NO_SHOW
    status = _ATTENDANCE_BY_KEY.get(_attendance_key(text))
    if status is None and (without_remark := _ATTENDANCE_REMARK.sub("", text)):
        status = _ATTENDANCE_BY_KEY.get(_attendance_key(without_remark))
    if status is None:
        return _Rejection(
            "unknown_attendance",
            lazy_format(
                _(
                    "“%(value)s” is not a known attendance value. Use for example "
                    "aanwezig, afwezig, afgemeld or geannuleerd."
                ),
                value=collapse_whitespace(text),
            ),
        )
    return status


def parse_attendance(value: object) -> Attendance:
    """Read an attendance cell.

    A blank cell means NO_SHOW: suppliers mark who came (often with an "x") and leave
    the others empty. This only applies when the file has an attendance column at all.
    """
    if is_blank(value):
        return Attendance.NO_SHOW
    if isinstance(value, bool):
        return Attendance.ATTENDED if value else Attendance.NO_SHOW
    return _unwrap(_parse_attendance_text(cell_text(value)))


# --- scores ------------------------------------------------------------------------

_SCORE_TEXT = re.compile(r"\+?\d{1,3}(?:[.,]\d{1,6})?")


def _score_from_decimal(score: Decimal, text: str) -> Decimal | _Rejection:
    if not MIN_SCORE <= score <= MAX_SCORE:
        return _Rejection(
            "score_out_of_range",
            lazy_format(
                _("The score %(value)s is not between %(lowest)s and %(highest)s."),
                value=text,
                lowest=MIN_SCORE,
                highest=MAX_SCORE,
            ),
        )
    return score


@lru_cache(maxsize=_CACHE_SIZE)
def _parse_score_text(raw: str) -> Decimal | _Rejection:
    text = raw.strip()
    if not _SCORE_TEXT.fullmatch(text):
        return _Rejection(
            "invalid_score",
            lazy_format(
                _("“%(value)s” is not a score. Use a number such as 4 or 7,5."),
                value=collapse_whitespace(text)[:MAX_TEXT_LENGTH],
            ),
        )
    return _score_from_decimal(Decimal(text.replace(",", ".")), text)


def parse_score(value: object) -> Decimal:
    """Read an evaluation score from 1 to 10; "7,5" with a decimal comma is 7.5.

    Whether it is out of 5 or out of 10 is a property of the whole file, not of one
    cell; see score_scale().
    """
    result: Decimal | _Rejection
    if isinstance(value, float | int) and not isinstance(value, bool):
        # repr gives the shortest exact text of a float: 7.1 stays 7.1, not 7.0999...
        score = Decimal(repr(value)) if isinstance(value, float) else Decimal(value)
        result = (
            _score_from_decimal(score, cell_text(value))
            if score.is_finite()
            else _parse_score_text(cell_text(value))
        )
    elif isinstance(value, str):
        result = _parse_score_text(value)
    else:
        result = _parse_score_text(cell_text(value))
    return _unwrap(result)


def score_scale(highest_score: Decimal) -> int:
    """The scale a file's scores are on, guessed: 10 if any score is above 5, otherwise 5.

    Only a guess: a 1-10 list in which nobody scored above 5 would be read as 1-5. The
    header's own scale (header_score_scale) or the import profile's comes first.
    """
    return 10 if highest_score > 5 else 5


SCALES = (5, 10)
# "Score (1-5)", "Cijfer 1 t/m 10", "Beoordeling [0-10]", "Rating (1 to 5)".
_SCALE_RANGE = re.compile(
    r"(?<![\d.,])(\d{1,2})\s*(?:-|–|—|t/m|tm|tot en met|tot|to|until)\s*(\d{1,3})(?![\d.,])"
)
# "Cijfer /10", "Score (op 10)", "Rating (out of 5)", "Score uit 5".
_SCALE_TOP = re.compile(r"(?:/|\bop\b|\buit\b|\bout of\b)\s*(\d{1,3})(?![\d.,])")


@lru_cache(maxsize=256)
def header_score_scale(header: str) -> tuple[int, int] | None:
    """The lowest and highest score a header announces, or None when it says nothing.

    The caller decides what a range other than 1-5 or 1-10 means: such scores cannot be
    stored as they are, and rescaling them here would hide that.
    """
    text = header.casefold()
    if match := _SCALE_RANGE.search(text):
        return int(match[1]), int(match[2])
    if match := _SCALE_TOP.search(text):
        return 1, int(match[1])
    return None


# --- people ------------------------------------------------------------------------

_DJANGO_EMAIL_VALIDATOR = EmailValidator()


@lru_cache(maxsize=_CACHE_SIZE)
def _valid_email_domain(domain: str) -> bool:
    return _DJANGO_EMAIL_VALIDATOR.validate_domain_part(domain)


class _EmailValidator(EmailValidator):
    """Django's rules, with its costly domain check cached: a list of 100,000 addresses
    has a handful of domains."""

    def validate_domain_part(self, domain_part: str) -> bool:
        return _valid_email_domain(domain_part)


_EMAIL_VALIDATOR = _EmailValidator()
# The local part almost every address has ("anna.de.vries", "j_bakker+hr"): a subset of
# what Django's validator accepts, checked without it. Django's own check, whose regex is
# a lazy object (two attribute look-ups through a proxy per address), is the fallback.
_PLAIN_LOCAL_PART = re.compile(r"[a-z0-9_%+-]+(?:\.[a-z0-9_%+-]+)*\Z")
_MAILTO = re.compile(r"mailto:", re.IGNORECASE)
_NUMBER_WITH_ZERO_DECIMALS = re.compile(r"(\d+)[.,]0+")


def _valid_email(address: str) -> bool:
    local, at, domain = address.rpartition("@")
    if (
        at
        and len(address) <= 320
        and _PLAIN_LOCAL_PART.match(local)
        and _valid_email_domain(domain)
    ):
        return True
    try:
        _EMAIL_VALIDATOR(address)
    except ValidationError:
        return False
    return True


def parse_email(value: object) -> str | None:
    """Return the lower-case address, or None when blank. "mailto:" and <> are removed."""
    if is_blank(value):
        return None
    text = cell_text(value)
    if isinstance(value, str):
        address = _MAILTO.sub("", text.strip(), count=1).strip().strip("<>").strip().lower()
        if _valid_email(address):
            return address
    raise ValueProblem(
        "invalid_email",
        lazy_format(
            _("“%(value)s” is not a valid email address."),
            value=collapse_whitespace(text)[:MAX_TEXT_LENGTH],
        ),
    )


def parse_employee_number(value: object) -> str | None:
    """Return the employee number as written, in upper case, or None when blank.

    Excel turns 12345 into the float 12345.0; that is read back as "12345". Leading
    zeros that Excel already dropped cannot be restored here.
    """
    if is_blank(value):
        return None
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        text = None
    elif isinstance(value, float):
        text = str(int(value)) if value.is_integer() else None
    elif isinstance(value, int):
        text = str(value)
    else:
        # Excel's text marker ("'012345") sometimes survives a CSV export.
        text = collapse_whitespace(value).removeprefix("'").upper()
        if match := _NUMBER_WITH_ZERO_DECIMALS.fullmatch(text):
            text = match[1]
    if text is None or len(text) > MAX_TEXT_LENGTH:
        raise ValueProblem(
            "invalid_employee_number",
            lazy_format(
                _("“%(value)s” is not an employee number."),
                value=cell_text(value)[:MAX_TEXT_LENGTH],
            ),
        )
    return text


def _move_trailing_prefix(words: list[str]) -> tuple[list[str], list[str]]:
    """Split ["Jan", "van", "der"] into (["Jan"], ["van", "der"]); keep one word."""
    cut = len(words)
    while cut > 1 and is_particle(words[cut - 1]):
        cut -= 1
    return words[:cut], words[cut:]


def normalise_last_name(text: str) -> str:
    """Put a prefix written after the surname in front: "Berg, van der" -> "van der Berg".

    Sorted lists from HR systems write the prefix last so that the list sorts on the
    surname; the display form has it first.
    """
    surname, comma, after = text.partition(",")
    if comma:
        prefix_words = after.split()
        if prefix_words and all(is_particle(word) for word in prefix_words):
            return f"{' '.join(prefix_words)} {surname.strip()}"
        return text
    words, prefix_words = _move_trailing_prefix(text.split())
    if prefix_words:
        return " ".join(prefix_words + words)
    return text


def join_name_prefix(prefix: str | None, last_name: str | None) -> str | None:
    """Fold a separate "tussenvoegsel" column into the last name: "van der" + "Berg"."""
    if prefix and last_name:
        return f"{prefix} {last_name}"
    return last_name


def split_full_name(text: str) -> tuple[str, str] | None:
    """Split "Berg, Jan van der" into ("Jan", "van der Berg"); None without a comma.

    Read by departments.names.split_full_name, the one reader of names. Without a comma
    the text stays whole here: the matcher reads it there when it creates a person.
    """
    if "," not in text:
        return None
    parts = split_name(text)
    if parts is None or not (parts.first_name and parts.last_name):
        return None
    return parts.first_name, " ".join(p for p in (parts.particle, parts.last_name) if p)
