"""Shown values prepared once in Python for the rows of a page, not per row in a template.

Per row a template reversing a URL (~60 µs), formatting a date or reading a choice's label
through the model cost more than reading the row: reports/dashboard_views.py
`action_display` and the committee list prepare their rows with these.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable

from django.urls import reverse
from django.utils.formats import date_format


def url_for_pk(viewname: str) -> Callable[[int], str]:
    """`reverse(viewname, args=[pk])` for many pks at the cost of one reverse.

    For a URL pattern whose only argument is an `<int:pk>`: the URL is reversed once
    with a marker number, and each pk takes the marker's place.
    """
    marker = 987654321
    head, tail = reverse(viewname, args=[marker]).rsplit(str(marker), 1)
    return lambda pk: f"{head}{int(pk)}{tail}"


def date_shown(fmt: str = "j F Y") -> Callable[[datetime.date], str]:
    """`date_format(value, fmt)` (the template's `|date:fmt`), each date formatted once."""
    shown: dict[datetime.date, str] = {}

    def show(value: datetime.date) -> str:
        if value not in shown:
            shown[value] = date_format(value, fmt)
        return shown[value]

    return show
