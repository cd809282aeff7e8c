"""/people/<pk>/edit/: O&P staff and administrators change a person through person_update."""

from __future__ import annotations

import pytest

from tests.factories import PersonFactory

pytestmark = pytest.mark.django_db

DATA = {"first_name": "Anna", "last_name": "de Vries", "email": "", "employee_number": ""}


def url(person) -> str:
    return f"/people/{person.pk}/edit/"


def test_op_staff_change_their_own_person(client, op_user, department) -> None:
    person = PersonFactory(department=department)
    client.force_login(op_user)
    assert client.get(url(person)).status_code == 200
    response = client.post(url(person), {**DATA, "email": "Anna@Example.nl"})
    assert response.status_code == 302
    person.refresh_from_db()
    assert (person.full_name, person.email) == ("Anna de Vries", "anna@example.nl")
    assert f"/people/{person.pk}/edit/" in client.get(f"/people/{person.pk}/").content.decode()


def test_an_outsider_gets_a_404_and_changes_nothing(client, outsider, department) -> None:
    person = PersonFactory(department=department, first_name="Oud")
    client.force_login(outsider)
    assert client.get(url(person)).status_code == 404
    assert client.post(url(person), DATA).status_code == 404
    person.refresh_from_db()
    assert person.first_name == "Oud"


def test_the_bureau_reads_but_does_not_edit(client, bureau, department) -> None:
    person = PersonFactory(department=department, first_name="Oud")
    client.force_login(bureau)
    assert client.post(url(person), DATA).status_code == 403
    person.refresh_from_db()
    assert person.first_name == "Oud"


def test_an_administrator_edits_anyone(client, admin_user_, other_department) -> None:
    person = PersonFactory(department=other_department)
    client.force_login(admin_user_)
    assert client.post(url(person), DATA).status_code == 302


def test_another_ministrys_email_gets_the_neutral_message(
    client, op_user, department, other_department
) -> None:
    stranger = PersonFactory(department=other_department)
    person = PersonFactory(department=department)
    client.force_login(op_user)
    response = client.post(url(person), {**DATA, "email": stranger.email})
    assert response.status_code == 200
    html = response.content.decode()
    assert "personeelsnummer niet gebruiken. Neem contact op met de beheerder." in html
    assert stranger.full_name not in html
    assert not response.context["form"].errors.get("email")


def test_a_colleagues_email_links_to_that_colleague(client, op_user, department) -> None:
    colleague = PersonFactory(department=department)
    person = PersonFactory(department=department)
    client.force_login(op_user)
    response = client.post(url(person), {**DATA, "email": colleague.email})
    assert "email" in response.context["form"].errors
    assert f'href="/people/{colleague.pk}/"' in response.content.decode()


def test_a_malformed_email_gets_a_field_error_not_a_500(client, op_user, department) -> None:
    person = PersonFactory(department=department)
    client.force_login(op_user)
    response = client.post(url(person), {**DATA, "email": "geen-adres"})
    assert response.status_code == 200
    assert "email" in response.context["form"].errors


def test_the_particle_has_its_own_field_and_a_small_one_typed_in_the_last_name_moves_there(
    client, op_user, department
) -> None:
    person = PersonFactory(department=department, first_name="Anna", last_name="Vries")
    client.force_login(op_user)
    page = client.get(url(person)).content.decode()
    assert 'name="particle"' in page
    assert "Tussenvoegsel" in page
    client.post(url(person), {**DATA, "particle": " Van  Der ", "last_name": "Berg"})
    person.refresh_from_db()
    assert (person.particle, person.last_name, person.full_name) == (
        "van der",
        "Berg",
        "Anna van der Berg",
    )
    client.post(url(person), DATA)  # "de Vries" in the last-name field
    person.refresh_from_db()
    assert (person.particle, person.last_name) == ("de", "Vries")


def test_a_capitalised_particle_typed_in_the_last_name_is_kept_as_typed(
    client, op_user, department
) -> None:
    # A Flemish surname: the particle belongs to it and keeps its capital.
    person = PersonFactory(department=department)
    client.force_login(op_user)
    client.post(url(person), {**DATA, "first_name": "Jan", "last_name": "Van Damme"})
    person.refresh_from_db()
    assert (person.particle, person.last_name, person.full_name) == (
        "",
        "Van Damme",
        "Jan Van Damme",
    )


def test_the_form_shows_the_stored_particle(client, op_user, department) -> None:
    person = PersonFactory(
        department=department, first_name="Anna", particle="de", last_name="Vries"
    )
    client.force_login(op_user)
    form = client.get(url(person)).context["form"]
    assert (form["particle"].value(), form["last_name"].value()) == ("de", "Vries")
