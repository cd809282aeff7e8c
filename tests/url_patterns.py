"""The project's named URL patterns outside the admin, for the tests and benchmarks that
must cover every page (a new page is then covered, or fails until it is listed)."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from django.urls import URLPattern, URLResolver, get_resolver


@dataclass(frozen=True)
class NamedPattern:
    name: str  # with its namespaces: "committees:detail"
    route: str  # the whole route: "committees/<int:pk>/"
    pattern: URLPattern
    takes_args: bool  # the route (or an include above it) has parameters


def app_patterns(
    patterns: Sequence[object] | None = None,
    namespace: str = "",
    prefix: str = "",
    takes_args: bool = False,
) -> Iterator[NamedPattern]:
    """Every named pattern of the URLconf, except the admin's (covered model by model)."""
    for entry in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(entry, URLResolver):
            if entry.app_name == "admin":
                continue
            yield from app_patterns(
                entry.url_patterns,
                f"{namespace}{entry.namespace}:" if entry.namespace else namespace,
                prefix + str(entry.pattern),
                takes_args or bool(entry.pattern.regex.groups),
            )
        elif isinstance(entry, URLPattern) and entry.name:
            yield NamedPattern(
                name=namespace + entry.name,
                route=prefix + str(entry.pattern),
                pattern=entry,
                takes_args=takes_args or bool(entry.pattern.regex.groups),
            )
