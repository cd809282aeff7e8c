"""The committee page: members with their training, history, justifications."""

from __future__ import annotations

import datetime

import pytest

from committees.models import CommitteeJustification, CommitteeStatus, MembershipRole
from committees.services import committee_change_status
from tests.factories import CommitteeFactory, CompletionFactory, MembershipFactory
from trainings.models import CompletionStatus

pytestmark = pytest.mark.django_db

INTERVIEW = datetime.date(2025, 6, 16)


def url(committee) -> str:
    return f"/committees/{committee.pk}/"


def rows_by_name(response) -> dict[str, object]:
    return {row.membership.person.last_name: row for row in response.context["rows"]}


def test_another_departments_committee_is_not_found(client, outsider, department) -> None:
    committee = CommitteeFactory(department=department)
    client.force_login(outsider)
    assert client.get(url(committee)).status_code == 404


def test_each_member_shows_trained_registered_or_not(client, op_user, department) -> None:
    committee = CommitteeFactory(department=department, interview_date=INTERVIEW)
    trained = MembershipFactory(committee=committee, person__last_name="Getraind")
    early = MembershipFactory(committee=committee, person__last_name="Vroeg")
    late = MembershipFactory(committee=committee, person__last_name="Laat")
    MembershipFactory(committee=committee, person__last_name="Niet")
    MembershipFactory(committee=committee, person__last_name="Extern", role=MembershipRole.EXTERNAL)
    CompletionFactory(
        person=trained.person, session__date=datetime.date(2025, 3, 3), session__place="Utrecht"
    )
    CompletionFactory(
        person=early.person, session__date=INTERVIEW, status=CompletionStatus.REGISTERED
    )
    CompletionFactory(
        person=late.person,
        session__date=INTERVIEW + datetime.timedelta(days=7),
        status=CompletionStatus.REGISTERED,
    )
    client.force_login(op_user)
    response = client.get(url(committee))
    rows = rows_by_name(response)
    assert rows["Getraind"].state == "trained"
    assert rows["Getraind"].completion.session.place == "Utrecht"
    assert rows["Vroeg"].state == "registered"
    assert rows["Vroeg"].registration_in_time
    assert rows["Laat"].state == "registered"
    assert not rows["Laat"].registration_in_time
    assert rows["Niet"].state == "untrained"
    assert rows["Extern"].state == "exempt"


def test_the_history_and_justifications_are_shown(client, op_user, department) -> None:
    department.enforcement_mode = "justify"
    department.save(update_fields=["enforcement_mode"])
    committee = CommitteeFactory(department=department)
    MembershipFactory(committee=committee, person__last_name="Ongetraind")
    committee_change_status(
        committee=committee,
        status=CommitteeStatus.CONFIRMED,
        user=op_user,
        justification="Geen plek in de workshop",
    )
    client.force_login(op_user)
    page = client.get(url(committee)).content.decode()
    assert "Geen plek in de workshop" in page
    assert CommitteeJustification.objects.count() == 1
    history = client.get(url(committee)).context["history"]
    assert any("Ongetraind" in entry.what for entry in history)
    assert any(entry.who == "op.aaa" and entry.details for entry in history)


def test_the_bureau_reads_but_gets_no_edit_controls(client, bureau, department) -> None:
    committee = CommitteeFactory(department=department)
    client.force_login(bureau)
    response = client.get(url(committee))
    assert response.status_code == 200
    assert response.context["may_edit"] is False
    assert client.get(f"{url(committee)}edit/").status_code == 403


def test_searching_people_without_javascript(client, op_user, department, other_department):
    from tests.factories import PersonFactory

    committee = CommitteeFactory(department=department)
    PersonFactory(department=department, last_name="Zoekbaar")
    PersonFactory(department=other_department, last_name="Zoekbaarder")
    client.force_login(op_user)
    response = client.get(url(committee), {"q": "zoekbaar"})
    assert [p.last_name for p in response.context["search"].hits] == ["Zoekbaar"]


def test_the_htmx_search_returns_only_the_results(client, op_user, department) -> None:
    from tests.factories import PersonFactory

    committee = CommitteeFactory(department=department)
    PersonFactory(department=department, last_name="Zoekbaar")
    client.force_login(op_user)
    response = client.get(
        f"{url(committee)}people-search/", {"q": "zoek"}, headers={"HX-Request": "true"}
    )
    html = response.content.decode()
    assert "Zoekbaar" in html
    assert "<html" not in html
    plain = client.get(f"{url(committee)}people-search/", {"q": "zoek"})
    assert plain.status_code == 302


@pytest.mark.parametrize("rows", [10, 100])
def test_queries_do_not_grow_with_members(
    client, op_user, department, django_assert_max_num_queries, rows
) -> None:
    committee = CommitteeFactory(department=department)
    for membership in MembershipFactory.create_batch(rows, committee=committee):
        CompletionFactory(person=membership.person, session__date=datetime.date(2025, 1, 1))
    client.force_login(op_user)
    client.get(url(committee))
    with django_assert_max_num_queries(17):
        assert client.get(url(committee)).status_code == 200
