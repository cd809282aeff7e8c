"""Messages in plain Dutch with the English version under it, as text and as HTML.

Each message is one template set, `<name>_subject.txt`, `<name>.txt` and `<name>.html`,
rendered once per language (Dutch first) with the same context. The HTML versions are
put in one document (notifications/email/base.html), each part marked with its `lang`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation

LANGUAGES = ("nl", "en")
CONTENT_LANGUAGE = ", ".join(LANGUAGES)
TEXT_SEPARATOR = "\n\n---------------- English ----------------\n\n"


@dataclass(frozen=True)
class Rendered:
    subject: str
    text: str
    html: str


def site_url(path: str) -> str:
    """An absolute link into the application (SITE_URL + path)."""
    return f"{settings.SITE_URL}{path}"


def message_render(*, template: str, context: dict[str, Any]) -> Rendered:
    """Subject, text and HTML of `template` in Dutch and English."""
    subjects: list[str] = []
    texts: list[str] = []
    parts: list[tuple[str, str]] = []
    for language in LANGUAGES:
        with translation.override(language):
            subjects.append(" ".join(render_to_string(f"{template}_subject.txt", context).split()))
            texts.append(render_to_string(f"{template}.txt", context).strip())
            parts.append((language, render_to_string(f"{template}.html", context)))
    html = render_to_string(
        "notifications/email/base.html", {"parts": parts, "subject": subjects[0]}
    )
    return Rendered(
        subject=" / ".join(dict.fromkeys(subjects)),
        text=texts[0] + TEXT_SEPARATOR + texts[1] + "\n",
        html=html,
    )
