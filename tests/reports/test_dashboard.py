"""The department dashboard: this quarter, the trend (chart + table), the action list."""

from __future__ import annotations

import base64
import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from committees.models import MembershipRole
from committees.selectors import action_list
from departments.models import Department
from reports.dashboard import quarterly_figures
from reports.dashboard_views import ACTION_LIST_LIMIT
from reports.models import StoredFigures
from reports.quarters import Quarter
from reports.stored import figures_rebuild
from tests.factories import CommitteeFactory, CompletionFactory, MembershipFactory
from tests.reports.test_quarter_labels import readable, reading_in
from training_monitor.page_values import url_for_pk

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
    assert [row["name"].split()[-1] for row in actions] == ["Eerder", "Later"]


def test_an_action_row_links_its_committee_and_member(client, op_user, department, today) -> None:
    committee = CommitteeFactory(
        department=department, vacancy_reference="V-1", interview_date=datetime.date(2025, 6, 3)
    )
    member = MembershipFactory(
        committee=committee,
        person__first_name="Anna",
        person__particle="de",
        person__last_name="Vries",
    )
    client.force_login(op_user)
    html = client.get(f"/departments/{department.code}/").content.decode()
    assert f'<a href="{reverse("committees:detail", args=[committee.pk])}">V-1</a>' in html
    assert (
        f'<a href="{reverse("people:person", args=[member.person.pk])}">Anna de Vries</a> (Lid)'
    ) in html
    assert "3 juni 2025" in html
    assert "Niet getraind" in html


def test_the_action_list_is_paged_in_the_order_of_the_whole_list(
    client, op_user, department, today
) -> None:
    for day in range(ACTION_LIST_LIMIT + 3):
        committee = CommitteeFactory(
            department=department,
            interview_date=datetime.date(2025, 6, 1) + datetime.timedelta(day),
        )
        MembershipFactory(committee=committee)
    everything = [m.pk for m in action_list(department, TODAY)]
    client.force_login(op_user)
    first = client.get(f"/departments/{department.code}/")
    second = client.get(f"/departments/{department.code}/?page=2")
    assert [row["pk"] for row in first.context["actions"]] == everything[:ACTION_LIST_LIMIT]
    assert [row["pk"] for row in second.context["actions"]] == everything[ACTION_LIST_LIMIT:]
    assert 'href="?page=2#actions" rel="next"' in first.content.decode()
    assert 'rel="prev"' not in first.content.decode()
    assert 'href="?page=1#actions" rel="prev"' in second.content.decode()
    assert 'rel="next"' not in second.content.decode()
    assert f"Rijen {ACTION_LIST_LIMIT + 1} tot en met {ACTION_LIST_LIMIT + 3}" in (
        second.content.decode()
    )


def test_a_page_past_the_end_of_the_action_list_sends_to_the_first(
    client, op_user, department, today
) -> None:
    MembershipFactory(committee=CommitteeFactory(department=department))
    client.force_login(op_user)
    response = client.get(f"/departments/{department.code}/?page=3")
    assert response.status_code == 302
    assert response["Location"] == f"/departments/{department.code}/#actions"
    for page in ("0", "-1", "abc", "99999999999"):
        assert client.get(f"/departments/{department.code}/?page={page}").status_code == 200


def test_the_action_list_follows_the_rule_settings_after_a_first_view(
    client, op_user, department, settings, today
) -> None:
    """The rule's subqueries are built once per value of the settings they read."""
    committee = CommitteeFactory(department=department, interview_date=datetime.date(2025, 6, 1))
    old_hand = MembershipFactory(committee=committee, person__last_name="Oud")
    CompletionFactory(person=old_hand.person, session__date=datetime.date(2020, 1, 1))
    MembershipFactory(committee=committee, role=MembershipRole.EXTERNAL, person__last_name="Extern")
    client.force_login(op_user)

    def shown() -> list[str]:
        actions = client.get(f"/departments/{department.code}/").context["actions"]
        return sorted(row["name"].split()[-1] for row in actions)

    settings.TRAINING_VALIDITY_DAYS = None
    assert shown() == []
    settings.TRAINING_VALIDITY_DAYS = 365
    assert shown() == ["Oud"]
    settings.TRAINING_REQUIRED_ROLES = [*settings.TRAINING_REQUIRED_ROLES, "external"]
    assert shown() == ["Extern", "Oud"]
    settings.TRAINING_VALIDITY_DAYS = None
    assert shown() == ["Extern"]


def test_an_url_for_many_pks_is_the_reversed_url() -> None:
    committee_url = url_for_pk("committees:detail")
    person_url = url_for_pk("people:person")
    for pk in (1, 7, 987654321, 12345678901):
        assert committee_url(pk) == reverse("committees:detail", args=[pk])
        assert person_url(pk) == reverse("people:person", args=[pk])


def test_the_dashboard_takes_a_fixed_number_of_queries(
    client, op_user, department, django_assert_num_queries, today
) -> None:
    for committee in CommitteeFactory.create_batch(
        ACTION_LIST_LIMIT * 2, department=department, interview_date=datetime.date(2025, 6, 1)
    ):
        MembershipFactory(committee=committee)
    client.force_login(op_user)
    client.get(f"/departments/{department.code}/")
    # Session, user, roles; the department with its hand entries to confirm, its stored
    # figures, one page of the action list. No write: the session was saved a moment ago.
    with django_assert_num_queries(6):
        assert client.get(f"/departments/{department.code}/?page=2").status_code == 200


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
    (saved on the first request after logging in, and to renew its idle timeout at most
    once a minute: not the page's doing)."""
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


@pytest.mark.parametrize(
    ("language", "now", "before"),
    [
        ("nl", "Dit kwartaal (2e kwartaal 2025)", "1e kwartaal 2025"),
        ("en", "This quarter (Q2 2025)", "Q1 2025"),
    ],
)
def test_the_quarters_read_in_words_on_the_page_and_in_the_chart(
    client, op_user, department, today, language, now, before
) -> None:
    client.force_login(op_user)
    with reading_in(client, language):
        response = client.get(f"/departments/{department.code}/")
    page = response.content.decode()
    assert now in readable(page)
    assert f'<th scope="row">{before}</th>' in page
    assert "2025Q" not in readable(page)
    svg = base64.b64decode(response.context["chart"]["src"].split(",", 1)[1]).decode()
    assert f">{before}<" in svg
    assert "2025Q" not in svg
