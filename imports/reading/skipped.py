"""Rows of an attendance list that are not participants: totals, notes, repeated headers.

Suppliers' lists end in a "Totaal" row or "Aantal deelnemers: 20", carry a signature
line for the trainer, repeat the header after every page break and leave empty rows
between sessions. None of these is a participant, and none of them may reject the file:
each is skipped with a note that says which row and why, so that nothing is dropped
unseen.

Only a row that already has a problem is examined (see parsing._RowBuilder): a row that
reads as a participant without any problem is one, whatever it says.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from django.utils.translation import gettext_lazy as _

from imports.reading.fields import header_tokens
from imports.reading.values import (
    ValueProblem,
    cell_text,
    collapse_whitespace,
    is_blank,
    parse_attendance,
)

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

# The preview lists this many skipped rows; the count covers all of them.
MAX_LISTED = 1000
# The start of the row's text shown in the note.
_TEXT_LENGTH = 80


class SkipReason(StrEnum):
    EMPTY = "empty"
    REPEATED_HEADER = "repeated_header"
    TOTAL = "total"
    SUMMARY = "summary"
    NOTE = "note"
    SIGNATURE = "signature"


_MESSAGES: dict[SkipReason, StrOrPromise] = {
    SkipReason.EMPTY: _("Empty row; skipped."),
    SkipReason.REPEATED_HEADER: _("The header row again (after a page break); skipped."),
    SkipReason.TOTAL: _("A total or summary row, not a participant; skipped."),
    SkipReason.SUMMARY: _("A summary (an average or other figure), not a participant; skipped."),
    SkipReason.NOTE: _("A note or signature line, not a participant; skipped."),
    SkipReason.SIGNATURE: _("A line to sign, not a participant; skipped."),
}


@dataclass(frozen=True, slots=True)
class SkippedRow:
    """A row, or a run of empty rows (row to last_row), that was left out."""

    row: int
    last_row: int
    reason: SkipReason
    text: str

    @property
    def count(self) -> int:
        return self.last_row - self.row + 1

    def as_dict(self) -> dict[str, Any]:
        """JSON-safe, with the message in the language that is active now."""
        return {
            "row": self.row,
            "last_row": self.last_row,
            "reason": self.reason.value,
            "text": self.text,
            "message": str(_MESSAGES[self.reason]),
        }


def row_text(cells: Sequence[object]) -> str:
    """The filled cells of a row, as the note shows them: "Totaal | 18"."""
    text = " | ".join(collapse_whitespace(cell_text(cell)) for cell in cells if not is_blank(cell))
    return text if len(text) <= _TEXT_LENGTH else text[: _TEXT_LENGTH - 1] + "…"


# First words of a total or summary line, Dutch and English.
_TOTAL_WORDS = frozenset((
    "totaal", "totalen", "total", "totals", "subtotaal", "subtotal", "eindtotaal",
    "aantal", "count", "gemiddeld", "gemiddelde", "average", "avg", "sum",
    "percentage", "opkomst", "turnout", "samenvatting", "summary",
))  # fmt: skip
# First words of a statistic other than a count: a total's kind "summary".
_SUMMARY_WORDS = frozenset((
    "gemiddeld", "gemiddelde", "average", "avg", "mean", "mediaan", "median",
    "samenvatting", "summary",
))  # fmt: skip
# Words of a line to sign, among its first three: a note's kind "signature".
_SIGNATURE_WORDS = frozenset((
    "handtekening", "paraaf", "signature", "signed", "getekend", "ondertekend", "akkoord",
    "gezien",
))  # fmt: skip
# First words of a note, footnote or signature line.
_NOTE_WORDS = frozenset((
    "opmerking", "opmerkingen", "notitie", "notities", "note", "notes", "nb", "toelichting",
    "handtekening", "paraaf", "signature", "signed", "getekend", "ondertekend", "trainer",
    "docent", "begeleider", "instructor", "facilitator", "legenda", "legend", "bron",
    "source", "pagina", "page", "afgedrukt", "printed", "gegenereerd", "generated",
    "ingevuld", "opgesteld", "gezien", "akkoord", "vervolg", "continued", "let", "aldus",
    "opgemaakt", "paraaf", "datum", "date", "plaats", "place",
))  # fmt: skip
# "Deelnemers totaal", "Aanwezigen totaal": the total comes second.
_TOTAL_SECOND_WORDS = frozenset(("totaal", "total", "totalen", "totals"))
# "Aanwezig: 18", "Aantal deelnemers: 20", "Opkomst 90%": a label and a figure.
_LABEL_AND_FIGURE = re.compile(r"[^\d:]{2,60}(?::\s*\d+(?:[.,]\d+)?\s*%?|\s\d+(?:[.,]\d+)?\s*%)")
_FIGURE = re.compile(r"[+-]?\d+(?:[.,]\d+)?\s*%?(?:\s*(?:/|van|of|uit|out of)\s*\d+(?:[.,]\d+)?)?")
_DIGIT = re.compile(r"\d")
# A line to sign on, or a footnote marker.
_SIGNATURE_LINE = re.compile(r"_{3,}|\.{4,}|…{2,}|^\s*\*")


# A title repeated on every printed page: "Presentielijst ...", "Attendance list".
_TITLE_WORDS = frozenset(("list", "sheet", "overzicht", "register", "presentielijst"))


def _first_words(text: str) -> tuple[str, ...]:
    """The first two words, with "N.B." read as "nb"."""
    return header_tokens(text.replace(".", ""))[:2]


def _is_note(text: str) -> bool:
    """A remark or a line to sign at: "Opmerkingen", "Paraaf: ....", "Trainer: ..."."""
    words = _first_words(text)
    if not words or words[0] not in _NOTE_WORDS:
        return False
    # "Datum" or "Plaats" alone can be a participant's value; with a colon it is a label.
    return words[0] not in ("datum", "date", "plaats", "place") or ":" in text


def _is_title(text: str) -> bool:
    return any(
        token.endswith("lijst") or token in _TITLE_WORDS for token in header_tokens(text)[:3]
    )


def non_participant_reason(
    cells: Sequence[object], *, identity_columns: Sequence[int], has_contact: bool
) -> SkipReason | None:
    """Why a row with problems is not a participant at all, or None when it may be one.

    `has_contact` is true when the row holds a valid e-mail address or employee number:
    such a row is a person with a problem, never a footer. A total that is an average
    is a "summary", a note that is a line to sign a "signature".
    """
    if has_contact:
        return None
    reason = _reason(cells, identity_columns)
    if reason not in (SkipReason.TOTAL, SkipReason.NOTE):
        return reason
    texts = [collapse_whitespace(cell_text(cell)) for cell in cells if not is_blank(cell)]
    words = [word for text in texts for word in header_tokens(text.replace(".", ""))[:3]]
    if reason is SkipReason.TOTAL and words and words[0] in _SUMMARY_WORDS:
        return SkipReason.SUMMARY
    if reason is SkipReason.NOTE and (
        _SIGNATURE_WORDS.intersection(words)
        or any("___" in text or "...." in text for text in texts)
    ):
        return SkipReason.SIGNATURE
    return reason


def _reason(cells: Sequence[object], identity_columns: Sequence[int]) -> SkipReason | None:
    filled = [cell for cell in cells if not is_blank(cell)]
    if not filled:
        return SkipReason.EMPTY
    texts = [collapse_whitespace(cell_text(cell)) for cell in filled]
    figures = [text for text in texts if _FIGURE.fullmatch(text)]
    if len(figures) == len(texts):
        return SkipReason.TOTAL  # figures only: a count under the attendance column
    first = texts[0]
    if _is_total(first) or (figures and _is_status_count(texts, figures)):
        return SkipReason.TOTAL
    if _is_note(first) or _SIGNATURE_LINE.search(first) or _is_title(first):
        return SkipReason.NOTE
    if _names_someone(cells, identity_columns):
        return None  # a person with a problem; a remark in another column changes nothing
    if any(_LABEL_AND_FIGURE.fullmatch(text) for text in texts):
        return SkipReason.TOTAL
    if any(_is_note(text) or _SIGNATURE_LINE.search(text) for text in texts):
        return SkipReason.NOTE
    if len(filled) == 1:
        return SkipReason.NOTE  # a title or remark on a line of its own
    return None


def _is_total(text: str) -> bool:
    words = _first_words(text)
    return bool(
        (words and words[0] in _TOTAL_WORDS)
        or (len(words) > 1 and words[1] in _TOTAL_SECOND_WORDS)
        or _LABEL_AND_FIGURE.fullmatch(text)
    )


# A name has a few words and no sentence in it: "Geen aanmeldingen; verplaatst" is none.
_MAX_NAME_WORDS = 6
_SENTENCE = re.compile(r"[:;!?]")


def _names_someone(cells: Sequence[object], identity_columns: Sequence[int]) -> bool:
    """A name column holds a name: a few words without digits or sentence punctuation."""
    for index in identity_columns:
        text = cells[index] if index < len(cells) else None
        if (
            isinstance(text, str)
            and text.strip()
            and not _DIGIT.search(text)
            and not _SENTENCE.search(text)
            and len(text.split()) <= _MAX_NAME_WORDS
        ):
            return True
    return False


def _is_status_count(texts: Sequence[str], figures: Sequence[str]) -> bool:
    """An attendance word counted, not a person: "Aanwezig | 18", "Afgemeld | 2"."""
    labels = [text for text in texts if text not in figures]
    if len(labels) != 1:
        return False
    try:
        parse_attendance(labels[0])
    except ValueProblem:
        return False
    return not labels[0].strip().isdigit()
