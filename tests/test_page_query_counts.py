"""Pages use the same number of queries for 10 and for 100 rows."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.factories import (
    CommitteeFactory,
    CompletionFactory,
    MembershipFactory,
    PersonFactory,
)

pytestmark = pytest.mark.django_db


def count_queries(client, url: str) -> int:
    client.get(url)  # warm the session and role caches
    with CaptureQueriesContext(connection) as context:
        assert client.get(url).status_code == 200
    return len(context.captured_queries)


def grow(department, person, committee, n: int) -> None:
    for _ in range(n):
        other = CommitteeFactory(department=department, interview_date=datetime.date(2030, 1, 1))
        MembershipFactory(committee=other, person=person)
        member = MembershipFactory(committee=committee)
        CompletionFactory(person=member.person, session__date=datetime.date(2025, 1, 1))
        CompletionFactory(person=person)


def test_the_main_pages_do_not_grow_with_the_data(client, op_user, department) -> None:
    person = PersonFactory(department=department)
    committee = CommitteeFactory(department=department)
    urls = [
        "/committees/",
        f"/committees/{committee.pk}/",
        f"/people/{person.pk}/",
        f"/departments/{department.code}/",
    ]
    client.force_login(op_user)
    grow(department, person, committee, 10)
    small = {url: count_queries(client, url) for url in urls}
    grow(department, person, committee, 90)
    large = {url: count_queries(client, url) for url in urls}
    assert small == large
