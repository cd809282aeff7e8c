"""/imports/sessions/: administrators upload a supplier's schedule, check it (nothing is
saved) or import it, and see what was new, updated, unchanged or refused, in Dutch."""

from __future__ import annotations

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from imports.models import ImportProfile
from tests.factories import DepartmentFactory, SupplierFactory
from trainings.models import TrainingSession

pytestmark = pytest.mark.django_db
URL = "/imports/sessions/"


def day(offset: int) -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=offset)


def schedule(*extra: str) -> SimpleUploadedFile:
    rows = [
        "Rooster workshops",
        "Sessie ID;Datum;Begintijd;Eindtijd;Locatie;Programma;Capaciteit;Ministerie",
        f"S-1;{day(10):%d-%m-%Y};9:30;12:30;Utrecht;Objectief selecteren;16;",
        f"S-2;{day(20):%d-%m-%Y};13:00;16:00;Zwolle;Objectief selecteren;20;BZK",
        *extra,
    ]
    return SimpleUploadedFile("rooster.csv", ("\n".join(rows) + "\n").encode())


def post(client, supplier, action: str, file=None, **extra):
    data = {"supplier": supplier.pk, "file": file or schedule(), "action": action, **extra}
    return client.post(URL, data)


@pytest.fixture
def bzk():
    return DepartmentFactory(code="BZK")


def test_checking_saves_nothing_and_says_what_would_change(
    client, admin_user_, supplier, bzk
) -> None:
    client.force_login(admin_user_)
    page = post(client, supplier, "check").content.decode()
    assert not TrainingSession.objects.exists()
    assert "Wat het inlezen zou doen" in page
    assert "2 nieuwe sessies" in page
    assert "Er is niets opgeslagen." in page
    assert "Alleen gecontroleerd: er is niets opgeslagen." in page


def test_importing_creates_then_finds_the_sessions_again(
    client, admin_user_, supplier, bzk
) -> None:
    client.force_login(admin_user_)
    page = post(client, supplier, "apply").content.decode()
    assert "Het rooster is ingelezen." in page
    assert "2 nieuwe sessies" in page
    own = TrainingSession.objects.get(external_id="S-2")
    assert (own.place, own.capacity, own.department) == ("Zwolle", 20, bzk)
    page = post(client, supplier, "apply").content.decode()
    assert "2 sessies ongewijzigd" in page
    assert TrainingSession.objects.count() == 2


def test_refused_rows_are_listed_and_block_the_file_unless_asked(
    client, admin_user_, supplier, bzk
) -> None:
    client.force_login(admin_user_)
    bad = (
        f"S-3;{day(-3):%d-%m-%Y};9:00;10:00;Den Haag;;;",
        f"S-4;{day(5):%d-%m-%Y};25:00;;Delft;;;",
    )
    page = post(client, supplier, "apply", schedule(*bad)).content.decode()
    assert not TrainingSession.objects.exists()
    assert "2 rijen geweigerd" in page
    assert "Deze sessie ligt in het verleden." in page
    assert "“25:00” is geen tijd." in page
    assert "Er is niets opgeslagen: sommige rijen hebben een probleem." in page
    page = post(client, supplier, "apply", schedule(*bad), hold_invalid="on").content.decode()
    assert TrainingSession.objects.count() == 2
    assert "Het rooster is ingelezen." in page


def test_a_profile_of_another_supplier_and_an_unreadable_file_are_refused(
    client, admin_user_, supplier
) -> None:
    other = ImportProfile.objects.create(
        supplier=SupplierFactory(code="OTH"), name="Ander", mapping={"Dag": "session_date"}
    )
    client.force_login(admin_user_)
    page = post(client, supplier, "apply", profile=other.pk).content.decode()
    assert "Dit profiel hoort bij een andere leverancier." in page
    junk = SimpleUploadedFile("rooster.xlsx", b"not a spreadsheet at all")
    response = post(client, supplier, "apply", junk)
    assert response.status_code == 200
    assert 'class="field-error"' in response.content.decode()
    assert not TrainingSession.objects.exists()


@pytest.mark.parametrize("who", ["op_user", "outsider", "bureau"])
def test_only_administrators_may_import_a_schedule(client, supplier, who, request) -> None:
    client.force_login(request.getfixturevalue(who))
    assert client.get(URL).status_code == 403
    assert post(client, supplier, "apply").status_code == 403
    assert not TrainingSession.objects.exists()


def test_anonymous_users_are_sent_to_log_in(client) -> None:
    assert client.get(URL).status_code == 302
