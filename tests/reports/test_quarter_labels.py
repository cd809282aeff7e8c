"""How quarters read: "3e kwartaal 2026" in Dutch, "Q3 2026" in English, and back.

The code (2026Q3) stays for URLs, keys and file names; people read words
(reports.quarters.Quarter.label, quarter_label and the template filter `quarter_label`).
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from django.conf import settings
from django.template import Context, Template
from django.utils import translation

from reports.quarters import Quarter, quarter_label

_HIDDEN = re.compile(r"<(script|style)\b.*?</\1>", re.DOTALL | re.IGNORECASE)
_TAG = re.compile(r"<[^>]+>")


def readable(page: str) -> str:
    """The text of an HTML page as a reader gets it: no tags, attributes or scripts."""
    return " ".join(html.unescape(_TAG.sub(" ", _HIDDEN.sub(" ", page))).split())


@contextmanager
def reading_in(client: Any, language: str) -> Iterator[None]:
    """The client's requests in `language` (its cookie). A request activates its language
    in this thread: the override puts the test's own back afterwards, so that no later
    test runs in English by accident."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    with translation.override(language):
        yield


@pytest.mark.parametrize("number", [1, 2, 3, 4])
def test_a_quarter_reads_as_an_ordinal_in_dutch_and_as_q_and_number_in_english(
    number: int,
) -> None:
    quarter = Quarter(2026, number)
    with translation.override("nl"):
        assert quarter.label() == f"{number}e kwartaal 2026"
    with translation.override("en"):
        assert quarter.label() == f"Q{number} 2026"
    assert str(quarter) == f"2026Q{number}"  # the code stays for URLs, keys and files


def test_a_code_and_a_period_read_in_words() -> None:
    with translation.override("nl"):
        assert quarter_label("2026Q3") == "3e kwartaal 2026"
        assert quarter_label(Quarter(2026, 3)) == "3e kwartaal 2026"
        assert quarter_label("2025Q1-2025Q4") == "1e kwartaal 2025 tot en met 4e kwartaal 2025"
        assert quarter_label("2025Q4-2025Q4") == "4e kwartaal 2025"
    with translation.override("en"):
        assert quarter_label("2025Q1-2025Q4") == "Q1 2025 to Q4 2025"


@pytest.mark.parametrize("text", ["Alfa BV", "", "2026Q5", "0001Q1", "2026Q3 ", "Q3 2026"])
def test_other_text_is_left_as_it_is(text: str) -> None:
    with translation.override("nl"):
        assert quarter_label(text) == text


@pytest.mark.parametrize("language", ["nl", "en"])
@pytest.mark.parametrize("quarter", [Quarter(2021, 1), Quarter(2025, 2), Quarter(2026, 3)])
def test_what_is_shown_can_be_typed_back_in(language: str, quarter: Quarter) -> None:
    with translation.override(language):
        label = quarter.label()
    assert Quarter.parse(label) == quarter


def test_the_template_filter_shows_quarters_codes_and_periods_in_words() -> None:
    template = Template(
        "{% load quarters %}{{ q|quarter_label }}|{{ code|quarter_label }}|"
        "{{ period|quarter_label }}|{{ none|quarter_label }}"
    )
    context = Context(
        {"q": Quarter(2026, 3), "code": "2025Q4", "period": "2025Q1-2025Q2", "none": None}
    )
    with translation.override("nl"):
        assert template.render(context) == (
            "3e kwartaal 2026|4e kwartaal 2025|1e kwartaal 2025 tot en met 2e kwartaal 2025|"
        )
    with translation.override("en"):
        assert template.render(context) == "Q3 2026|Q4 2025|Q1 2025 to Q2 2025|"
