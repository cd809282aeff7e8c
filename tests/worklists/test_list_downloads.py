"""Downloading the committee list and the action list as CSV and XLSX."""

from __future__ import annotations

import csv
import datetime
import io

import openpyxl
import pytest
from django.urls import reverse

from committees.models import CommitteeStatus, MembershipRole
from tests.factories import (
    CommitteeFactory,
    CompletionFactory,
    MembershipFactory,
    PersonFactory,
    op_staff,
)

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2030, 1, 1)


@pytest.fixture(autouse=True)
def today(monkeypatch) -> datetime.date:
    monkeypatch.setattr("django.utils.timezone.localdate", lambda *a, **k: TODAY)
    return TODAY


def url(kind: str, fmt: str, query: str = "") -> str:
    path = reverse("worklists:download", args=[kind, fmt])
    return f"{path}?{query}" if query else path


def csv_rows(response) -> list[list[str]]:
    assert response.status_code == 200, response.content[:500]
    assert response["Content-Type"].startswith("text/csv")
    assert response["Cache-Control"] == "no-store"
    text = b"".join(response).decode("utf-8")
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text[1:]), delimiter=";"))


def xlsx_sheet(response):
    assert response.status_code == 200, response.content[:500]
    assert "spreadsheetml" in response["Content-Type"]
    workbook = openpyxl.load_workbook(io.BytesIO(b"".join(response)))
    return workbook.worksheets[0]


def test_op_staff_download_the_committee_list_with_the_page_filters(
    client, op_user, department, other_department
) -> None:
    CommitteeFactory(
        department=department,
        vacancy_reference="OWN-CONF",
        status=CommitteeStatus.CONFIRMED,
        interview_date=datetime.date(2030, 3, 4),
    )
    CommitteeFactory(department=department, vacancy_reference="OWN-PLAN")
    CommitteeFactory(
        department=other_department,
        vacancy_reference="FOREIGN-CONF",
        status=CommitteeStatus.CONFIRMED,
    )
    client.force_login(op_user)
    rows = csv_rows(client.get(url("committees", "csv", "status=confirmed&page=3")))
    assert rows[0] == [
        "Vacaturenummer",
        "Functie",
        "Ministerie",
        "Gespreksdatum",
        "Status",
        "Leden die getraind moeten zijn",
        "Getraind",
        "Iedereen getraind",
    ]
    assert rows[1:] == [
        [
            "OWN-CONF",
            "Beleidsmedewerker",
            department.code,
            "2030-03-04",
            "Bevestigd",
            "0",
            "0",
            "Onvolledig",
        ]
    ]
    page = client.get("/committees/?status=confirmed").content.decode()
    assert 'href="/lists/committees.csv?status=confirmed"' in page


def test_a_bureau_user_downloads_every_departments_committees_as_xlsx(
    client, bureau, department, other_department
) -> None:
    own = CommitteeFactory(department=department, vacancy_reference="A-1")
    trained = MembershipFactory(committee=own)
    CompletionFactory(person=trained.person, session__date=datetime.date(2025, 1, 1))
    CommitteeFactory(department=other_department, vacancy_reference="B-1")
    client.force_login(bureau)
    sheet = xlsx_sheet(client.get(url("committees", "xlsx", "sort=vacancy_reference")))
    values = list(sheet.values)
    assert values[0][0] == "Vacaturenummer"
    assert [row[0] for row in values[1:]] == ["A-1", "B-1"]
    first = values[1]
    assert first[3] == datetime.datetime(2025, 6, 16)
    assert sheet.cell(row=2, column=4).number_format == "yyyy-mm-dd"
    assert first[5:] == (1, 1, "Ja")


def test_formulas_are_neutralised_in_csv_and_never_written_as_formulas_in_xlsx(
    client, op_user, department
) -> None:
    committee = CommitteeFactory(
        department=department,
        vacancy_reference="=1+1",
        vacancy_title='=HYPERLINK("http://evil.example","klik")',
        interview_date=datetime.date(2030, 2, 1),
    )
    # Names lose leading whitespace when saved; tab and CR are tried in a title below.
    dangerous = ["=cmd|' /C calc'!A0", "+31", "-2", "@SUM(1)"]
    for title in ("\tTab", "\rRegel"):
        CommitteeFactory(department=department, vacancy_title=title)
    for first_name in dangerous:
        MembershipFactory(
            committee=committee,
            person=PersonFactory(department=department, first_name=first_name, last_name=""),
        )
    client.force_login(op_user)
    rows = csv_rows(client.get(url("committees", "csv")))
    titles = {row[0]: row[1] for row in rows[1:]}
    assert titles["'=1+1"] == '\'=HYPERLINK("http://evil.example","klik")'
    assert {"'\tTab", "'\rRegel"} <= set(titles.values())
    actions = csv_rows(client.get(url("actions", "csv", f"department={department.code}")))
    assert sorted(row[5] for row in actions[1:]) == sorted("'" + name for name in dangerous)
    sheet = xlsx_sheet(client.get(url("committees", "xlsx")))
    for cell in (sheet["A2"], sheet["B2"]):
        assert cell.data_type == "s"  # a string cell, not a formula ("f")
    assert sheet["A2"].value == "=1+1"
    names = xlsx_sheet(client.get(url("actions", "xlsx", f"department={department.code}")))
    cells = [row[5] for row in names.iter_rows(min_row=2)]
    assert {cell.data_type for cell in cells} == {"s"}
    assert sorted(cell.value for cell in cells) == sorted(dangerous)


def test_the_action_list_download_has_the_dashboard_rows_and_no_foreign_ones(
    client, op_user, department, other_department
) -> None:
    soon = CommitteeFactory(
        department=department, vacancy_reference="SOON", interview_date=datetime.date(2030, 2, 1)
    )
    untrained = MembershipFactory(
        committee=soon, person=PersonFactory(department=department, last_name="Ongetraind")
    )
    trained = MembershipFactory(committee=soon)
    CompletionFactory(person=trained.person, session__date=datetime.date(2029, 1, 1))
    MembershipFactory(committee=soon, role=MembershipRole.EXTERNAL)  # needs no training
    # A member lent by another ministry: named, but no e-mail or employee number.
    lent = PersonFactory(department=other_department, last_name="Geleend", email="lent@x.nl")
    MembershipFactory(committee=soon, person=lent)
    CommitteeFactory(department=department, interview_date=datetime.date(2029, 1, 1))
    foreign = CommitteeFactory(
        department=other_department,
        vacancy_reference="FOREIGN",
        interview_date=datetime.date(2030, 2, 1),
    )
    MembershipFactory(committee=foreign)
    client.force_login(op_user)
    dashboard = client.get(f"/departments/{department.code}/")
    shown = [row["pk"] for row in dashboard.context["actions"]]
    for query in (f"department={department.code}", ""):
        rows = csv_rows(client.get(url("actions", "csv", query)))
        assert rows[0][:6] == [
            "Ministerie",
            "Gespreksdatum",
            "Vacaturenummer",
            "Functie",
            "Status commissie",
            "Naam",
        ]
        assert len(rows) - 1 == len(shown) == 2
        by_name = {row[5]: row for row in rows[1:]}
        person = untrained.person
        assert by_name[person.full_name][6:] == [
            person.employee_number,
            person.email,
            "Lid",
            "Niet getraind",
        ]
        assert by_name[lent.full_name][6:8] == ["", ""]
        assert "FOREIGN" not in str(rows)


def test_an_outsider_gets_no_foreign_rows_and_404_for_a_foreign_action_list(
    client, outsider, department, other_department
) -> None:
    committee = CommitteeFactory(
        department=department, vacancy_reference="GEHEIM", interview_date=datetime.date(2030, 2, 1)
    )
    MembershipFactory(committee=committee)
    client.force_login(outsider)
    assert client.get(url("actions", "csv", f"department={department.code}")).status_code == 404
    assert client.post(url("actions", "xlsx", f"department={department.code}")).status_code == 404
    for fmt in ("csv", "xlsx"):
        for kind, query in (("actions", ""), ("committees", "q=GEHEIM")):
            response = client.get(url(kind, fmt, query))
            assert response.status_code == 200
            assert b"GEHEIM" not in b"".join(response)
    assert len(csv_rows(client.get(url("committees", "csv")))) == 1


def test_unknown_lists_formats_and_departments_are_not_found(client, op_user) -> None:
    client.force_login(op_user)
    assert client.get("/lists/people.csv").status_code == 404
    assert client.get("/lists/committees.pdf").status_code == 404
    for code in ("NOPE", "A%00B", "X" * 300):
        assert client.get(url("actions", "csv", f"department={code}")).status_code == 404


def test_invalid_filters_send_the_user_back_with_a_message(client, op_user) -> None:
    client.force_login(op_user)
    response = client.get(url("committees", "csv", "interview_from=gisteren"), follow=True)
    assert response.redirect_chain[-1][0] == "/committees/?interview_from=gisteren"
    assert "De filters kloppen niet" in response.content.decode()


def test_an_anonymous_visitor_is_sent_to_the_login(client) -> None:
    response = client.get(url("committees", "csv"))
    assert response.status_code == 302
    assert "/accounts/login/" in response.url


def grow(department, n: int) -> None:
    for _ in range(n):
        committee = CommitteeFactory(
            department=department, interview_date=datetime.date(2030, 5, 1)
        )
        MembershipFactory(committee=committee)
        MembershipFactory(committee=committee, person=PersonFactory(department=department))


@pytest.mark.parametrize(("kind", "fmt"), [("committees", "csv"), ("actions", "xlsx")])
def test_a_download_does_not_grow_in_queries_with_the_rows(
    client, op_user, department, kind, fmt, django_assert_max_num_queries
) -> None:
    client.force_login(op_user)
    grow(department, 3)
    client.get(url(kind, fmt))  # warm the session and role caches
    with django_assert_max_num_queries(8) as small:
        assert client.get(url(kind, fmt)).status_code == 200
    grow(department, 40)
    with django_assert_max_num_queries(len(small.captured_queries)):
        assert client.get(url(kind, fmt)).status_code == 200


def test_two_staff_of_one_department_download_the_same_rows(client, op_user, department) -> None:
    colleague = op_staff(department, username="op.collega")
    grow(department, 2)
    client.force_login(op_user)
    mine = csv_rows(client.get(url("actions", "csv")))
    client.force_login(colleague)
    assert csv_rows(client.get(url("actions", "csv"))) == mine


@pytest.mark.parametrize(
    "query",
    ["", "q=Jansen", "compliance=not_all", "status=planned&sort=-vacancy_reference"],
)
def test_the_page_and_the_download_list_the_same_committees(
    client, op_user, department, query
) -> None:
    for n in range(4):
        committee = CommitteeFactory(department=department, vacancy_reference=f"R-{n}")
        member = MembershipFactory(
            committee=committee, person=PersonFactory(department=department, last_name="Jansen")
        )
        if n % 2:
            CompletionFactory(person=member.person, session__date=datetime.date(2025, 1, 1))
    CommitteeFactory(department=department, vacancy_reference="LEEG")
    client.force_login(op_user)
    page = client.get(f"/committees/?{query}")
    shown = [c.vacancy_reference for c in page.context["page"].object_list]
    rows = csv_rows(client.get(url("committees", "csv", query)))
    assert [row[0] for row in rows[1:]] == shown


def test_the_dashboard_links_to_its_action_list_download(client, op_user, department) -> None:
    MembershipFactory(committee__department=department, committee__interview_date=TODAY)
    client.force_login(op_user)
    body = client.get(f"/departments/{department.code}/").content.decode()
    assert f'href="/lists/actions.xlsx?department={department.code}"' in body
