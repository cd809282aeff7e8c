from __future__ import annotations

import pytest

from trainings.imports.fields import (
    DEFAULT_ALIASES,
    Field,
    default_header_lookup,
    normalise_header,
    profile_header_lookup,
)


@pytest.mark.parametrize(
    ("written", "normalised"),
    [
        ("  E-mail adres: ", "emailadres"),
        ("Emailadres", "emailadres"),
        ("E-MAIL-ADRES", "emailadres"),
        ("Pers.nr.", "persnr"),
        ("Evaluatié", "evaluatie"),
        ("Datum (dd-mm-jjjj)", "datum"),
        ("Score [1-10]", "score"),
        ("(opmerking)", "opmerking"),
    ],
)
def test_it_normalises_case_accents_punctuation_and_hints(written: str, normalised: str) -> None:
    assert normalise_header(written) == normalised


def test_every_field_has_default_aliases() -> None:
    assert set(DEFAULT_ALIASES) == set(Field)


@pytest.mark.parametrize(
    ("field", "alias"),
    [(field, alias) for field, aliases in DEFAULT_ALIASES.items() for alias in aliases],
)
def test_every_alias_maps_to_its_field(field: Field, alias: str) -> None:
    assert default_header_lookup()[normalise_header(alias)] is field


def test_no_alias_is_claimed_by_two_fields() -> None:
    keys = [normalise_header(alias) for aliases in DEFAULT_ALIASES.values() for alias in aliases]
    assert len(keys) == len(set(keys))


@pytest.mark.parametrize(
    ("header", "field"),
    [
        ("P-nummer", Field.EMPLOYEE_NUMBER),
        ("Employee ID", Field.EMPLOYEE_NUMBER),
        ("E-mail adres", Field.EMAIL),
        ("Sessie ID", Field.SESSION_ID),
        ("Training ID", Field.SESSION_ID),
        ("Tussenvoegsel:", Field.NAME_PREFIX),
    ],
)
def test_it_matches_spelling_variants_of_aliases(header: str, field: Field) -> None:
    assert default_header_lookup()[normalise_header(header)] is field


def test_a_profile_maps_headers_and_can_ignore_a_column() -> None:
    lookup = profile_header_lookup({"Dag van de training": "session_date", "Status": ""})
    assert lookup == {"dagvandetraining": Field.SESSION_DATE, "status": None}


def test_a_profile_with_an_unknown_field_is_a_configuration_error() -> None:
    with pytest.raises(ValueError, match="unknown field"):
        profile_header_lookup({"Datum": "birthday"})
