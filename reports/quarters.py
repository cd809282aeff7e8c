"""Calendar quarters ("2025Q4"): parsing, bounds, neighbours and how people read them.

`Quarter.parse` is the one place that reads a quarter typed by a person: the forms, the
admin, the management commands and the benchmarks all go through it.

`Quarter.label()` and `quarter_label()` are the one place that writes a quarter for a
person to read: "3e kwartaal 2026" in Dutch, "Q3 2026" in English, on the pages, in the
e-mails, the exports and the admin (the template filter `quarter_label` calls it). The
code (`str(quarter)`, "2026Q3") stays for URLs, keys, file names, the database and the
exports' code column, where it sorts. Both labels parse back (`Quarter.parse`).
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass

from django.utils.translation import gettext, pgettext

# People write a quarter in many ways: "2026Q2", "Q2 2026", "2026-Q2", "q2-2026",
# "K2 2026", "2e kwartaal 2026", "tweede kwartaal van 2026", "2nd quarter 2026". The text
# is lower-cased, punctuation becomes a space and digits are split from letters
# ("2026q2" -> "2026 q 2"); then a four-digit year must stand first or last, and the
# rest must name the quarter in one of the forms below.
_PUNCTUATION = re.compile(r"[\s\-/_.,:;'’()]+")
_DIGIT_LETTER = re.compile(r"(?<=\d)(?=[^\W\d_])|(?<=[^\W\d_])(?=\d)")
_YEAR = re.compile(r"^[0-9]{4}$")
_FILLERS = frozenset({"van", "of", "the", "het"})
_WORD = r"(?:q|k|kw|kwartaal|quarter)"
_ORDINALS = {
    "eerste": 1, "tweede": 2, "derde": 3, "vierde": 4,
    "first": 1, "second": 2, "third": 3, "fourth": 4,
}  # fmt: skip
_NUMBER_SPEC = re.compile(rf"^(?:{_WORD} ([1-4])|([1-4]) (?:(?:e|de|ste|st|nd|rd|th) )?{_WORD})$")
_ORDINAL_SPEC = re.compile(rf"^([a-z]+) {_WORD}$")
# The code as the database, URLs and files hold it, and a period of the supplier comparison.
_CODE = re.compile(r"^([0-9]{4})Q([1-4])$")
_PERIOD = re.compile(r"^([0-9]{4}Q[1-4])-([0-9]{4}Q[1-4])$")


@dataclass(frozen=True, order=True)
class Quarter:
    year: int
    number: int

    def __post_init__(self) -> None:
        if not 1 <= self.number <= 4:
            raise ValueError(f"quarter number {self.number} must be 1 to 4")
        if not 1900 <= self.year <= 9999:
            raise ValueError(f"year {self.year} is out of range")

    @classmethod
    def parse(cls, text: str) -> Quarter:
        """Read a quarter as people write it ("2025Q4", "Q4 2025", "4e kwartaal 2025").

        Raises ValueError for anything else, including a year out of range.
        """
        words = _DIGIT_LETTER.sub(" ", _PUNCTUATION.sub(" ", text.lower())).split()
        words = [word for word in words if word not in _FILLERS]
        if len(words) >= 2 and _YEAR.match(words[0]):
            year, rest = words[0], words[1:]
        elif len(words) >= 2 and _YEAR.match(words[-1]):
            year, rest = words[-1], words[:-1]
        else:
            raise ValueError(f"{text!r} is not a quarter like 2025Q4")
        number = _quarter_number(" ".join(rest))
        if number is None:
            raise ValueError(f"{text!r} is not a quarter like 2025Q4")
        try:
            return cls(int(year), number)
        except ValueError as error:
            raise ValueError(f"{text!r} is not a quarter like 2025Q4: {error}") from error

    @classmethod
    def containing(cls, day: datetime.date) -> Quarter:
        return cls(day.year, (day.month - 1) // 3 + 1)

    @classmethod
    def last_ended(cls, today: datetime.date) -> Quarter:
        """The most recent quarter that ended before `today`."""
        return cls.containing(today).previous()

    @classmethod
    def from_code(cls, code: str) -> Quarter:
        """The quarter of a stored code ("2026Q3") only; raises ValueError for anything else."""
        match = _CODE.match(code)
        if match is None:
            raise ValueError(f"{code!r} is not a quarter code like 2025Q4")
        return cls(int(match.group(1)), int(match.group(2)))

    def __str__(self) -> str:
        # The code: for URLs, keys, file names and sorting, never for reading.
        return f"{self.year}Q{self.number}"

    def label(self) -> str:
        """The quarter as people read it, in the active language ("3e kwartaal 2026").

        The catalogs put the number and the year in order; English ids: "Q3 2026".
        """
        return gettext("Q%(number)s %(year)s") % {"number": self.number, "year": self.year}

    @property
    def start(self) -> datetime.date:
        return datetime.date(self.year, 3 * self.number - 2, 1)

    @property
    def end(self) -> datetime.date:
        return self.next().start - datetime.timedelta(days=1)

    def previous(self) -> Quarter:
        return (
            Quarter(self.year - 1, 4) if self.number == 1 else Quarter(self.year, self.number - 1)
        )

    def next(self) -> Quarter:
        return (
            Quarter(self.year + 1, 1) if self.number == 4 else Quarter(self.year, self.number + 1)
        )

    def last_n(self, count: int) -> list[Quarter]:
        """The `count` quarters ending with this one, oldest first."""
        quarters = [self]
        while len(quarters) < count:
            quarters.append(quarters[-1].previous())
        return quarters[::-1]

    def contains(self, day: datetime.date) -> bool:
        return self.start <= day <= self.end


def _quarter_number(spec: str) -> int | None:
    """1-4 from the words naming the quarter ("q 2", "2 e kwartaal", "tweede quarter")."""
    match = _NUMBER_SPEC.match(spec)
    if match:
        return int(match.group(1) or match.group(2))
    match = _ORDINAL_SPEC.match(spec)
    if match:
        return _ORDINALS.get(match.group(1))
    return None


def quarter_label(value: Quarter | str) -> str:
    """How a quarter reads: a Quarter, a code ("2026Q3") or a period of the supplier
    comparison ("2025Q1-2025Q4" reads "1e kwartaal 2025 tot en met 4e kwartaal 2025").

    Other text comes back unchanged, so a chart's x labels (quarters in the trend charts,
    suppliers in the comparison) can all pass through here.
    """
    if isinstance(value, Quarter):
        return value.label()
    try:
        if _CODE.match(value):
            return Quarter.from_code(value).label()
        period = _PERIOD.match(value)
        if period:
            first, last = (Quarter.from_code(code) for code in period.groups())
            return _period_label(first, last)
    except ValueError:
        pass  # A year out of range ("0001Q1") is no quarter: shown as written.
    return value


def _period_label(first: Quarter, last: Quarter) -> str:
    if first == last:
        return first.label()
    return pgettext("a period of quarters", "%(first)s to %(last)s") % {
        "first": first.label(),
        "last": last.label(),
    }


def is_quarter_code(text: str) -> bool:
    """Whether `text` is a quarter's code ("2026Q3"), as chart labels and stored rows hold it."""
    return _CODE.match(text) is not None
