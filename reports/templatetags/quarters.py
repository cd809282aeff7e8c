"""`{{ quarter|quarter_label }}`: a quarter as people read it ("3e kwartaal 2026")."""

from __future__ import annotations

from django import template

from reports import quarters

register = template.Library()


@register.filter
def quarter_label(value: object) -> str:
    """A Quarter, a code ("2026Q3") or a period ("2025Q1-2025Q4") in words; other values
    as they are (an empty form field stays empty)."""
    if value is None:
        return ""
    if isinstance(value, quarters.Quarter | str):
        return quarters.quarter_label(value)
    return str(value)
