"""DepartmentIndex: which ministry a supplier means, however it was written.

The ministries are the ones the migrations load (codes, names, aliases, former names and
agencies), as on every installation.
"""

from __future__ import annotations

import pytest

from departments.matching import DepartmentIndex
from departments.models import Department, DepartmentAlias

pytestmark = pytest.mark.django_db


@pytest.fixture
def index() -> DepartmentIndex:
    return DepartmentIndex.load()


@pytest.mark.parametrize(
    ("written", "code"),
    [
        # codes and names as written
        ("BZK", "BZK"),
        ("bzk", "BZK"),
        ("Min. BZK", "BZK"),
        ("Ministerie van BZK", "BZK"),
        ("Ministerie van Binnenlandse Zaken en Koninkrijksrelaties", "BZK"),
        ("ministerie van binnenlandse zaken & koninkrijksrelaties", "BZK"),
        ("Ministry of the Interior and Kingdom Relations", "BZK"),
        ("J&V", "JenV"),
        ("J & V", "JenV"),
        ("JenV", "JenV"),
        ("Ministerie van Justitie en Veiligheid", "JenV"),
        ("Financiën", "FIN"),
        ("FINANCIEN", "FIN"),
        ("Min Fin", "FIN"),
        ("OC&W", "OCW"),
        ("OCenW", "OCW"),
        # words in another order, and former names
        ("Veiligheid en Justitie", "JenV"),
        ("V&J", "JenV"),
        ("Infrastructuur en Milieu", "IenW"),
        ("I&M", "IenW"),
        ("Waterstaat en Infrastructuur", "IenW"),
        ("Economische Zaken en Klimaat", "EZ"),
        ("Landbouw, Natuur en Voedselkwaliteit", "LVVN"),
        # a ministry with a part of it, or an agency
        ("BZK/DGOO", "BZK"),
        ("BZK - DGOO", "BZK"),
        ("BZK – Logius", "BZK"),
        ("Financiën (Belastingdienst)", "FIN"),
        ("Belastingdienst", "FIN"),
        ("Rijkswaterstaat", "IenW"),
        ("IND", "AenM"),
        ("  Defensie  ", "DEF"),
    ],
)
def test_a_ministry_is_found_however_a_supplier_writes_it(
    index: DepartmentIndex, written: str, code: str
) -> None:
    found = index.resolve(written)
    assert found is not None, written
    assert found.code == code


@pytest.mark.parametrize(
    "written",
    [
        "",
        "   ",
        "Ministerie",
        "Gemeente Utrecht",
        "Mars",
        # two known parts naming two ministries: neither is guessed
        "BZK/FIN",
        "Financiën (Rijkswaterstaat)",
    ],
)
def test_what_names_no_ministry_or_several_is_not_guessed(
    index: DepartmentIndex, written: str
) -> None:
    assert index.resolve(written) is None


def test_every_name_the_installation_knows_names_exactly_one_ministry() -> None:
    departments = list(Department.objects.prefetch_related("aliases"))
    index = DepartmentIndex(departments)
    for department in departments:
        for name in [department.code, department.name_nl, department.name_en]:
            assert index.resolve(name) == department, name
        for alias in department.aliases.all():
            assert index.resolve(alias.name) == department, alias.name


def test_a_name_two_ministries_share_names_neither() -> None:
    DepartmentAlias.objects.create(
        name="Landbouw en Klimaat", department_id=Department.objects.get(code="KGG").pk
    )
    DepartmentAlias.objects.create(
        name="Klimaat en Landbouw", department_id=Department.objects.get(code="LVVN").pk
    )
    index = DepartmentIndex.load()
    assert index.resolve("Landbouw en Klimaat") is None
    assert index.resolve("klimaat landbouw") is None
    assert {d.code for d in index.suggest("Landbouw en Klimaat")} >= {"KGG", "LVVN"}


def test_an_alias_added_in_the_admin_is_known_to_the_next_index() -> None:
    DepartmentAlias.objects.create(
        name="Dienst Justis", department=Department.objects.get(code="JenV")
    )
    assert DepartmentIndex.load().resolve("dienst justis") == Department.objects.get(code="JenV")


@pytest.mark.parametrize(
    ("written", "expected"),
    [
        ("Binnenlandse Zaken DGOO afdeling X", "BZK"),
        ("Ministerie van Financien en Toeslagen", "FIN"),
        ("Justitie en Veilgheid", "JenV"),  # a typing error
        ("Ministerie van Onderwijs en Cultuur", "OCW"),
    ],
)
def test_an_unknown_name_gets_the_closest_ministries_as_suggestions(
    index: DepartmentIndex, written: str, expected: str
) -> None:
    if index.resolve(written) is not None:
        pytest.fail(f"{written!r} should not resolve by itself")
    suggestions = index.suggest(written)
    assert 1 <= len(suggestions) <= 3
    assert suggestions[0].code == expected


def test_nothing_like_a_ministry_gets_no_suggestion(index: DepartmentIndex) -> None:
    assert index.suggest("Gemeente Utrecht") == []
    assert index.suggest("") == []


def test_the_index_is_built_with_two_queries(django_assert_num_queries) -> None:
    with django_assert_num_queries(2):
        index = DepartmentIndex.load()
    with django_assert_num_queries(0):
        index.resolve("Min. BZK")
        index.suggest("Binnenlandse Zaken")
