"""A supplier's schedule of upcoming sessions through the import's readers (the
"sessions" profile: imports.sessions and `manage.py import_sessions`)."""

from __future__ import annotations

import datetime
import io
import json
from pathlib import Path

import openpyxl
import pytest
from django.core.management import call_command
from django.utils import timezone

from imports.models import ImportProfile
from imports.sessions import read_schedule, sessions_import
from tests.factories import DepartmentFactory, SupplierFactory
from trainings.models import TrainingSession

pytestmark = pytest.mark.django_db


def day(offset: int) -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=offset)


def csv_bytes(*rows: str) -> io.BytesIO:
    return io.BytesIO(("\n".join(rows) + "\n").encode("utf-8"))


@pytest.fixture
def supplier():
    return SupplierFactory(code="BAC")


def schedule(first: datetime.date, second: datetime.date) -> io.BytesIO:
    return csv_bytes(
        "Rooster workshops voorjaar",
        "",
        "Sessie ID;Datum;Begintijd;Eindtijd;Locatie;Link;Programma;Capaciteit;Ministerie",
        f"S-1;{first:%d-%m-%Y};9:30;12.30;Utrecht;;Objectief selecteren;16;",
        f"S-2;{second.isoformat()};13u00;16:00;;https://meet.example.nl/s2;"
        "Objectief selecteren;20;BZK",
    )


def test_a_schedule_creates_upcoming_sessions(supplier) -> None:
    bzk = DepartmentFactory(code="BZK", name_nl="Binnenlandse Zaken en Koninkrijksrelaties")
    result = sessions_import(supplier=supplier, source=schedule(day(10), day(20)), filename="r.csv")
    assert (result.created, result.updated, result.problems, result.written) == (2, 0, [], True)
    first, second = TrainingSession.objects.order_by("date")
    assert (first.external_id, first.date, first.starts_at, first.ends_at) == (
        "S-1",
        day(10),
        datetime.time(9, 30),
        datetime.time(12, 30),
    )
    assert (first.place, first.capacity, first.department, first.is_online) == (
        "Utrecht",
        16,
        None,
        False,
    )
    assert second.is_online
    assert second.online_link == "https://meet.example.nl/s2"
    assert second.department == bzk
    assert first.programme.name == "Objectief selecteren"
    assert first.programme == second.programme


def test_importing_again_changes_nothing_and_a_changed_row_updates(supplier) -> None:
    DepartmentFactory(code="BZK")
    sessions_import(supplier=supplier, source=schedule(day(10), day(20)), filename="r.csv")
    again = sessions_import(supplier=supplier, source=schedule(day(10), day(20)), filename="r.csv")
    assert (again.created, again.updated, again.unchanged) == (0, 0, 2)
    moved = sessions_import(supplier=supplier, source=schedule(day(11), day(20)), filename="r.csv")
    assert (moved.created, moved.updated, moved.unchanged) == (0, 1, 1)
    assert TrainingSession.objects.get(external_id="S-1").date == day(11)


def test_problem_rows_are_reported_and_nothing_is_written(supplier) -> None:
    source = csv_bytes(
        "Datum;Begintijd;Plaats;Capaciteit",
        f"{day(5).isoformat()};25:00;Zwolle;10",
        f"{day(6).isoformat()};10:00;Zwolle;veel",
        f"{day(-3).isoformat()};10:00;Zwolle;10",
        f"{day(7).isoformat()};10:00;Zwolle;10",
    )
    result = sessions_import(supplier=supplier, source=source, filename="r.csv")
    assert [p.row_number for p in result.problems] == [2, 3, 4]
    assert not result.written
    assert not TrainingSession.objects.exists()


def test_hold_invalid_writes_the_good_rows(supplier) -> None:
    source = csv_bytes("Datum;Plaats", f"{day(5).isoformat()};Zwolle", "geen datum;Zwolle")
    result = sessions_import(supplier=supplier, source=source, filename="r.csv", hold_invalid=True)
    assert result.written
    assert result.created == 1
    assert len(result.problems) == 1


def test_a_profile_maps_the_suppliers_own_headers(supplier) -> None:
    source = csv_bytes("Wanneer;Waar;Stoelen", f"{day(9).isoformat()};Assen;8")
    profile = {"Wanneer": "session_date", "Waar": "session_place", "Stoelen": "capacity"}
    planned, problems = read_schedule(source, filename="r.csv", profile=profile)
    assert problems == []
    assert (planned[0].date, planned[0].place, planned[0].capacity) == (day(9), "Assen", 8)


def test_an_xlsx_schedule_with_real_dates_and_times(supplier, tmp_path: Path) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["Datum", "Starttijd", "Locatie", "Plaatsen"])
    sheet.append(
        [datetime.datetime.combine(day(12), datetime.time()), datetime.time(10, 0), "Den Haag", 12]
    )
    path = tmp_path / "rooster.xlsx"
    book.save(path)
    result = sessions_import(supplier=supplier, source=path, filename=path.name)
    session = TrainingSession.objects.get()
    assert result.created == 1
    assert (session.date, session.starts_at, session.capacity) == (day(12), datetime.time(10), 12)


def test_the_command_with_a_profile_and_json(supplier, tmp_path: Path, capsys) -> None:
    ImportProfile.objects.create(
        supplier=supplier,
        name="Rooster",
        mapping={"Wanneer": "session_date", "Waar": "session_place"},
    )
    path = tmp_path / "rooster.csv"
    path.write_text(f"Wanneer;Waar\n{day(4).isoformat()};Leiden\n", encoding="utf-8")
    call_command(
        "import_sessions", str(path), supplier="BAC", profile="Rooster", json=True, dry_run=True
    )
    assert json.loads(capsys.readouterr().out)["created"] == 1
    assert not TrainingSession.objects.exists()
    call_command("import_sessions", str(path), supplier="BAC", profile="Rooster")
    assert TrainingSession.objects.get().place == "Leiden"


def test_the_command_refuses_a_file_without_a_date_column(supplier, tmp_path: Path) -> None:
    path = tmp_path / "rooster.csv"
    path.write_text("Plaats;Capaciteit\nUtrecht;10\n", encoding="utf-8")
    with pytest.raises(SystemExit) as exit_status:
        call_command("import_sessions", str(path), supplier="BAC")
    assert exit_status.value.code == 1
