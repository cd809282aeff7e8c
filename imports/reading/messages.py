"""Lazy interpolation for translated problem messages.

`gettext_lazy("...") % params` renders the text immediately, in whatever language is
active while the file is parsed (a Celery worker, say). Problems are shown later, to
a user with their own language, so the interpolation is postponed until the message is
turned into a string.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING

from django.utils.functional import Promise, lazy

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


def _render_param(value: object) -> str:
    if isinstance(value, str | Promise):
        return str(value)
    if isinstance(value, Iterable):
        return ", ".join(_render_param(item) for item in value)
    return str(value)


def _render(message: StrOrPromise, params: Mapping[str, object]) -> str:
    return str(message) % {key: _render_param(value) for key, value in params.items()}


_lazy_render = lazy(_render, str)


def lazy_format(message: StrOrPromise, **params: object) -> StrOrPromise:
    """Return `message % params`, evaluated in the language active when it is shown.

    A parameter that is a list (or other iterable) is shown as a comma-separated list;
    lazy parameters (field labels) are translated at the same moment as the message.
    """
    return _lazy_render(message, params)
