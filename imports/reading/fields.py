"""The canonical fields of an attendance list and the column headers that mean them."""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from dataclasses import field as dataclass_field
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


def _fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(char for char in decomposed if not unicodedata.combining(char))


@lru_cache(maxsize=1024)
def normalise_header(text: str) -> str:
    """Reduce a header to the letters and digits that identify it.

    "  E-mail adres: ", "Emailadres" and "E-MAIL-ADRES" all become "emailadres";
    "Datum (dd-mm-jjjj)" becomes "datum", "Evaluatié" becomes "evaluatie".
    """
    unbracketed = _BRACKETED.sub(" ", text)
    if unbracketed.strip():
        text = unbracketed
    return _NOT_ALPHANUMERIC.sub("", _fold(text))


def header_signature(headers: Sequence[str]) -> str:
    """The same for two files with the same headers in the same order, however they are
    written ("E-mail" and "e-mail "): the key of a supplier's saved column mapping."""
    keys = [key for header in headers if (key := normalise_header(header))]
    if not keys:
        return ""
    return hashlib.sha256("\x1f".join(keys).encode()).hexdigest()


def default_header_lookup() -> dict[str, Field]:
    """Map each normalised default alias to its field."""
    return _DEFAULT_LOOKUP


_DEFAULT_LOOKUP = {
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


# --- headers by meaning ------------------------------------------------------------
#
# A header the alias list does not know is read word by word. Most headers name an
# attribute (a date, a name, a number, a place) of a subject (the participant, the
# session, the organisation): "Datum workshop", "Naam deelnemer", "Workshopdatum",
# "Naam training", "Training ID". The attribute and the subject together give the field;
# a few words ("e-mail", "aanwezig", "score", "voornaam") mean their field on their own.

# Aliases that give way when the file also has the plainer header: HR exports carry both
# "Voornaam" and "Roepnaam", and a list may name the "Organisatie" (an agency) next to
# the "Ministerie".
_SECOND_CHOICE_ALIASES = frozenset(
    # "Status" next to "Aanwezigheid" is the booking's status ("Bevestigd"), not attendance.
    ("roepnaam", "organisatie", "organisation", "organization", "familienaam", "status")
)
# A header reaching this score is taken as its field; below it, it is only a guess that
# the column-mapping step can offer.
MIN_FIELD_SCORE = 0.5

_STOP_WORDS = frozenset((
    "de", "het", "een", "van", "der", "den", "des", "in", "op", "bij", "voor", "per", "en",
    "of", "om", "te", "ten", "ter", "met", "the", "a", "an", "at", "for", "on", "and",
    "or", "to", "is", "by", "uw", "your", "s",
))  # fmt: skip

_Kind = str  # "date", "name", "number", "place" (attributes); "person", "session", "org"
_ATTRIBUTES: Mapping[str, _Kind] = MappingProxyType({
    **dict.fromkeys(("datum", "date", "dag", "day", "wanneer", "when", "dd"), "date"),
    **dict.fromkeys(("naam", "name", "namen", "names", "titel", "title"), "name"),
    **dict.fromkeys(
        ("nummer", "number", "nr", "no", "num", "id", "code", "kenmerk", "ref", "referentie"),
        "number",
    ),
    **dict.fromkeys(
        ("locatie", "plaats", "place", "location", "venue", "zaal", "room", "stad", "city",
         "lesplaats", "lokaal", "adres", "address", "waar", "where"),
        "place",
    ),
})  # fmt: skip
_SUBJECTS: Mapping[str, _Kind] = MappingProxyType({
    **dict.fromkeys(
        ("deelnemer", "deelnemers", "participant", "participants", "attendee", "attendees",
         "cursist", "cursisten", "medewerker", "medewerkers", "werknemer", "employee",
         "personeel", "personeels", "pers", "staff", "personnel", "persoon", "person",
         "student", "studenten", "p", "ambtenaar", "trainee", "delegate", "collega"),
        "person",
    ),
    **dict.fromkeys(
        ("training", "trainingen", "workshop", "workshops", "sessie", "session", "cursus",
         "course", "bijeenkomst", "les", "module", "opleiding", "programma", "programme",
         "program", "event", "evenement", "meeting", "activiteit", "activity", "leergang",
         "onderwerp", "subject", "class"),
        "session",
    ),
    **dict.fromkeys(
        ("organisatie", "ministerie", "ministry", "departement", "department", "organisation",
         "organization", "org", "werkgever", "employer", "dienst", "directoraat", "bestuursdienst",
         "afdeling", "instantie", "agency"),
        "org",
    ),
})  # fmt: skip
# Words that mean their field whatever else the header says.
_OWN_WORDS: Mapping[str, tuple[Field, float]] = MappingProxyType({
    **dict.fromkeys(("email", "mail", "emailadres", "mailadres", "e"), (Field.EMAIL, 0.9)),
    **dict.fromkeys(
        ("aanwezig", "aanwezigheid", "present", "presence", "attended", "attendance",
         "deelname", "deelgenomen", "presentie", "opkomst", "verschenen", "gekomen", "status",
         "aanwezigen"),
        (Field.ATTENDANCE, 0.9),
    ),
    # An "x" under "Afwezig" means the opposite of one under "Aanwezig": such a column is
    # only offered as a guess, never read as attendance by itself.
    **dict.fromkeys(
        ("afwezig", "afwezigheid", "absent", "absence", "show", "noshow"),
        (Field.ATTENDANCE, 0.45),
    ),
    **dict.fromkeys(
        ("score", "cijfer", "rapportcijfer", "beoordeling", "evaluatie", "evaluation",
         "waardering", "rating", "tevredenheid", "satisfaction", "oordeel", "grade", "punten",
         "evaluatiescore", "eindcijfer"),
        (Field.SCORE, 0.9),
    ),
    **dict.fromkeys(
        ("voornaam", "voornamen", "roepnaam", "firstname", "forename", "givenname"),
        (Field.FIRST_NAME, 0.95),
    ),
    **dict.fromkeys(
        ("achternaam", "familienaam", "geslachtsnaam", "surname", "lastname", "familyname"),
        (Field.LAST_NAME, 0.95),
    ),
    **dict.fromkeys(
        ("tussenvoegsel", "tussenvoegsels", "voorvoegsel", "tussenv", "prefix", "infix"),
        (Field.NAME_PREFIX, 0.95),
    ),
})  # fmt: skip
# Two-word forms of the words above: "first name", "e mail", "no show".
_WORD_PAIRS: Mapping[tuple[str, str], str] = MappingProxyType({
    ("first", "name"): "firstname", ("given", "name"): "givenname",
    ("last", "name"): "lastname", ("family", "name"): "familyname",
    ("e", "mail"): "email", ("no", "show"): "noshow",
})  # fmt: skip
# A header with one of these is about something else: a birth or registration date, the
# trainer's name, a remark. It is no field at all.
_OTHER_THINGS = frozenset((
    "geboorte", "geboortedatum", "geboren", "birth", "birthday", "dob", "aanmeld",
    "aanmelding", "aanmelddatum", "inschrijving", "inschrijfdatum", "registratie",
    "registration", "boeking", "booking", "gewijzigd", "modified", "aangemaakt", "created",
    "export", "factuur", "invoice", "betaald", "betaling", "paid", "prijs", "kosten", "price",
    "cost", "telefoon", "telefoonnummer", "phone", "mobiel", "mobile", "tel", "functie",
    "job", "manager", "leidinggevende", "trainer", "docent", "begeleider", "instructor",
    "teacher", "facilitator", "coach", "opmerking", "opmerkingen", "remark", "remarks",
    "comment", "comments", "notes", "note", "toelichting", "handtekening", "signature",
    "paraaf", "bsn", "geslacht", "gender", "leeftijd", "age", "dieet", "diet", "eind", "end",
    "einddatum", "duur", "duration", "uren", "hours", "vervaldatum",
    "verloopt", "expiry", "geldig", "valid", "order", "bestelling", "besteldatum",
    "bestel", "purchase", "aankoop", "ticket", "verzonden", "verzenddatum", "sent",
))  # fmt: skip
# A header that only says what to fill in ("Ja/Nee", "Y/N") is the attendance.
_YES_NO_WORDS = frozenset(("ja", "nee", "j", "n", "yes", "no", "y"))
# Known words that mean nothing by themselves, so that "Starttijd" is split.
_NEUTRAL_WORDS = frozenset(("start", "begin", "tijd", "time", "ja", "nee", "yes"))
_VOCABULARY = frozenset(
    (*_ATTRIBUTES, *_SUBJECTS, *_OWN_WORDS, *_OTHER_THINGS, *_STOP_WORDS, *_NEUTRAL_WORDS)
)
# Dutch compounds join words with a linking -s- or -e- ("trainingsdatum", "deelnemersnaam").
_LINKS = ("", "s", "e", "en")


@lru_cache(maxsize=4096)
def _split_compound(word: str) -> tuple[str, ...]:
    """Split "workshopdatum" into ("workshop", "datum"); unknown words stay whole."""
    if word in _VOCABULARY or len(word) < 5:
        return (word,)
    for cut in range(len(word) - 2, 1, -1):
        head, rest = word[:cut], word[cut:]
        if head not in _VOCABULARY or head in _STOP_WORDS:
            continue
        for link in _LINKS:
            tail = rest.removeprefix(link) if link else rest
            if link and not rest.startswith(link):
                continue
            parts = _split_compound(tail)
            if all(part in _VOCABULARY for part in parts):
                return (head, *parts)
    return (word,)


@lru_cache(maxsize=1024)
def header_tokens(text: str) -> tuple[str, ...]:
    """The words of a header without hints in brackets, stop words and compounds.

    "Datum workshop (dd-mm)" -> ("datum", "workshop"); "Trainingsdatum" -> ("training",
    "datum"); "Naam van de deelnemer:" -> ("naam", "deelnemer").
    """
    unbracketed = _BRACKETED.sub(" ", text)
    if unbracketed.strip():
        text = unbracketed
    # Numbers in a header ("Score /10", "Sessie 2") say nothing about its field.
    words = [word for word in _NOT_ALPHANUMERIC.split(_fold(text)) if word and not word.isdigit()]
    joined: list[str] = []
    for word in words:
        if joined and (joined[-1], word) in _WORD_PAIRS:
            joined[-1] = _WORD_PAIRS[joined[-1], word]
        else:
            joined.append(word)
    tokens: list[str] = []
    for word in joined:
        tokens.extend(part for part in _split_compound(word) if part not in _STOP_WORDS)
    return tuple(tokens)


# What an attribute of a subject means; None as the subject is the attribute alone.
_ATTRIBUTE_FIELDS: Mapping[tuple[_Kind, _Kind | None], tuple[Field, float]] = MappingProxyType({
    ("date", None): (Field.SESSION_DATE, 0.9),
    ("date", "session"): (Field.SESSION_DATE, 0.95),
    ("name", None): (Field.FULL_NAME, 0.85),
    ("name", "person"): (Field.FULL_NAME, 0.95),
    ("name", "session"): (Field.PROGRAMME, 0.9),
    ("name", "org"): (Field.DEPARTMENT, 0.9),
    ("number", None): (Field.EMPLOYEE_NUMBER, 0.4),
    ("number", "person"): (Field.EMPLOYEE_NUMBER, 0.95),
    ("number", "session"): (Field.SESSION_ID, 0.9),
    ("place", None): (Field.SESSION_PLACE, 0.85),
    ("place", "session"): (Field.SESSION_PLACE, 0.9),
})  # fmt: skip
_SUBJECT_FIELDS: Mapping[_Kind, tuple[Field, float]] = MappingProxyType({
    "person": (Field.FULL_NAME, 0.8),
    "session": (Field.PROGRAMME, 0.75),
    "org": (Field.DEPARTMENT, 0.85),
})  # fmt: skip
# Each word that the header's meaning does not explain lowers its score by this much.
_UNEXPLAINED_WORD_COST = 0.1


@lru_cache(maxsize=4096)
def header_field_scores(text: str) -> Mapping[Field, float]:
    """How well a header fits each field, from 0 to 1; fields it cannot mean are absent.

    An alias from DEFAULT_ALIASES scores 1. Otherwise the header is read word by word:
    "Datum workshop" is the session date (0.95), "Deelname" attendance (0.9), "Naam
    training" the programme, "Geboortedatum" nothing at all.
    """
    key = normalise_header(text)
    field = _DEFAULT_LOOKUP.get(key)
    if field is not None:
        return MappingProxyType({field: 0.95 if key in _SECOND_CHOICE_ALIASES else 1.0})
    tokens = header_tokens(text)
    if not tokens or any(token in _OTHER_THINGS for token in tokens):
        return MappingProxyType({})
    if set(tokens) <= _YES_NO_WORDS:
        return MappingProxyType({Field.ATTENDANCE: 0.6})
    own = {_OWN_WORDS[token][0] for token in tokens if token in _OWN_WORDS}
    if {Field.FIRST_NAME, Field.LAST_NAME} <= own:
        # "Achternaam, voornaam" or "Voornaam + achternaam": the whole name in one column.
        return MappingProxyType({Field.FULL_NAME: 0.95})
    scores: dict[Field, float] = {}

    def offer(field: Field, score: float, explained: int) -> None:
        score -= _UNEXPLAINED_WORD_COST * (len(tokens) - explained)
        if score > scores.get(field, 0.0):
            scores[field] = round(score, 2)

    for token in tokens:
        if token in _OWN_WORDS:
            offer(*_OWN_WORDS[token], explained=1)
    attributes = [_ATTRIBUTES[token] for token in tokens if token in _ATTRIBUTES]
    subjects = [_SUBJECTS[token] for token in tokens if token in _SUBJECTS]
    subject = subjects[0] if subjects else None
    explained = (1 if attributes else 0) + (1 if subjects else 0)
    if attributes and (meaning := _ATTRIBUTE_FIELDS.get((attributes[0], subject))):
        offer(*meaning, explained=explained)
    elif subject is not None and not attributes:
        offer(*_SUBJECT_FIELDS[subject], explained=1)
    if "sessie" in tokens or "session" in tokens:
        # A bare "Sessie" holds a session's name or number as often as its programme.
        offer(Field.SESSION_ID, 0.45, explained=explained or 1)
    return MappingProxyType(scores)


@dataclass(frozen=True, slots=True)
class ColumnGuess:
    """One column that may hold a field, for the preview and the column-mapping step."""

    column: int
    header: str
    field: Field
    score: float
    samples: tuple[str, ...] = ()

    def as_dict(self) -> dict[str, object]:
        return {
            "column": self.column,
            "header": self.header,
            "field": self.field.value,
            "score": self.score,
            "samples": list(self.samples),
        }


@dataclass(slots=True)
class ColumnAssignment:
    """Which column holds which field, how sure that is, and what was left over.

    `ties` lists fields that two or more columns fit equally well and best; such a field
    is not assigned, because which column is meant cannot be known from the headers.
    """

    columns: dict[Field, int] = dataclass_field(default_factory=dict)
    guesses: list[ColumnGuess] = dataclass_field(default_factory=list)
    ties: dict[Field, list[int]] = dataclass_field(default_factory=dict)


def assign_columns(
    headers: Sequence[str], profile: Mapping[str, Field | None] | None = None
) -> ColumnAssignment:
    """Give each field the column that fits it best; no column serves two fields.

    A header in the supplier's profile is fixed first (mapped to None: never used). Then
    the remaining (column, field) pairs are taken best score first, which resolves a
    header that could mean two things by what the other headers already claimed.
    """
    profile = profile or {}
    result = ColumnAssignment()
    taken: set[int] = set()
    candidates: list[tuple[float, int, Field]] = []
    for index, header in enumerate(headers):
        if not header:
            continue
        key = normalise_header(header)
        if key in profile:
            fixed = profile[key]
            taken.add(index)
            if fixed is not None and fixed not in result.columns:
                result.columns[fixed] = index
                result.guesses.append(ColumnGuess(index, header, fixed, 1.0))
            continue
        for candidate, score in header_field_scores(header).items():
            result.guesses.append(ColumnGuess(index, header, candidate, score))
            if score >= MIN_FIELD_SCORE:
                candidates.append((score, index, candidate))
    candidates.sort(key=lambda item: (-item[0], item[1]))
    for score, index, candidate in candidates:
        if index in taken or candidate in result.columns or candidate in result.ties:
            continue
        rivals = [
            other
            for other_score, other, other_field in candidates
            if other_field is candidate and other_score == score and other not in taken
        ]
        if len(rivals) > 1:
            result.ties[candidate] = rivals
            taken.update(rivals)
            continue
        result.columns[candidate] = index
        taken.add(index)
    _read_naam_as_last_name(headers, result)
    result.guesses.sort(key=lambda guess: (guess.field, -guess.score, guess.column))
    return result


def _read_naam_as_last_name(headers: Sequence[str], result: ColumnAssignment) -> None:
    """Next to a first-name column, a bare "Naam" is the surname ("Voornaam | Naam")."""
    full = result.columns.get(Field.FULL_NAME)
    if (
        full is not None
        and Field.FIRST_NAME in result.columns
        and Field.LAST_NAME not in result.columns
        and header_tokens(headers[full]) in (("naam",), ("name",))
    ):
        result.columns[Field.LAST_NAME] = result.columns.pop(Field.FULL_NAME)
