"""One place for people's names: how they are split, shown and compared.

A name is stored in three parts, as the Dutch civil registry does: first name(s), the
particle ("tussenvoegsel": "de", "van der", "van 't") and the last name ("Vries"). It is
shown as "Anna de Vries" and sorted on "Vries".

- split_full_name() reads one text in any common form ("Anna de Vries", "Vries, Anna de",
  "A.M. de Vries", "DE VRIES, Anna") into those parts;
- split_particle() takes the particle off the front of a last name ("de Vries");
- display_name() joins the parts for display;
- name_key() folds any of these forms to one comparable key, for the duplicate check and
  the import's name matching. A match on the key only *suggests* (duplicate check) or
  is one of several checks (import): it never merges anyone by itself.

Which words are particles (decided here, and in README "People"):

- Dutch and German particles ("van", "de", "ter", "'t", "von", ...) count in any case
  after a first name: in Dutch a particle is written small after a first name, so
  "Jan Van Dijk" is sloppy capitals, not a surname "Van Dijk". At the start of a stored
  last name a capitalised one ("De Vries") counts too, as Dutch writes it when the
  surname stands alone.
- Other languages' articles ("el", "al", "la", "da", "di", "dos", ...) count only when
  written small: "Fatima El Amrani" and "Maria Da Silva" keep them in the last name,
  where most Moroccan and Portuguese names are registered; "Maria da Silva" does not.
- A particle always needs a last name after it: "Jan Over" and "de Heer" alone stay
  whole, and a glued "d'Ancona" or "El-Amrani" is one word.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from typing import NamedTuple

# Written small after a first name; capitalised only when the surname stands alone.
DUTCH_PARTICLES = frozenset(
    {
        "van",
        "de",
        "der",
        "den",
        "het",
        "'t",
        "'s",
        "te",
        "ten",
        "ter",
        "in",
        "op",
        "aan",
        "uit",
        "bij",
        "onder",
        "voor",
        "over",
        "von",
        "vom",
        "zu",
        "zum",
        "zur",
    }
)
# Articles of other languages: particles only when written small; capitalised they
# start the surname as most are registered ("El Amrani", "Da Silva").
ARTICLES = frozenset(
    {
        "la",
        "le",
        "les",
        "l'",
        "el",
        "al",
        "da",
        "das",
        "di",
        "do",
        "dos",
        "du",
        "des",
        "del",
        "della",
        "dei",
        "lo",
        "los",
    }
)
# Particles only when written small: capitalised they are names ("Ben") or initials
# ("V.").
SMALL_PARTICLES = ARTICLES | frozenset(
    {
        "ibn",
        "bin",
        "ben",
        "t",
        "v.",
        "v.d.",
        "v.d",
        "vd",
        "vd.",
        "v/d",
    }
)

_NOT_WORD = re.compile(r"[^a-z0-9]+")
_APOSTROPHES = re.compile("[\u2018\u2019\u201b\u0060\u00b4\u02bc]")
_HYPHEN = re.compile(r"\s*[-\u2010\u2011\u2013]\s*")
_INITIAL = re.compile(r"(?:[^\W\d_]\.)+", re.UNICODE)
_LETTERS = re.compile(r"[^\W\d_]+", re.UNICODE)


class NameParts(NamedTuple):
    first_name: str
    particle: str
    last_name: str


def clean_name(text: str) -> str:
    """A name as stored: NFC, without control or formatting characters, single spaces.

    Formatting characters such as U+202E (right-to-left override) make a name display
    reversed or hide text; no real name needs them.
    """
    composed = unicodedata.normalize("NFC", text)
    # isprintable() is False for every control and formatting character (and for tabs
    # and line breaks, which split() handles): most names skip the slow filter.
    if not composed.replace(" ", "").isprintable():
        composed = "".join(c for c in composed if unicodedata.category(c) not in ("Cc", "Cf"))
    return " ".join(composed.split())


def fold(text: str) -> str:
    """Case-folded, accents stripped, punctuation to spaces, spaces collapsed."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    ascii_only = (
        decomposed
        if decomposed.isascii()
        else "".join(c for c in decomposed if not unicodedata.combining(c))
    )
    # Apostrophes join rather than split: "d'Ancona" and "Dancona" should meet.
    ascii_only = _APOSTROPHES.sub("", ascii_only).replace("'", "")
    return " ".join(_NOT_WORD.sub(" ", ascii_only).split())


# Words the key leaves out of the particle and last name (as fold() writes them), so
# "van der", "v.d." and none at all meet. A first name keeps all its words: "Ben" and
# the initial "D." are names there.
PARTICLES = frozenset(
    word for particle in DUTCH_PARTICLES | SMALL_PARTICLES for word in fold(particle).split()
)


def normalise_particle(text: str) -> str:
    """A particle as stored: small letters, one kind of apostrophe, single spaces."""
    return " ".join(_APOSTROPHES.sub("'", clean_name(text)).lower().split())


def display_name(first_name: str, particle: str, last_name: str) -> str:
    """The name as shown: "Anna de Vries", or "De Vries" without a first name."""
    if particle and not first_name and particle[0].isalpha():
        particle = particle[0].upper() + particle[1:]
    return " ".join(part for part in (first_name, particle, last_name) if part)


def _is_particle(word: str, *, any_case: bool, in_run: bool = False) -> bool:
    """Whether `word` is a particle; `in_run`: it follows one ("De La Croix")."""
    small = word.lower()
    if small in SMALL_PARTICLES:
        return word == small or in_run
    return small in DUTCH_PARTICLES and (any_case or word == small)


def is_particle(word: str) -> bool:
    """Whether `word` is a particle where one may stand ("Van", "de", "'t"; "el" but not "El")."""
    return _is_particle(word, any_case=True)


def _particle_run(words: list[str], start: int, *, any_case: bool) -> int:
    """The end of the particles from `start`, or `start` when no last name follows them."""
    end = start
    while end < len(words) and _is_particle(words[end], any_case=any_case, in_run=end > start):
        end += 1
    return end if end < len(words) else start


def split_particle(last_name: str, *, any_case: bool = True) -> tuple[str, str]:
    """("de", "Vries") from "de Vries"; ("", "Vries") when there is no particle.

    With `any_case` False only a particle written small is taken ("de Vries", not
    "De Vries"): the forms have a particle field, so a capital there was meant.
    """
    words = _units(_tidy(last_name).split(" ")) if last_name.strip() else []
    end = _particle_run(words, 0, any_case=any_case)
    return normalise_particle(" ".join(words[:end])), " ".join(words[end:])


def _tidy(text: str) -> str:
    # Tabs and line breaks between words are spaces here, not characters to drop.
    text = _APOSTROPHES.sub("'", clean_name(" ".join(text.split())))
    # "Jansen - de Vries" is one double surname.
    text = _HYPHEN.sub("-", text).strip(" -;")
    return text


def _units(words: list[str]) -> list[str]:
    """Words, with a double surname's second half glued on: "Jansen-de" + "Vries"."""
    units: list[str] = []
    for word in words:
        if units and _open_ended(units[-1]):
            units[-1] = f"{units[-1]} {word}"
        else:
            units.append(word)
    return units


def _open_ended(unit: str) -> bool:
    if "-" not in unit:
        return False
    tail = unit.rsplit("-", 1)[1].split(" ")[-1]
    return tail == "" or tail.lower() in DUTCH_PARTICLES | SMALL_PARTICLES


def _recase(text: str) -> str:
    """Capitals as in a name: "VRIES" and "vries" become "Vries", "A.M." stays."""

    def word(match: re.Match[str]) -> str:
        return match.group(0)[0].upper() + match.group(0)[1:].lower()

    return _LETTERS.sub(word, text)


def _one_case(text: str) -> bool:
    letters = "".join(_LETTERS.findall(text))
    return len(letters) > 1 and (letters.isupper() or letters.islower())


def _join_initials(words: list[str]) -> list[str]:
    """["A.", "M."] as ["A.M."]: one person's initials, however they were spaced."""
    joined: list[str] = []
    for word in words:
        if joined and _INITIAL.fullmatch(word) and _INITIAL.fullmatch(joined[-1]):
            joined[-1] += word
        else:
            joined.append(word)
    return joined


def _small_particles_in_surname(last_name: str) -> str:
    """Small particles inside a double surname: "Jansen-De Vries" is "Jansen-de Vries"."""
    pieces = re.split(r"([- ])", last_name)
    for index in range(2, len(pieces) - 1, 2):
        if pieces[index].lower() in DUTCH_PARTICLES:
            pieces[index] = pieces[index].lower()
    return "".join(pieces)


def _parts(first: str, particle: str, last: str) -> NameParts:
    if _one_case(last) and last.isupper():
        # A surname in capitals, as lists often write it ("Anna de VRIES").
        last = _recase(last)
    return NameParts(
        " ".join(_join_initials(first.split())),
        normalise_particle(particle),
        _small_particles_in_surname(last),
    )


def _split_reading_order(text: str) -> NameParts:
    """Split "Anna Maria de Vries": first names, then the particle and the surname.

    Without a particle the last word is the surname (a double surname has a hyphen), or
    from a capitalised foreign article on ("Fatima El Amrani").
    """
    words = _units(text.split(" "))
    if len(words) == 1:
        return _parts("", "", words[0])
    particle, last = split_particle(text)
    if particle:
        # "de Vries" or "van der Berg" alone: no first name.
        return _parts("", particle, last)
    for start in range(1, len(words)):
        end = _particle_run(words, start, any_case=True)
        if end > start:
            return _parts(
                " ".join(words[:start]), " ".join(words[start:end]), " ".join(words[end:])
            )
        if words[start].lower() in ARTICLES and start < len(words) - 1:
            return _parts(" ".join(words[:start]), "", " ".join(words[start:]))
    return _parts(" ".join(words[:-1]), "", words[-1])


def _trailing_particles(words: list[str]) -> int:
    """Where the particles at the end of `words` start ("Anna" | "van der")."""
    start = len(words)
    while start > 0 and _is_particle(words[start - 1], any_case=True):
        start -= 1
    return start


def _split_surname_first(surname: str, given: str) -> NameParts:
    """Split a name written surname first: "Vries, Anna de", "de Vries, A.", "Vries de, Anna"."""
    surname_words = _units(surname.split(" "))
    given_words = given.split(" ") if given else []
    particle, last = split_particle(surname)
    if particle:
        return _parts(given, particle, last)
    cut = max(_trailing_particles(surname_words), 1)
    if cut < len(surname_words):
        return _parts(given, " ".join(surname_words[cut:]), " ".join(surname_words[:cut]))
    cut = _trailing_particles(given_words)
    if 0 < cut < len(given_words):
        return _parts(" ".join(given_words[:cut]), " ".join(given_words[cut:]), surname)
    if given_words and cut == 0:
        # "Berg, van der" (no first name given).
        return _parts("", given, surname)
    return _parts(given, "", surname)


def split_full_name(text: str) -> NameParts | None:
    """A full name in any common form as (first name, particle, last name).

    Reads "Anna de Vries", "Anna Maria van der Berg", "Vries, Anna de", "Vries, A.",
    "A.M. de Vries", "Jansen-de Vries, Anna", "Berg, van der, Jan", in any case and
    spacing. A text in one case ("ANNA DE VRIES") is given capitals, and so is a
    surname in capitals ("DE VRIES, Anna", "Anna de VRIES"). None for an empty text or
    one with more commas than a name has.
    """
    text = _tidy(text)
    if not _LETTERS.search(text):
        return None
    pieces = [piece.strip() for piece in text.split(",")]
    if len(pieces) == 1:
        return _split_reading_order(_recase(text) if _one_case(text) else text)
    surname, given = pieces[0], " ".join(pieces[1:])
    if len(pieces) == 3:
        # "Berg, van der, Jan" or "Berg, Jan, van der".
        middle, end = pieces[1], pieces[2]
        if end and all(_is_particle(w, any_case=True) for w in end.split(" ")):
            given = f"{middle} {end}"
        elif middle and all(_is_particle(w, any_case=True) for w in middle.split(" ")):
            given = f"{end} {middle}"
        else:
            return None
    elif len(pieces) > 3 or not surname:
        return None
    if _one_case(text):
        surname, given = _recase(surname), _recase(given)
    return _split_surname_first(surname, given.strip())


def _plain_parts(first_name: str, last_name: str) -> bool:
    """Whether the parts are as a form would store them: no list order, no stray particle."""
    if "," in first_name or "," in last_name:
        return False
    words = first_name.split()[-1:] + last_name.split()[-1:]
    return not any(_is_particle(word, any_case=True) for word in words)


# Cached: a file names the same people on many rows, and the register is keyed once per
# import; the key is a pure function of the text.
@lru_cache(maxsize=1 << 16)
def name_key(*parts: str) -> str:
    """The comparable key of a name: one text in any form, or its parts.

    name_key("Vries, Anna de"), name_key("Anna", "de Vries") and, as a person is stored,
    name_key("Anna", "de", "Vries") are all "anna vries". The key is the sorted words of
    the first and last name, without particles, folded (case, accents, punctuation), so
    list order, which part holds "van der", "v.d." and extra spaces do not matter.
    """
    if len(parts) == 3 and _plain_parts(parts[0], parts[2]):
        # Stored parts need no reading, which matters when a file is matched against
        # every person in the register.
        first, last = parts[0], parts[2]
    else:
        text = " ".join(part for part in parts if part and part.strip())
        split = split_full_name(text)
        if split is None:
            return ""
        first, _particle, last = split
    # The particle never counts: it is written in too many ways ("v.d.", "V/d").
    surname = fold(last).split()
    if all(word in PARTICLES for word in fold(first).split() + surname):
        return ""
    # Particles inside the last name ("Jansen-de Vries", "El Amrani") go too, but not
    # its final word: "Jan Over" is not "Jan".
    words = fold(first).split() + [word for word in surname[:-1] if word not in PARTICLES]
    return " ".join(sorted(words + surname[-1:]))


# Letters that fold() turns into a plain one, for searching the stored (unfolded) names.
_VARIANTS = {
    "a": "aàáâãäåā",
    "c": "cçč",
    "e": "eèéêëēė",
    "i": "iìíîïī",
    "n": "nñ",
    "o": "oòóôõöō",
    "s": "sš",
    "u": "uùúûüū",
    "y": "yýÿ",
    "z": "zž",
}


def word_pattern(word: str) -> str:
    """A case-insensitive regex finding `word` (from fold()) in a name as it was stored.

    Accented letters and apostrophes, which fold() removed, are allowed back in, so the
    database can narrow the candidates before name_key() compares them exactly.
    """
    parts = []
    for char in word:
        variants = _VARIANTS.get(char, char)
        parts.append(f"[{variants}{variants.upper()}]")
    return "['\u2019]?".join(parts)
