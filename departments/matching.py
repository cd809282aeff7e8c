"""Which ministry a supplier means, however they wrote it.

Suppliers write "Min. BZK", "BZK/DGOO", "J&V", "Veiligheid en Justitie" (the old name),
"Financiën (Belastingdienst)" or an agency alone ("Rijkswaterstaat"). The index knows
every code, name and alias (DepartmentAlias, which administrators extend in the admin)
and compares them

1. by code, as written;
2. by the folded name (normalise_department_name: no accents, case, "ministerie van");
3. by the same words in any order ("Veiligheid en Justitie");
4. part by part, for "BZK/DGOO", "BZK - DGOO" and "Financiën (Belastingdienst)",
   as long as every part that is known names the same ministry.

It never guesses beyond that: anything else is unknown, and `suggest` offers the
closest ministries for the person who reviews the row.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable

from departments.models import Department, normalise_department_name

# Where a written department splits into an organisation and a part of it.
_PARTS = re.compile(r"[/|(),;:\[\]]|\s[-–—]\s")
# suggest(): words shorter than this are abbreviations, not names; spellings this similar
# are typing errors; a name sharing this part of the words is worth showing.
_SHORT = 4
_SIMILAR = 0.8
_SHARED = 0.5


def _word_set(key: str) -> str:
    return " ".join(sorted(set(key.split())))


class DepartmentIndex:
    """Every way of writing each department, in memory: build it once per import."""

    def __init__(self, departments: Iterable[Department]) -> None:
        self._by_code: dict[str, Department] = {}
        self._by_key: dict[str, Department] = {}
        self._by_words: dict[str, Department] = {}
        # A key two departments share ("Landbouw" after a reorganisation) names neither.
        self._shared: set[str] = set()
        self._cache: dict[str, Department | None] = {}
        for department in departments:
            self._by_code[department.code.casefold()] = department
            for key in department.lookup_keys():
                self._add(self._by_key, key, department)
                self._add(self._by_words, _word_set(key), department)

    @classmethod
    def load(cls) -> DepartmentIndex:
        return cls(Department.objects.prefetch_related("aliases"))

    def _add(self, index: dict[str, Department], key: str, department: Department) -> None:
        known = index.setdefault(key, department)
        if known.pk != department.pk:
            self._shared.add(key)

    def _whole(self, text: str) -> Department | None:
        by_code = self._by_code.get(text.strip().casefold())
        if by_code is not None:
            return by_code
        key = normalise_department_name(text)
        if not key or key in self._shared:
            return None
        words = _word_set(key)
        if words in self._shared:
            return None
        return self._by_key.get(key) or self._by_words.get(words)

    def resolve(self, text: str | None) -> Department | None:
        """The one department `text` names, or None when it names none or several."""
        if not text or not text.strip():
            return None
        if text not in self._cache:
            found = self._whole(text)
            if found is None:
                parts = {self._whole(part) for part in _PARTS.split(text) if part.strip()}
                named = {department.pk: department for department in parts if department}
                found = next(iter(named.values())) if len(named) == 1 else None
            self._cache[text] = found
        return self._cache[text]

    def suggest(self, text: str, limit: int = 3) -> list[Department]:
        """The departments whose names are closest to `text`, best first, for a reviewer.

        Close means nearly the same spelling (a typing error) or sharing most of the
        words. Codes and other short names are left out of both: "Mars" is as close to
        "RWS" by letters as it is to nothing.
        """
        key = normalise_department_name(text)
        words = {word for word in key.split() if len(word) >= _SHORT}
        scored: dict[int, tuple[float, Department]] = {}
        for known, department in self._by_key.items():
            if len(known) < _SHORT + 1:
                continue
            similarity = difflib.SequenceMatcher(None, key, known).ratio()
            shared = words & set(known.split())
            score = max(
                similarity if similarity >= _SIMILAR else 0.0,
                len(shared) / len(words) if words else 0.0,
            )
            if score >= _SHARED and score > scored.get(department.pk, (0.0, department))[0]:
                scored[department.pk] = (score, department)
        ranked = sorted(scored.values(), key=lambda pair: (-pair[0], pair[1].code))
        return [department for _, department in ranked[:limit]]
