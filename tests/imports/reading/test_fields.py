from __future__ import annotations

import pytest

from imports.reading.fields import (
    DEFAULT_ALIASES,
    MIN_FIELD_SCORE,
    Field,
    assign_columns,
    default_header_lookup,
    header_field_scores,
    header_tokens,
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


# --- headers by meaning --------------------------------------------------------------

D, A, N, F, L, P, E = (
    Field.SESSION_DATE,
    Field.ATTENDANCE,
    Field.FULL_NAME,
    Field.FIRST_NAME,
    Field.LAST_NAME,
    Field.NAME_PREFIX,
    Field.EMAIL,
)
EMP, DEP, PROG, PLACE, SID, SCORE = (
    Field.EMPLOYEE_NUMBER,
    Field.DEPARTMENT,
    Field.PROGRAMME,
    Field.SESSION_PLACE,
    Field.SESSION_ID,
    Field.SCORE,
)


@pytest.mark.parametrize(
    ("header", "tokens"),
    [
        ("Datum workshop (dd-mm-jjjj)", ("datum", "workshop")),
        ("Trainingsdatum", ("training", "datum")),
        ("Deelnemersnaam", ("deelnemers", "naam")),
        ("Naam van de deelnemer:", ("naam", "deelnemer")),
        ("E-mail", ("email",)),
        ("First Name", ("firstname",)),
        ("Beoordeling /10", ("beoordeling",)),
        ("Présent?", ("present",)),
        ("Starttijd", ("start", "tijd")),
    ],
)
def test_header_tokens_drop_hints_stop_words_and_split_compounds(
    header: str, tokens: tuple[str, ...]
) -> None:
    assert header_tokens(header) == tokens


@pytest.mark.parametrize(
    ("header", "field"),
    [
        ("Datum workshop", D),
        ("Workshopdatum", D),
        ("Datum van de training", D),
        ("Date of session", D),
        ("Datum / tijd", D),
        ("Startdatum training", D),
        ("Dag", D),
        ("Deelname", A),
        ("Aanwezig ja/nee", A),
        ("Present (Y/N)", A),
        ("Attended (yes/no)", A),
        ("Opkomst", A),
        ("Naam deelnemer", N),
        ("Naam van de deelnemer", N),
        ("Participant", N),
        ("Cursist", N),
        ("Medewerker", N),
        ("Organisatie", DEP),
        ("Ministry", DEP),
        ("Ministerie / organisatie", DEP),
        ("Naam organisatie", DEP),
        ("Werkgever", DEP),
        ("Naam training", PROG),
        ("Workshop", PROG),
        ("Sessie", PROG),
        ("Onderwerp", PROG),
        ("Training code", SID),
        ("Sessie-nr.", SID),
        ("Medewerker ID", EMP),
        ("Personeelsnr.", EMP),
        ("Employee No.", EMP),
        ("E-mail adres deelnemer", E),
        ("E mail", E),
        ("Locatie training", PLACE),
        ("Zaal", PLACE),
        ("Score (1-5)", SCORE),
        ("Evaluatiecijfer", SCORE),
        ("Beoordeling training /10", SCORE),
        ("Waardering (1 t/m 10)", SCORE),
        ("Roepnaam", F),
        ("Family name", L),
        ("Tussenv.", P),
    ],
)
def test_it_recognises_a_header_by_its_words(header: str, field: Field) -> None:
    scores = header_field_scores(header)
    assert max(scores, key=lambda candidate: scores[candidate]) is field
    assert scores[field] >= MIN_FIELD_SCORE


@pytest.mark.parametrize(
    "header",
    [
        "Geboortedatum",
        "Aanmelddatum",
        "Datum inschrijving",
        "Naam trainer",
        "E-mail leidinggevende",
        "Opmerkingen",
        "Handtekening",
        "Telefoonnummer",
        "Functie",
        "Einddatum",
        "Starttijd",
        "#",
        "",
        "Kolom1",
    ],
)
def test_headers_about_something_else_are_no_field(header: str) -> None:
    assert header_field_scores(header) == {}


def test_an_alias_scores_higher_than_a_header_read_word_by_word() -> None:
    assert header_field_scores("Datum")[D] == 1.0
    assert header_field_scores("Datum workshop")[D] < 1.0


# Header rows as suppliers' office assistants type them; None is a column not used.
HEADER_ROWS = [
    (
        ["Nr.", "Naam deelnemer", "Organisatie", "Datum workshop", "Deelname", "Opmerkingen"],
        [None, N, DEP, D, A, None],
    ),
    (
        [
            "Voornaam",
            "Tussenvoegsel",
            "Achternaam",
            "E-mailadres",
            "Ministerie",
            "Datum",
            "Aanwezig",
        ],
        [F, P, L, E, DEP, D, A],
    ),
    (
        ["Participant", "Ministry", "Email", "Date", "Training", "Present (Y/N)", "Score (1-5)"],
        [N, DEP, E, D, PROG, A, SCORE],
    ),
    (
        ["Achternaam, voornaam", "Departement", "Trainingsdatum", "Presentie", "Cijfer (1-10)"],
        [N, DEP, D, A, SCORE],
    ),
    (
        ["Voornaam", "Naam", "Organisatie", "Datum", "Aanwezig"],
        [F, L, DEP, D, A],
    ),
    (
        ["Workshop", "Datum", "Locatie", "Deelnemer", "E-mail", "Status", "Handtekening"],
        [PROG, D, PLACE, N, E, A, None],
    ),
    (
        ["Sessie", "Sessiedatum", "Naam", "Aanwezigheid", "Evaluatie"],
        [PROG, D, N, A, SCORE],
    ),
    (
        ["Personeelsnummer", "Geboortedatum", "Naam", "Datum training", "Aanwezig ja/nee"],
        [EMP, None, N, D, A],
    ),
    (
        ["Aanmelddatum", "Naam", "E-mail", "Datum sessie", "Deelgenomen", "Naam trainer"],
        [None, N, E, D, A, None],
    ),
    (
        ["First name", "Last name", "E-mail address", "Department", "Session date", "Attended"],
        [F, L, E, DEP, D, A],
    ),
    (
        ["Naam training", "Datum", "Naam deelnemer", "Ministerie", "Aanwezig"],
        [PROG, D, N, DEP, A],
    ),
    (
        ["Training ID", "Employee ID", "Full name", "Date", "Attendance", "Rating /10"],
        [SID, EMP, N, D, A, SCORE],
    ),
    (  # a booking system's export
        [
            "Order #",
            "Order Date",
            "First Name",
            "Last Name",
            "Email",
            "Ticket Type",
            "Attendee Status",
            "Check-In Date",
        ],
        [None, None, F, L, E, None, A, D],
    ),
    (
        [
            "Boekingsnummer",
            "Besteldatum",
            "Naam",
            "E-mail",
            "Organisatie",
            "Cursusdatum",
            "Aanwezig",
            "Certificaat",
        ],
        [None, None, N, E, DEP, D, A, None],
    ),
    (
        [
            "ID",
            "Naam",
            "Functie",
            "Afdeling",
            "Ministerie",
            "Datum",
            "Aanwezig (x)",
            "Evaluatie (1-5)",
        ],
        [None, N, None, None, DEP, D, A, SCORE],
    ),
    (
        [
            "Achternaam",
            "Voorletters",
            "Tussenvoegsel",
            "Roepnaam",
            "Dienst",
            "Datum bijeenkomst",
            "Presentie",
        ],
        [L, None, P, F, DEP, D, A],
    ),
    (
        [
            "Deelnemer",
            "Organisatie",
            "Datum",
            "Starttijd",
            "Eindtijd",
            "Locatie",
            "Aanwezig",
            "Opmerking",
        ],
        [N, DEP, D, None, None, PLACE, A, None],
    ),
    (
        [
            "Name",
            "Organisation",
            "Email",
            "Course",
            "Course date",
            "Venue",
            "Attendance",
            "Overall rating (out of 10)",
        ],
        [N, DEP, E, PROG, D, PLACE, A, SCORE],
    ),
    (
        ["Volgnr", "Naam + voorletters", "Ministerie", "Sessiecode", "Datum", "Ja/Nee"],
        [None, N, DEP, SID, D, A],
    ),
]


@pytest.mark.parametrize(("headers", "fields"), HEADER_ROWS)
def test_it_assigns_each_column_its_best_field(
    headers: list[str], fields: list[Field | None]
) -> None:
    assignment = assign_columns(headers)
    expected = {field: index for index, field in enumerate(fields) if field is not None}
    assert assignment.columns == expected
    assert assignment.ties == {}


def test_a_column_is_never_used_for_two_fields_and_the_better_header_wins() -> None:
    # "Datum sessie" is an alias; "Sessie datum/tijd" fits less well and is left over.
    assignment = assign_columns(["Naam", "Sessie datum/tijd", "Datum sessie", "Aanwezig"])
    assert assignment.columns[D] == 2
    assert 1 not in assignment.columns.values()


def test_two_headers_that_fit_equally_well_are_a_tie_not_a_guess() -> None:
    assignment = assign_columns(["Naam", "Datum", "Aanwezig", "Aanwezigheid"])
    assert assignment.ties == {A: [2, 3]}
    assert A not in assignment.columns


def test_the_guesses_keep_every_candidate_with_its_score() -> None:
    assignment = assign_columns(["Naam", "Nr.", "Datum workshop", "Deelname"])
    guesses = {(guess.header, guess.field): guess.score for guess in assignment.guesses}
    assert guesses[("Nr.", EMP)] < MIN_FIELD_SCORE  # a guess only: not assigned
    assert EMP not in assignment.columns
    assert guesses[("Datum workshop", D)] == 0.95
    assert guesses[("Deelname", A)] == 0.9


def test_a_profile_fixes_its_headers_before_the_guessing() -> None:
    profile = profile_header_lookup({"Datum": "", "Dag van de training": "session_date"})
    assignment = assign_columns(["Naam", "Datum", "Dag van de training", "Aanwezig"], profile)
    assert assignment.columns == {N: 0, D: 2, A: 3}


@pytest.mark.parametrize(
    ("headers", "field", "column"),
    [
        (["Voornaam", "Roepnaam", "Achternaam", "Datum", "Aanwezig"], F, 0),
        (["Roepnaam", "Voornaam", "Achternaam", "Datum", "Aanwezig"], F, 1),
        (["Naam", "Organisatie", "Ministerie", "Datum", "Aanwezig"], DEP, 2),
    ],
)
def test_a_plainer_alias_wins_from_a_second_choice_one(
    headers: list[str], field: Field, column: int
) -> None:
    assignment = assign_columns(headers)
    assert assignment.columns[field] == column
    assert assignment.ties == {}
