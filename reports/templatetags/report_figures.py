"""Figures on pages shown as the reports show them: one rounding, the reader's notation."""

from __future__ import annotations

from django import template

from reports.presentation.formatting import format_number
from reports.presentation.tables import Number

register = template.Library()


@register.filter
def percent(value: Number | None) -> str:
    """A share (0 to 1) as a percentage with one decimal, or "–" when there is none.

    The exports round the same exact share the same way (half up, once), so a page and
    its report never differ in the last digit.
    """
    if value is None:
        return "–"
    return format_number(value, decimals=1, percent=True)
