"""The committee pages, the sessions page and the hand-entry form ask a fixed number of
queries beyond what every page asks (the floor: /privacy/), whatever the number of rows.

Counted as reads (SELECT, and DECLARE of a server-side cursor) beyond the floor's, so that
what every request reads or writes (the session, the user, their roles) is counted once, in
the floor, and not in each page.
"""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from committees.models import CommitteeMembership
from tests.factories import (
    CommitteeFactory,
    CompletionFactory,
    MembershipFactory,
    PersonFactory,
    SessionFactory,
)
from trainings.models import CompletionStatus

pytestmark = pytest.mark.django_db

FLOOR = "/privacy/"


def selects(client, url: str) -> int:
    client.get(url)  # warm the session and role caches
    with CaptureQueriesContext(connection) as context:
        assert client.get(url).status_code == 200, url
    reads = ("SELECT", "DECLARE")  # DECLARE: a server-side cursor (`.iterator()`)
    return sum(q["sql"].lstrip().upper().startswith(reads) for q in context.captured_queries)


def beyond_the_floor(client, url: str) -> int:
    return selects(client, url) - selects(client, FLOOR)


def fill(department, committee, n: int) -> None:
    """n more committees, members of `committee` (trained, registered) and sessions."""
    soon = datetime.date.today() + datetime.timedelta(days=5)
    for _ in range(n):
        CommitteeFactory(department=department, interview_date=datetime.date(2030, 1, 1))
        trained = MembershipFactory(committee=committee, person__department=department)
        CompletionFactory(person=trained.person, session__date=datetime.date(2025, 1, 1))
        registered = MembershipFactory(committee=committee, person__department=department)
        session = SessionFactory(date=soon, capacity=10)
        CompletionFactory(
            person=registered.person, session=session, status=CompletionStatus.REGISTERED
        )
        SessionFactory(date=datetime.date.today() - datetime.timedelta(days=3))


@pytest.fixture
def committee(department):
    return CommitteeFactory(
        department=department, interview_date=datetime.date.today() + datetime.timedelta(days=60)
    )


# What each page asks beyond the floor, and why.
OP_PAGES = {
    # the rows, their count (up to a limit), the ministries shown, may the user edit
    "list": 4,
    # the committee (with may edit), members (with which people the user may see),
    # their places (with which sessions), waiting lists, history (2), justifications
    "detail": 7,
    # the committee (with may edit)
    "edit": 1,
    # the committee, the member, sessions on offer, their places and waiting list
    "register": 5,
    # the sessions and their count
    "sessions": 2,
    # the person, may enter, sessions, suppliers, programmes
    "enter": 5,
}


def urls(committee) -> dict[str, str]:
    membership = CommitteeMembership.objects.filter(committee=committee).earliest("pk")
    person = PersonFactory(department=committee.department)
    return {
        "list": "/committees/",
        "detail": f"/committees/{committee.pk}/",
        "edit": f"/committees/{committee.pk}/edit/",
        "register": f"/committees/{committee.pk}/members/{membership.pk}/register/",
        "sessions": "/sessions/",
        "enter": f"/completions/people/{person.pk}/new/",
    }


def test_the_pages_ask_the_same_queries_for_few_and_for_many_rows(
    client, op_user, department, committee
) -> None:
    client.force_login(op_user)
    fill(department, committee, 2)
    few = {name: beyond_the_floor(client, url) for name, url in urls(committee).items()}
    fill(department, committee, 30)
    many = {name: beyond_the_floor(client, url) for name, url in urls(committee).items()}
    assert few == many == OP_PAGES


def test_the_bureaus_committee_list_asks_four_queries(client, bureau, department) -> None:
    """The rows, their count, the ministries shown and those of the filter (the bureau
    edits none: no query for that)."""
    CommitteeFactory.create_batch(3, department=department)
    client.force_login(bureau)
    assert beyond_the_floor(client, "/committees/") == 4
