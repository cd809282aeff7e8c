"""Dutch comes first: every message catalog must be complete."""

from __future__ import annotations

from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from django.conf import settings

CATALOGS = sorted(
    path
    for path in Path(settings.BASE_DIR).glob("**/locale/nl/LC_MESSAGES/django.po")
    if ".venv" not in path.parts
)


def test_there_are_catalogs() -> None:
    assert len(CATALOGS) >= 4


@pytest.mark.parametrize("path", CATALOGS, ids=lambda p: str(p.parent.parent.parent.parent))
def test_every_message_has_a_dutch_translation(path: Path) -> None:
    with path.open("rb") as handle:
        catalog = read_po(handle, locale="nl")
    untranslated = [
        message.id
        for message in catalog
        if message.id
        and (
            message.fuzzy
            or not (all(message.string) if isinstance(message.string, tuple) else message.string)
        )
    ]
    assert untranslated == []


def test_the_interface_is_dutch_by_default(client) -> None:
    response = client.get("/accounts/login/")
    assert response.headers["Content-Language"] == "nl"
    assert "Inloggen" in response.content.decode()


def test_english_can_be_chosen(client) -> None:
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/accounts/login/"})
    assert response.status_code == 302
    page = client.get("/accounts/login/").content.decode()
    assert "Log in with your user name and password." in page
