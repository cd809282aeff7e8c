"""The home page sends each user to what they need."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from reports.stored import figures_rebuild
from tests.factories import CompletionFactory, DepartmentFactory, op_staff

pytestmark = pytest.mark.django_db


def test_op_staff_of_one_department_go_to_its_dashboard(client, op_user, department) -> None:
    client.force_login(op_user)
    response = client.get("/")
    assert response.url == f"/departments/{department.code}/"


def test_op_staff_of_several_departments_get_a_list(client, department) -> None:
    second = DepartmentFactory(code="BBB")
    user = op_staff(department, second, username="op.two")
    client.force_login(user)
    response = client.get("/")
    assert response.status_code == 200
    assert [d.code for d in response.context["departments"]] == ["AAA", "BBB"]


def test_the_bureau_gets_an_overview_of_all_departments(
    client, bureau, department, other_department
) -> None:
    client.force_login(bureau)
    response = client.get("/")
    codes = [row.department.code for row in response.context["overview"]]
    assert {"AAA", "ZZZ"} <= set(codes)


def test_staff_without_a_department_see_an_explanation(client, db) -> None:
    client.force_login(op_staff(username="op.none"))
    assert "hoort nog bij geen enkel ministerie" in client.get("/").content.decode()


def test_a_department_without_training_data_says_no_data_never_0_percent(client, bureau) -> None:
    import datetime

    from django.utils import timezone

    from committees.models import MembershipRole
    from tests.factories import (
        CommitteeFactory,
        CompletionFactory,
        MembershipFactory,
        TenderFactory,
    )

    today = timezone.localdate()
    # DEF is outside the tender and registers committees, but no trainings.
    outside = DepartmentFactory(code="DEF", in_tender=False)
    committee = CommitteeFactory(department=outside, interview_date=today)
    MembershipFactory(committee=committee, role=MembershipRole.MEMBER)
    # TTT is in the tender: its 0% is a real 0%.
    tender_department = DepartmentFactory(code="TTT")
    TenderFactory(starts_on=datetime.date(2020, 1, 1), ends_on=None).departments.set(
        [tender_department]
    )
    untrained = CommitteeFactory(department=tender_department, interview_date=today)
    MembershipFactory(committee=untrained, role=MembershipRole.MEMBER)
    CompletionFactory(session__date=today - datetime.timedelta(days=400))
    figures_rebuild()  # the factories write past the services, which refresh them
    client.force_login(bureau)
    response = client.get("/")
    rows = {row.department.code: row for row in response.context["overview"]}
    assert rows["DEF"].membership_share is None
    assert rows["DEF"].committee_share is None
    assert rows["TTT"].membership_share == 0
    page = response.content.decode()
    def_row = page.split(">DEF</a>")[1].split("</tr>")[0]
    assert "Geen gegevens" in def_row
    assert "0%" not in def_row
    assert "0,0%" in page.split(">TTT</a>")[1].split("</tr>")[0]


def test_the_overview_rounds_a_share_as_the_reports_do(client, bureau) -> None:
    import datetime

    from django.utils import timezone

    from committees.models import MembershipRole
    from reports.presentation.formatting import format_number
    from tests.factories import CommitteeFactory, MembershipFactory, TenderFactory

    today = timezone.localdate()
    department = DepartmentFactory(code="TTT")
    TenderFactory(starts_on=datetime.date(2020, 1, 1), ends_on=None).departments.set([department])
    committee = CommitteeFactory(department=department, interview_date=today)
    trained = MembershipFactory(committee=committee, role=MembershipRole.MEMBER)
    CompletionFactory(person=trained.person, session__date=today - datetime.timedelta(days=10))
    for _ in range(15):
        MembershipFactory(committee=committee, role=MembershipRole.MEMBER)
    figures_rebuild()  # the factories write past the services, which refresh them
    client.force_login(bureau)
    response = client.get("/")
    # 1 of 16 is 6.25%: half up gives 6.3%, as in every report export.
    assert format_number(Decimal(1) / 16, decimals=1, percent=True) == "6,3%"
    row = response.content.decode().split(">TTT</a>")[1].split("</tr>")[0]
    assert "6,3%" in row
    assert "6,2%" not in row


def test_the_overview_reads_the_stored_figures_and_never_writes(client, bureau) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from reports.models import StoredFigures
    from reports.quarters import Quarter
    from tests.reports.test_dashboard import writes

    quarter = Quarter.containing(timezone.localdate())
    department = DepartmentFactory(code="TTT")
    # A stored row with no data behind it: only a page that reads it shows 3 of 4.
    StoredFigures.objects.create(
        department=department, year=quarter.year, number=quarter.number, memberships=4, trained=3
    )
    client.force_login(bureau)
    client.get("/")
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/")
    [row] = [r for r in response.context["overview"] if r.department.code == "TTT"]
    assert (row.memberships_trained, row.memberships) == (3, 4)
    assert writes(queries.captured_queries) == []


def test_the_overview_names_this_quarter_in_words(client, bureau, department, monkeypatch) -> None:
    from tests.reports.test_quarter_labels import readable

    monkeypatch.setattr("django.utils.timezone.localdate", lambda *a, **k: date(2025, 5, 15))
    client.force_login(bureau)
    page = readable(client.get("/").content.decode())
    assert "Cijfers van dit kwartaal (2e kwartaal 2025)" in page
    assert "2025Q2" not in page
