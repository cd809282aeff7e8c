"""One word per concept: the Dutch catalogs use no word from the glossary's "do not use" column."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from django.conf import settings

BASE_DIR = Path(settings.BASE_DIR)
GLOSSARY = BASE_DIR / "docs" / "woordenlijst.md"
CATALOGS = sorted(
    path
    for path in BASE_DIR.glob("**/locale/nl/LC_MESSAGES/django.po")
    if ".venv" not in path.parts
)
DO_NOT_USE_HEADER = "Niet gebruiken"

# Deliberate exceptions, (banned word, msgid) -> why it cannot be avoided. Keep this empty
# unless a translation must quote a word the glossary bans, such as a value in a supplier's file.
ALLOWED: dict[tuple[str, str], str] = {}


def glossary_rows(text: str) -> list[dict[str, str]]:
    """The rows of the glossary table whose header has the "do not use" column."""
    rows: list[dict[str, str]] = []
    header: list[str] | None = None
    for line in text.splitlines():
        if not line.startswith("|"):
            header = None
            continue
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if header is None:
            header = cells if DO_NOT_USE_HEADER in cells else []
        elif header and not set(line) <= set("|- "):
            rows.append(dict(zip(header, cells, strict=True)))
    return rows


def banned_words(text: str) -> dict[str, str]:
    """Each banned word, lower case, with the word the glossary uses instead."""
    banned: dict[str, str] = {}
    for row in glossary_rows(text):
        for word in row[DO_NOT_USE_HEADER].split(","):
            if word.strip():
                banned[word.strip().lower()] = row["Nederlands"]
    return banned


def whole_word(word: str) -> re.Pattern[str]:
    return re.compile(rf"(?<!\w){re.escape(word)}(?!\w)", re.IGNORECASE)


def dutch_strings(path: Path) -> list[tuple[str, str]]:
    """(msgid, msgstr) for every translated message; plural forms each on their own."""
    with path.open("rb") as handle:
        catalog = read_po(handle, locale="nl")
    found: list[tuple[str, str]] = []
    for message in catalog:
        if not message.id:
            continue
        msgid = message.id if isinstance(message.id, str) else message.id[0]
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        found.extend((msgid, str(string)) for string in strings if string)
    return found


def violations(path: Path, banned: dict[str, str]) -> list[str]:
    patterns = {word: whole_word(word) for word in banned}
    return [
        f"{word!r} (use {banned[word]!r}) in {msgstr!r}"
        for msgid, msgstr in dutch_strings(path)
        for word, pattern in patterns.items()
        if pattern.search(msgstr) and (word, msgid) not in ALLOWED
    ]


def test_the_glossary_bans_words_for_the_concepts_of_the_brief() -> None:
    banned = banned_words(GLOSSARY.read_text(encoding="utf-8"))
    for word in ("departement", "sollicitatiecommissie", "toelichting", "notitie", "personen"):
        assert word in banned
    assert banned["helemaal getraind"].startswith("getraind")


def test_no_word_is_both_preferred_and_banned() -> None:
    text = GLOSSARY.read_text(encoding="utf-8")
    banned = banned_words(text)
    preferred = {
        word.strip().lower()
        for row in glossary_rows(text)
        for word in re.split(r"[,:]", row["Nederlands"])
    }
    assert preferred & set(banned) == set()


def test_a_banned_word_is_found_only_as_a_whole_word() -> None:
    pattern = whole_word("actie")
    assert pattern.search("Onbekende Actie.")
    assert not pattern.search("de actielijst")
    assert whole_word("O&P-adviseur").search("Vraag uw O&P-adviseur.")


def test_every_allowed_exception_names_a_banned_word() -> None:
    banned = banned_words(GLOSSARY.read_text(encoding="utf-8"))
    assert {word for word, _msgid in ALLOWED} <= set(banned)


@pytest.mark.parametrize("path", CATALOGS, ids=lambda p: str(p.relative_to(BASE_DIR).parts[0]))
def test_the_dutch_catalog_uses_no_word_the_glossary_bans(path: Path) -> None:
    banned = banned_words(GLOSSARY.read_text(encoding="utf-8"))
    assert violations(path, banned) == []
