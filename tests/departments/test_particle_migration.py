"""Migration departments/0006: particles move out of the last names stored before, and back."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = ("departments", "0005_person_particle")
AFTER = ("departments", "0006_move_particles_out_of_last_names")

# Stored last name -> (particle, last name) after the migration.
CASES = {
    "de Vries": ("de", "Vries"),
    "van der Berg": ("van der", "Berg"),
    "Van den Berg": ("van den", "Berg"),
    "van ’t Hof": ("van 't", "Hof"),
    "ter Horst": ("ter", "Horst"),
    "de la Croix": ("de la", "Croix"),
    "el Amrani": ("el", "Amrani"),
    "El Amrani": ("", "El Amrani"),
    "Jansen-de Vries": ("", "Jansen-de Vries"),
    "de Vries-Jansen": ("de", "Vries-Jansen"),
    "Jansen": ("", "Jansen"),
    "de": ("", "de"),
    "van der": ("", "van der"),
}


def migrate(target: tuple[str, str]):
    executor = MigrationExecutor(connection)
    executor.migrate([target])
    return executor.loader.project_state([target]).apps


@pytest.fixture
def at_0004() -> Iterator[None]:
    migrate(BEFORE)
    yield
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())


def test_particles_move_out_of_last_names_and_back_again(at_0004) -> None:
    apps = migrate(BEFORE)
    department = apps.get_model("departments", "Department").objects.create(
        code="MIG", name_nl="Migratie", name_en="Migration"
    )
    person_model = apps.get_model("departments", "Person")
    for number, last_name in enumerate(CASES):
        person_model.objects.create(
            first_name="Anna", last_name=last_name, department=department, email=f"{number}@x.nl"
        )

    after = migrate(AFTER).get_model("departments", "Person").objects.order_by("pk")
    moved = list(after.values_list("particle", "last_name"))
    assert moved == list(CASES.values())

    back = migrate(BEFORE).get_model("departments", "Person").objects.order_by("pk")
    restored = list(back.values_list("last_name", flat=True))
    # Back in front, in small letters: "Van den Berg" returns as "van den Berg".
    assert restored == [
        " ".join(part for part in (particle, last) if part) for particle, last in CASES.values()
    ]
