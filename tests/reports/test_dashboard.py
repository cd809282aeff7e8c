"""The department dashboard: this quarter, the trend (chart + table), the action list."""

from __future__ import annotations

import base64
import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from committees.models import MembershipRole
from departments.models import Department
from reports.dashboard import quarterly_figures
from reports.models import StoredFigures
from reports.quarters import Quarter
from reports.stored import figures_rebuild
from tests.factories import CommitteeFactory, CompletionFactory, MembershipFactory

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2025, 5, 15)


@pytest.fixture
def today(monkeypatch) -> datetime.date:
    monkeypatch.setattr("django.utils.timezone.localdate", lambda *a, **k: TODAY)
    return TODAY


def test_another_departments_dashboard_is_not_found(client, outsider, department) -> None:
    client.force_login(outsider)
    assert client.get(f"/departments/{department.code}/").status_code == 404


def test_the_quarter_figures_count_memberships_committees_and_people(department) -> None:
    done = CommitteeFactory(department=department, interview_date=datetime.date(2025, 4, 20))
    trained = MembershipFactory(committee=done)
    CompletionFactory(person=trained.person, session__date=datetime.date(2025, 4, 1))
    MembershipFactory(committee=done, role=MembershipRole.EXTERNAL)
    open_ = CommitteeFactory(department=department, interview_date=datetime.date(2025, 5, 20))
    MembershipFactory(committee=open_)
    figures = quarterly_figures(Department.objects.filter(pk=department.pk), TODAY)
    assert figures[0].quarter == Quarter(2021, 1)
    current = figures[-1]
    assert current.quarter == Quarter(2025, 2)
    assert (current.memberships, current.memberships_trained) == (2, 1)
    assert (current.committees, current.committees_compliant) == (2, 1)
    # A share (0 to 1), as in the reports.
    assert current.membership_share == Decimal("0.5")
    assert current.people_trained == 1


def test_the_dashboard_has_a_chart_with_the_same_figures_in_a_table(
    client, op_user, department, today
) -> None:
    client.force_login(op_user)
    response = client.get(f"/departments/{department.code}/")
    html = response.content.decode()
    chart = response.context["chart"]
    # An image with a text alternative; the SVG inside keeps its title and description.
    assert f'<img src="{chart["src"]}" alt="{chart["alt"]}"' in html.replace("&#x27;", "'")
    svg = base64.b64decode(chart["src"].split(",", 1)[1]).decode()
    assert 'role="img"' in svg
    assert "<desc" in svg
    assert html.count("<tr>") >= len(response.context["figures"])
    assert response.context["figures"][0].quarter == Quarter(2025, 2)


def test_the_chart_is_the_same_for_the_same_data(client, op_user, department, today) -> None:
    client.force_login(op_user)
    first = client.get(f"/departments/{department.code}/").context["chart"]
    second = client.get(f"/departments/{department.code}/").context["chart"]
    assert first == second


def test_the_action_list_shows_untrained_members_soonest_first(
    client, op_user, department, today
) -> None:
    later = CommitteeFactory(department=department, interview_date=datetime.date(2025, 7, 1))
    sooner = CommitteeFactory(department=department, interview_date=datetime.date(2025, 6, 1))
    past = CommitteeFactory(department=department, interview_date=datetime.date(2025, 5, 1))
    MembershipFactory(committee=later, person__last_name="Later")
    MembershipFactory(committee=sooner, person__last_name="Eerder")
    MembershipFactory(committee=past, person__last_name="Voorbij")
    trained = MembershipFactory(committee=sooner, person__last_name="Klaar")
    CompletionFactory(person=trained.person, session__date=datetime.date(2025, 1, 1))
    client.force_login(op_user)
    actions = client.get(f"/departments/{department.code}/").context["actions"]
    assert [m.person.last_name for m in actions] == ["Eerder", "Later"]


@pytest.mark.parametrize("rows", [10, 100])
def test_queries_do_not_grow_with_rows(
    client, op_user, department, django_assert_max_num_queries, rows, today
) -> None:
    for committee in CommitteeFactory.create_batch(
        rows, department=department, interview_date=datetime.date(2025, 6, 1)
    ):
        MembershipFactory(committee=committee)
    client.force_login(op_user)
    client.get(f"/departments/{department.code}/")
    with django_assert_max_num_queries(13):
        assert client.get(f"/departments/{department.code}/").status_code == 200


def test_the_chart_axis_runs_from_0_to_100_percent(client, op_user, department, today) -> None:
    client.force_login(op_user)
    chart = client.get(f"/departments/{department.code}/").context["chart"]
    svg = base64.b64decode(chart["src"].split(",", 1)[1]).decode()
    assert "100%" in svg
    assert "10.000%" not in svg


def test_a_share_is_rounded_once_and_half_up_as_in_the_reports(
    client, op_user, department, today
) -> None:
    """1 of 16 is 6.25%: the reports show 6,3%; float rounding (half to even) gave 6,2%."""
    committee = CommitteeFactory(department=department, interview_date=datetime.date(2025, 5, 20))
    members = MembershipFactory.create_batch(16, committee=committee)
    CompletionFactory(person=members[0].person, session__date=datetime.date(2025, 4, 1))
    figures_rebuild()  # the factories write past the services, which refresh them
    client.force_login(op_user)
    html = client.get(f"/departments/{department.code}/").content.decode()
    assert "6,3%" in html
    assert "6,2%" not in html


def writes(queries) -> list[str]:
    """The INSERT, UPDATE and DELETE statements among `queries`, except the session's
    (saved on every request to keep its idle timeout: not the page's doing)."""
    return [
        q["sql"]
        for q in queries
        if q["sql"].lstrip().split()[0] in ("INSERT", "UPDATE", "DELETE")
        and '"django_session"' not in q["sql"]
    ]


def test_the_dashboard_reads_the_stored_figures_instead_of_recomputing_them(
    client, op_user, department, today
) -> None:
    # A stored row with no data behind it: only a page that reads it shows 3 of 4.
    StoredFigures.objects.create(
        department=department, year=2025, number=1, memberships=4, trained=3, committees=2
    )
    client.force_login(op_user)
    response = client.get(f"/departments/{department.code}/")
    by_quarter = {f.quarter: f for f in response.context["figures"]}
    assert (
        by_quarter[Quarter(2025, 1)].memberships_trained,
        by_quarter[Quarter(2025, 1)].memberships,
    ) == (3, 4)


def test_a_dashboard_view_never_writes(client, op_user, department, today) -> None:
    MembershipFactory(committee=CommitteeFactory(department=department))
    figures_rebuild()
    client.force_login(op_user)
    client.get(f"/departments/{department.code}/")
    with CaptureQueriesContext(connection) as queries:
        assert client.get(f"/departments/{department.code}/").status_code == 200
    assert writes(queries.captured_queries) == []
    assert StoredFigures.objects.count() == 1
