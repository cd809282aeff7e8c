"""The canonical fields of an attendance list and the column headers that mean them."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from enum import StrEnum
from functools import lru_cache
from types import MappingProxyType

from django.utils.translation import gettext_lazy as _


class Field(StrEnum):
    EMPLOYEE_NUMBER = "employee_number"
    FIRST_NAME = "first_name"
    LAST_NAME = "last_name"
    NAME_PREFIX = "name_prefix"
    FULL_NAME = "full_name"
    EMAIL = "email"
    DEPARTMENT = "department"
    SESSION_DATE = "session_date"
    SESSION_PLACE = "session_place"
    SESSION_ID = "session_id"
    PROGRAMME = "programme"
    ATTENDANCE = "attendance"
    SCORE = "score"


# Shown to users in "missing column" messages, next to the header they should add.
FIELD_LABELS = MappingProxyType(
    {
        Field.EMPLOYEE_NUMBER: _("employee number"),
        Field.FIRST_NAME: _("first name"),
        Field.LAST_NAME: _("last name"),
        Field.NAME_PREFIX: _("name prefix"),
        Field.FULL_NAME: _("full name"),
        Field.EMAIL: _("email address"),
        Field.DEPARTMENT: _("ministry"),
        Field.SESSION_DATE: _("session date"),
        Field.SESSION_PLACE: _("session location"),
        Field.SESSION_ID: _("session id"),
        Field.PROGRAMME: _("programme"),
        Field.ATTENDANCE: _("attendance"),
        Field.SCORE: _("evaluation score"),
    }
)

# Written as suppliers write them; matching goes through normalise_header, so case,
# accents, punctuation and spacing variants need no entry of their own.
DEFAULT_ALIASES: Mapping[Field, tuple[str, ...]] = MappingProxyType(
    {
        Field.EMPLOYEE_NUMBER: (
            "personeelsnummer",
            "personeelsnr",
            "pers.nr",
            "pers. nummer",
            "P-nummer",
            "P-nr",
            "medewerkernummer",
            "werknemersnummer",
            "employee number",
            "employee no",
            "employee id",
            "staff number",
            "staff id",
            "personnel number",
        ),
        Field.FIRST_NAME: ("voornaam", "roepnaam", "first name", "given name", "forename"),
        Field.LAST_NAME: (
            "achternaam",
            "familienaam",
            "geslachtsnaam",
            "last name",
            "surname",
            "family name",
        ),
        Field.NAME_PREFIX: (
            "tussenvoegsel",
            "tussenvoegsels",
            "voorvoegsel",
            "tussenv.",
            "prefix",
            "name prefix",
        ),
        Field.FULL_NAME: (
            "naam",
            "volledige naam",
            "naam deelnemer",
            "deelnemer",
            "deelnemersnaam",
            "naam medewerker",
            "cursist",
            "name",
            "full name",
            "participant",
            "attendee",
        ),
        Field.EMAIL: (
            "e-mail",
            "e-mailadres",
            "mail",
            "mailadres",
            "email address",
        ),
        Field.DEPARTMENT: (
            "ministerie",
            "departement",
            "organisatie",
            "ministry",
            "department",
            "organisation",
            "organization",
        ),
        Field.SESSION_DATE: (
            "datum",
            "trainingsdatum",
            "sessiedatum",
            "workshopdatum",
            "datum training",
            "datum sessie",
            "date",
            "session date",
            "training date",
        ),
        Field.SESSION_PLACE: (
            "locatie",
            "plaats",
            "lesplaats",
            "trainingslocatie",
            "place",
            "location",
            "venue",
        ),
        Field.SESSION_ID: (
            "sessie-id",
            "sessienummer",
            "sessiecode",
            "training-id",
            "session id",
            "session number",
            "session code",
        ),
        Field.PROGRAMME: (
            "programma",
            "training",
            "workshop",
            "cursus",
            "opleiding",
            "module",
            "programme",
            "program",
            "course",
        ),
        Field.ATTENDANCE: (
            "aanwezig",
            "aanwezigheid",
            "presentie",
            "status",
            "present",
            "attended",
            "attendance",
        ),
        Field.SCORE: (
            "score",
            "cijfer",
            "rapportcijfer",
            "beoordeling",
            "evaluatie",
            "evaluatiescore",
            "waardering",
            "rating",
        ),
    }
)

# Hints such as "Datum (dd-mm-jjjj)" or "Score [1-10]" are not part of the name.
_BRACKETED = re.compile(r"\([^)]*\)|\[[^\]]*\]")
_NOT_ALPHANUMERIC = re.compile(r"[^0-9a-z]+")


@lru_cache(maxsize=1024)
def normalise_header(text: str) -> str:
    """Reduce a header to the letters and digits that identify it.

    "  E-mail adres: ", "Emailadres" and "E-MAIL-ADRES" all become "emailadres";
    "Datum (dd-mm-jjjj)" becomes "datum", "Evaluatié" becomes "evaluatie".
    """
    unbracketed = _BRACKETED.sub(" ", text)
    if unbracketed.strip():
        text = unbracketed
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    without_accents = "".join(char for char in decomposed if not unicodedata.combining(char))
    return _NOT_ALPHANUMERIC.sub("", without_accents)


def default_header_lookup() -> dict[str, Field]:
    """Map each normalised default alias to its field."""
    return {
        normalise_header(alias): field
        for field, aliases in DEFAULT_ALIASES.items()
        for alias in aliases
    }


def profile_header_lookup(profile: Mapping[str, str]) -> dict[str, Field | None]:
    """Map the normalised headers of an import profile to their fields.

    A header mapped to "" is a column to ignore. A profile is stored configuration, so a
    field name that does not exist is an admin or programming error: it raises
    ValueError instead of becoming a problem in the user's file.
    """
    lookup: dict[str, Field | None] = {}
    for header, field_name in profile.items():
        try:
            lookup[normalise_header(header)] = Field(field_name) if field_name else None
        except ValueError:
            raise ValueError(
                f"Import profile maps {header!r} to unknown field {field_name!r}"
            ) from None
    return lookup
