"""The committee list: scoped, filtered, searched, sorted, paginated, constant queries."""

from __future__ import annotations

import datetime

import pytest

from committees.models import CommitteeStatus
from tests.factories import CommitteeFactory, CompletionFactory, MembershipFactory

pytestmark = pytest.mark.django_db

URL = "/committees/"


def refs(response) -> list[str]:
    return [c.vacancy_reference for c in response.context["page"].object_list]


def test_it_hides_other_departments(client, op_user, department, other_department) -> None:
    CommitteeFactory(department=department, vacancy_reference="OWN-1")
    CommitteeFactory(department=other_department, vacancy_reference="OTHER-1")
    client.force_login(op_user)
    response = client.get(URL)
    assert refs(response) == ["OWN-1"]
    assert "OTHER-1" not in response.content.decode()


def test_the_bureau_sees_every_department(client, bureau, department, other_department) -> None:
    CommitteeFactory(department=department)
    CommitteeFactory(department=other_department)
    client.force_login(bureau)
    assert len(refs(client.get(URL))) == 2


def test_each_row_shows_how_many_are_trained(client, op_user, department) -> None:
    committee = CommitteeFactory(department=department)
    trained = MembershipFactory(committee=committee)
    MembershipFactory(committee=committee)
    CompletionFactory(person=trained.person, session__date=datetime.date(2025, 1, 1))
    client.force_login(op_user)
    assert "1 van 2 getraind" in client.get(URL).content.decode()


def test_it_filters_on_status_dates_and_training(client, op_user, department) -> None:
    trained = CommitteeFactory(
        department=department,
        vacancy_reference="A",
        status=CommitteeStatus.CONFIRMED,
        interview_date=datetime.date(2025, 1, 10),
    )
    member = MembershipFactory(committee=trained)
    CompletionFactory(person=member.person, session__date=datetime.date(2025, 1, 2))
    CommitteeFactory(
        department=department, vacancy_reference="C", interview_date=datetime.date(2025, 3, 2)
    )
    untrained = CommitteeFactory(
        department=department, vacancy_reference="B", interview_date=datetime.date(2025, 3, 1)
    )
    MembershipFactory(committee=untrained)
    client.force_login(op_user)
    assert refs(client.get(URL, {"status": "confirmed"})) == ["A"]
    assert refs(client.get(URL, {"interview_from": "2025-02-01"})) == ["C", "B"]
    assert refs(client.get(URL, {"interview_to": "2025-02-01"})) == ["A"]
    assert refs(client.get(URL, {"compliance": "all"})) == ["A"]
    assert refs(client.get(URL, {"compliance": "not_all"})) == ["B"]
    assert refs(client.get(URL, {"compliance": "incomplete"})) == ["C"]


def test_it_searches_reference_title_and_member_name(client, op_user, department) -> None:
    CommitteeFactory(department=department, vacancy_reference="VAC-77", vacancy_title="Jurist")
    other = CommitteeFactory(department=department, vacancy_reference="VAC-88")
    MembershipFactory(committee=other, person__last_name="Oosterhuis")
    client.force_login(op_user)
    assert refs(client.get(URL, {"q": "vac-77"})) == ["VAC-77"]
    assert refs(client.get(URL, {"q": "jurist"})) == ["VAC-77"]
    assert refs(client.get(URL, {"q": "ooster"})) == ["VAC-88"]


def test_it_sorts(client, op_user, department) -> None:
    CommitteeFactory(department=department, vacancy_reference="B")
    CommitteeFactory(department=department, vacancy_reference="A")
    client.force_login(op_user)
    assert refs(client.get(URL, {"sort": "vacancy_reference"})) == ["A", "B"]
    assert refs(client.get(URL, {"sort": "-vacancy_reference"})) == ["B", "A"]


def test_it_paginates(client, op_user, department) -> None:
    CommitteeFactory.create_batch(30, department=department)
    client.force_login(op_user)
    assert len(refs(client.get(URL))) == 25
    second = client.get(URL, {"page": 2})
    assert len(refs(second)) == 5


@pytest.mark.parametrize("rows", [10, 100])
def test_queries_do_not_grow_with_rows(
    client, op_user, department, django_assert_max_num_queries, rows
) -> None:
    for committee in CommitteeFactory.create_batch(rows, department=department):
        MembershipFactory(committee=committee)
    client.force_login(op_user)
    client.get(URL)  # warm the session and role caches
    with django_assert_max_num_queries(11):
        assert client.get(URL).status_code == 200


def test_anonymous_users_are_sent_to_log_in(client) -> None:
    assert client.get(URL).status_code == 302


def test_a_long_list_is_counted_up_to_a_limit_and_paged_on(
    client, op_user, department, monkeypatch
) -> None:
    monkeypatch.setattr("committees.views.COUNT_LIMIT", 2)
    monkeypatch.setattr("committees.views.PAGE_SIZE", 1)
    for n in range(4):
        CommitteeFactory(department=department, vacancy_reference=f"VAC-{n}")
    client.force_login(op_user)
    response = client.get(URL, {"page": 4, "sort": "vacancy_reference"})
    body = response.content.decode()
    assert "Meer dan 2 commissies gevonden" in body
    assert refs(response) == ["VAC-3"]
    assert "Pagina 4" in body
    assert "Pagina 4 van" not in body
    assert 'rel="prev"' in body
    assert 'rel="next"' not in body
