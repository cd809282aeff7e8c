"""One way to compare people's names, so a colleague is found however they were typed.

"Jan van den Berg", "Berg, Jan van den", "JAN VAN DEN BERG" and "Jan v.d. Berg" all
fold to the same key. Only used to *suggest* that two people may be the same: a match
never merges or refuses anything by itself.
"""

from __future__ import annotations

import re
import unicodedata

# Dutch (and a few neighbouring) surname particles. They are written in so many ways
# ("van der", "v.d.", "Van Der", or moved behind the name in lists) that the key leaves
# them out entirely.
PARTICLES = frozenset(
    {
        "van",
        "der",
        "den",
        "de",
        "het",
        "ten",
        "ter",
        "te",
        "in",
        "t",
        "op",
        "aan",
        "uit",
        "vd",
        "v",
        "d",
        "von",
        "zu",
        "la",
        "le",
        "du",
        "di",
        "da",
        "del",
        "dos",
        "el",
        "al",
    }
)

_NOT_WORD = re.compile(r"[^a-z0-9]+")


def clean_name(text: str) -> str:
    """A name as stored: NFC, without control or formatting characters, single spaces.

    Formatting characters such as U+202E (right-to-left override) make a name display
    reversed or hide text; no real name needs them.
    """
    composed = unicodedata.normalize("NFC", text)
    visible = "".join(c for c in composed if unicodedata.category(c) not in ("Cc", "Cf"))
    return " ".join(visible.split())


def fold(text: str) -> str:
    """Case-folded, accents stripped, punctuation to spaces, spaces collapsed."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    ascii_only = "".join(c for c in decomposed if not unicodedata.combining(c))
    # Apostrophes join rather than split: "d'Ancona" and "Dancona" should meet.
    ascii_only = ascii_only.replace("'", "").replace("\u2019", "")
    return " ".join(_NOT_WORD.sub(" ", ascii_only).split())


def name_key(first_name: str, last_name: str = "") -> str:
    """The comparable key of a name, given as two parts or as one text.

    The key is the sorted words without particles, so list order ("Berg, Jan van den"),
    which part holds "van der", and initials with or without dots do not matter.
    """
    words = [word for word in fold(f"{first_name} {last_name}").split() if word not in PARTICLES]
    return " ".join(sorted(words))


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
