"""The programme bureau's "what if strict" view."""

from __future__ import annotations

import datetime

import pytest

from committees.models import CommitteeStatus
from departments.models import Department
from reports.dashboard import what_if_strict
from reports.stored import figures_rebuild
from tests.factories import CommitteeFactory, CompletionFactory, MembershipFactory
from trainings.models import CompletionStatus

pytestmark = pytest.mark.django_db

START, END = datetime.date(2024, 7, 1), datetime.date(2025, 6, 30)


def test_it_counts_confirmed_committees_strict_would_have_blocked(department) -> None:
    confirmed = {"department": department, "status": CommitteeStatus.HELD}
    blocked = CommitteeFactory(**confirmed, interview_date=datetime.date(2025, 1, 1))
    MembershipFactory(committee=blocked)
    registered = CommitteeFactory(**confirmed, interview_date=datetime.date(2025, 1, 1))
    member = MembershipFactory(committee=registered)
    CompletionFactory(
        person=member.person,
        session__date=datetime.date(2024, 12, 1),
        status=CompletionStatus.REGISTERED,
    )
    # No members: incomplete, which no mode lets be confirmed.
    CommitteeFactory(**confirmed, interview_date=datetime.date(2025, 2, 1))
    old = CommitteeFactory(**confirmed, interview_date=datetime.date(2023, 1, 1))
    MembershipFactory(committee=old)
    planned = CommitteeFactory(department=department, interview_date=datetime.date(2025, 1, 1))
    MembershipFactory(committee=planned)
    [row] = what_if_strict(Department.objects.filter(pk=department.pk), START, END)
    assert (row.confirmed, row.would_ask_justification, row.would_block) == (3, 2, 2)


def test_only_the_bureau_and_administrators_see_it(client, op_user, bureau, admin_user_):
    client.force_login(op_user)
    assert client.get("/departments/what-if-strict/").status_code == 403
    for user in (bureau, admin_user_):
        client.force_login(user)
        assert client.get("/departments/what-if-strict/").status_code == 200


def test_a_department_without_training_data_is_marked_and_left_out_of_the_totals(
    client, bureau, department
) -> None:
    from django.utils import timezone

    from tests.factories import DepartmentFactory

    today = timezone.localdate()
    # AAA registers a training (so its committees are judged); DEF registers none.
    CompletionFactory(
        session__date=today - datetime.timedelta(days=30), person__department=department
    )
    outside = DepartmentFactory(code="DEF", in_tender=False)
    for owner in (department, outside):
        committee = CommitteeFactory(
            department=owner, status=CommitteeStatus.HELD, interview_date=today
        )
        MembershipFactory(committee=committee)
    figures_rebuild()  # the factories write past the services, which refresh them
    client.force_login(bureau)
    response = client.get("/departments/what-if-strict/")
    rows = {row.department.code: row for row in response.context["rows"]}
    assert rows["AAA"].has_training_data
    assert not rows["DEF"].has_training_data
    assert response.context["total_confirmed"] == 1  # AAA's, not DEF's
    assert response.context["total_blocked"] == 1
    assert "DEF" in response.context["without_data"]
    page = response.content.decode()
    assert "Geen gegevens" in page.split("DEF –")[1].split("</tr>")[0]
    assert "Totaal, zonder " in page


def test_the_page_reads_the_stored_figures_and_never_writes(client, bureau, department) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from reports.models import StoredFigures
    from reports.quarters import Quarter
    from tests.reports.test_dashboard import writes

    quarter = Quarter.containing(timezone.localdate()).previous()
    # A stored row with no data behind it: only a page that reads it shows 2 blocked.
    StoredFigures.objects.create(
        department=department, year=quarter.year, number=quarter.number, confirmed=3,
        would_block=2, would_ask=1,
    )  # fmt: skip
    client.force_login(bureau)
    client.get("/departments/what-if-strict/")
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/departments/what-if-strict/")
    [row] = [r for r in response.context["rows"] if r.department.code == department.code]
    assert (row.confirmed, row.would_block, row.would_ask_justification) == (3, 2, 1)
    assert writes(queries.captured_queries) == []


def test_the_period_reads_in_words(client, bureau, monkeypatch) -> None:
    from tests.reports.test_quarter_labels import readable

    monkeypatch.setattr(
        "django.utils.timezone.localdate", lambda *a, **k: datetime.date(2025, 5, 15)
    )
    client.force_login(bureau)
    page = readable(client.get("/departments/what-if-strict/").content.decode())
    assert "3e kwartaal 2024" in page
    assert "2e kwartaal 2025" in page
    assert "2024Q3" not in page
    assert "2025Q2" not in page
