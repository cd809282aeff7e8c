"""Shown values prepared once in Python for the rows of a page, not per row in a template.

Per row a template reversing a URL (~60 µs), formatting a date or reading a choice's label
through the model cost more than reading the row: reports/dashboard_views.py
`action_display` and the committee list prepare their rows with these.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from functools import cached_property
from typing import Any

from django.core.paginator import EmptyPage, Page, PageNotAnInteger, Paginator
from django.db.models import QuerySet
from django.urls import reverse
from django.utils.formats import date_format


def url_for_pk(viewname: str, *leading: Any) -> Callable[[int], str]:
    """`reverse(viewname, args=[*leading, pk])` for many pks at the cost of one reverse.

    For a URL pattern whose last argument is an `<int:...>`: the URL is reversed once
    with a marker number, and each pk takes the marker's place.
    """
    marker = 987654321
    head, tail = reverse(viewname, args=[*leading, marker]).rsplit(str(marker), 1)
    return lambda pk: f"{head}{int(pk)}{tail}"


def date_shown(fmt: str = "j F Y") -> Callable[[datetime.date], str]:
    """`date_format(value, fmt)` (the template's `|date:fmt`), each date formatted once."""
    shown: dict[datetime.date, str] = {}

    def show(value: datetime.date) -> str:
        if value not in shown:
            shown[value] = date_format(value, fmt)
        return shown[value]

    return show


class CountedUpTo(Paginator):  # type: ignore[type-arg]
    """A Paginator that counts at most `count_limit` rows (`capped` beyond).

    Counting a list the programme bureau sees whole (100,000 committees at --scale 50) took
    a fifth of its page and grew with the history. Up to the limit the count and the pages
    are exact; beyond it a page reads one row more than it shows, to know whether a next
    page exists ("limit + 1"), and any page number past the counted ones is accepted.
    """

    def __init__(self, rows: QuerySet[Any], per_page: int, *, count_limit: int = 1000) -> None:
        super().__init__(rows, per_page)
        self.rows = rows
        self.count_limit = count_limit

    @cached_property
    def count(self) -> int:
        """The rows, or `count_limit + 1` when there are more. Only their keys, unordered:
        the count of a slice would compute every annotation of the rows counted."""
        return self.rows.order_by().values("pk")[: self.count_limit + 1].count()

    @property
    def capped(self) -> bool:
        return self.count > self.count_limit

    def validate_number(self, number: Any) -> int:
        if not self.capped:
            return int(super().validate_number(number))
        try:
            number = int(number)
        except (TypeError, ValueError):
            raise PageNotAnInteger(self.error_messages["invalid_page"]) from None
        if number < 1:
            raise EmptyPage(self.error_messages["min_page"])
        return number

    def page(self, number: Any) -> Page:  # type: ignore[type-arg]
        number = self.validate_number(number)
        if not self.capped:
            return super().page(number)
        bottom = (number - 1) * self.per_page
        shown = list(self.rows[bottom : bottom + self.per_page + 1])
        if not shown and number > 1:
            raise EmptyPage(self.error_messages["no_results"])
        return _PageOfMany(shown[: self.per_page], number, self, more=len(shown) > self.per_page)


class _PageOfMany(Page):  # type: ignore[type-arg]
    """A page of a capped list: whether a next page exists is known from its extra row."""

    def __init__(self, rows: list[Any], number: int, paginator: Paginator, *, more: bool) -> None:  # type: ignore[type-arg]
        super().__init__(rows, number, paginator)
        self.more = more

    def has_next(self) -> bool:
        return self.more
