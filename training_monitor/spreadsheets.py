"""Safety rules shared by every spreadsheet the project writes (CSV and XLSX).

A text cell that starts with one of these characters is executed as a formula by Excel
and LibreOffice ("CSV injection"); prefixing an apostrophe makes it inert text.
Numbers, dates and booleans are returned unchanged so they stay numbers.
"""

from __future__ import annotations

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def neutralise_formula(value: object) -> object:
    """Return `value` made safe for a spreadsheet cell; only strings are changed."""
    if isinstance(value, str) and value.startswith(FORMULA_TRIGGERS):
        return "'" + value
    return value
