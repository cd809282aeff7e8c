"""JSON fields as the admin shows them: small tables with labels, not raw JSON.

An administrator reads an import's counts, its problems and its skipped rows, an
imported row's cells, and a message's attachments; stored as JSON, they are shown here
as a table with a (visually hidden) caption, column headers and, for a list of
name-value pairs, row headers.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

EMPTY = "–"


def _cell(value: Any) -> Any:
    return EMPTY if value is None or value == "" else value


def pairs_table(*, caption: Any, pairs: Iterable[tuple[Any, Any]]) -> SafeString | str:
    """Name-value pairs, one a row: the name as the row's header."""
    rows = [(name, _cell(value)) for name, value in pairs]
    if not rows:
        return EMPTY
    return format_html(
        '<table class="admin-json"><caption class="visually-hidden">{}</caption>'
        "<tbody>{}</tbody></table>",
        caption,
        format_html_join("", '<tr><th scope="row">{}</th><td>{}</td></tr>', rows),
    )


def rows_table(
    *, caption: Any, headers: Sequence[Any], rows: Iterable[Sequence[Any]]
) -> SafeString | str:
    """A list of records, one a row, under column headers."""
    body = [format_html_join("", "<td>{}</td>", ((_cell(value),) for value in row)) for row in rows]
    if not body:
        return EMPTY
    return format_html(
        '<table class="admin-json"><caption class="visually-hidden">{}</caption>'
        "<thead><tr>{}</tr></thead><tbody>{}</tbody></table>",
        caption,
        format_html_join("", '<th scope="col">{}</th>', ((header,) for header in headers)),
        format_html_join("", "<tr>{}</tr>", ((row,) for row in body)),
    )
