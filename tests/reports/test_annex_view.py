"""The justification annex: rendered at download from the live data (never frozen into
the snapshot, so retention can scrub the names), scoped to what the reader may see."""

from __future__ import annotations

import datetime
import io
import zipfile
from typing import Any

import openpyxl
import pytest
from django.urls import reverse

from committees.models import CommitteeJustification, CommitteeStatus
from reports.models import ReportSnapshot, Trigger
from reports.services import report_compile
from tests.factories import CommitteeFactory, UserFactory, op_staff
from tests.reports.conftest import World

D = datetime.date


@pytest.fixture
def snapshot(world: World) -> ReportSnapshot:
    return report_compile(
        kind="icop", quarter="2025Q1", requested_by=None, trigger=Trigger.COMMAND
    )[0]


@pytest.fixture
def justifications(world: World) -> dict[str, CommitteeJustification]:
    found = {}
    for department, text, names in (
        (world.aaa, "Geen vervanger beschikbaar", "Anna de Vries"),
        (world.bbb, "Spoedvacature bij B", "Bert Bakker"),
    ):
        committee = CommitteeFactory(
            department=department, interview_date=D(2025, 2, 12), status=CommitteeStatus.HELD
        )
        found[department.code] = CommitteeJustification.objects.create(
            committee=committee,
            status=CommitteeStatus.HELD,
            text=text,
            untrained_members=names,
        )
    later = CommitteeFactory(department=world.aaa, interview_date=D(2025, 5, 1))
    CommitteeJustification.objects.create(
        committee=later, status=CommitteeStatus.CONFIRMED, text="Ander kwartaal"
    )
    return found


def _csv_text(response: Any) -> str:
    with zipfile.ZipFile(io.BytesIO(response.content)) as archive:
        return "".join(archive.read(name).decode("utf-8-sig") for name in archive.namelist())


def _annex(client: Any, snapshot: ReportSnapshot, fmt: str = "csv") -> Any:
    return client.get(reverse("reports:annex", args=[snapshot.pk, fmt]))


def test_the_bureau_gets_every_justification_of_the_quarter(
    client, bureau, snapshot, justifications
) -> None:
    client.force_login(bureau)
    response = _annex(client, snapshot)

    assert response.status_code == 200
    assert response["Cache-Control"] == "private, no-store"
    text = _csv_text(response)
    assert "Geen vervanger beschikbaar" in text
    assert "Anna de Vries" in text
    assert "Spoedvacature bij B" in text
    assert "Ander kwartaal" not in text


def test_op_staff_get_their_own_departments_justifications_only(
    client, snapshot, justifications, world
) -> None:
    client.force_login(op_staff(world.aaa, username="op.aaa"))
    text = _csv_text(_annex(client, snapshot))

    assert "Geen vervanger beschikbaar" in text
    assert "Spoedvacature bij B" not in text
    assert "Bert Bakker" not in text


def test_an_outsider_from_another_ministry_does_not_get_them(
    client, snapshot, justifications, world
) -> None:
    client.force_login(op_staff(world.ccc, username="op.ccc"))
    text = _csv_text(_annex(client, snapshot))

    assert "Anna de Vries" not in text
    assert "Bert Bakker" not in text


def test_a_user_without_a_role_is_refused(client, snapshot) -> None:
    client.force_login(UserFactory())
    assert _annex(client, snapshot).status_code == 403


def test_the_annex_is_read_at_download_so_scrubbed_names_are_gone(
    client, bureau, snapshot, justifications
) -> None:
    client.force_login(bureau)
    files_before = snapshot.files.count()
    CommitteeJustification.objects.filter(pk=justifications["AAA"].pk).update(
        untrained_members="", text="[verwijderd]"
    )

    text = _csv_text(_annex(client, snapshot))

    assert "Anna de Vries" not in text
    assert "[verwijderd]" in text
    assert snapshot.files.count() == files_before  # nothing stored
    assert "Anna de Vries" not in str(snapshot.data)


@pytest.mark.parametrize("fmt", ["xlsx", "pdf"])
def test_the_annex_comes_in_every_format(client, bureau, snapshot, justifications, fmt) -> None:
    client.force_login(bureau)
    response = _annex(client, snapshot, fmt)

    assert response.status_code == 200
    assert f"icop_annex_2025Q1.{fmt}" in response["Content-Disposition"]
    if fmt == "xlsx":
        book = openpyxl.load_workbook(io.BytesIO(response.content))
        cells = [str(c.value) for sheet in book for row in sheet.iter_rows() for c in row]
        assert "Geen vervanger beschikbaar" in cells
    else:
        assert response.content.startswith(b"%PDF")


def test_the_snapshot_page_links_the_annex(client, bureau, snapshot) -> None:
    client.force_login(bureau)
    page = client.get(reverse("reports:snapshot", args=[snapshot.pk])).content.decode()
    assert reverse("reports:annex", args=[snapshot.pk, "pdf"]) in page
