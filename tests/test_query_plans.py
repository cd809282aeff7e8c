"""No page has to read memberships or completions whole: an index serves each query.

The pages' own queries are captured as the pages run them, then planned again with
`enable_seqscan=off`. That setting makes PostgreSQL avoid a sequential scan wherever any
index can do the work, so a "Seq Scan" left on one of the big tables means no index
serves that query: at Rijk scale (300,000 memberships, 250,000 people) it reads the table
from end to end on every request. So does an index scan without a condition (the whole
index, in its order), unless a LIMIT stops it after a page of rows. Small tables
(departments, users, groups) may be scanned; they stay small.

One exception: a whole scan of a primary key. On the few rows of a test, with sequential
scans priced out, PostgreSQL prefers it to a bitmap of trigram indexes that it does use at
scale (a search among 250,000 people: docs/scaling.md); a table no index serves at all
still shows as a sequential scan.
"""

from __future__ import annotations

import datetime
import json
from collections.abc import Iterator
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from reports.stored import figures_rebuild
from tests.factories import (
    CommitteeFactory,
    CompletionFactory,
    MembershipFactory,
    PersonFactory,
    SessionFactory,
)

pytestmark = pytest.mark.django_db

# The tables that grow with the Rijk's history.
BIG_TABLES = (
    "committees_committeemembership",
    "committees_selectioncommittee",
    "trainings_trainingcompletion",
    "departments_person",
)
INDEX_SCANS = ("Index Scan", "Index Only Scan")
STREAMING = ("Result", "Incremental Sort", "Subquery Scan")


@pytest.fixture
def world(department, other_department):
    """A few of everything in two ministries: enough rows for every page to query."""
    today = datetime.date.today()
    sessions = [SessionFactory(date=today - datetime.timedelta(days=d)) for d in (10, 400)]
    for dept in (department, other_department):
        for offset in (-200, -20, 30, 90):
            committee = CommitteeFactory(
                department=dept, interview_date=today + datetime.timedelta(days=offset)
            )
            for _ in range(3):
                person = PersonFactory(department=dept)
                MembershipFactory(committee=committee, person=person)
                CompletionFactory(person=person, session=sessions[offset % 2])
    figures_rebuild()
    return department


def plans_with_seq_scans(queries: list[dict[str, str]]) -> dict[str, list[str]]:
    """{query: big tables it scans sequentially} of the SELECTs among `queries`."""
    found: dict[str, list[str]] = {}
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexrelid::regclass::text FROM pg_index WHERE indpred IS NOT NULL")
        partial = {row[0] for row in cursor.fetchall()}
        cursor.execute("SET LOCAL enable_seqscan = off")
        for query in queries:
            sql = query["sql"]
            if not sql.lstrip().upper().startswith("SELECT"):
                continue
            cursor.execute(f"EXPLAIN (FORMAT JSON) {sql}")
            raw = cursor.fetchone()[0]
            plan = (json.loads(raw) if isinstance(raw, str) else raw)[0]["Plan"]
            scanned = [
                f"{kind} on {table}"
                for kind, table, index in whole_table_reads(plan, False)
                if index not in partial and not index.endswith("_pkey")
            ]
            if scanned:
                found[sql[:300]] = scanned
    return found


def whole_table_reads(node: dict[str, Any], limited: bool) -> Iterator[tuple[str, str, str]]:
    """(node type, table, index) of each read of a big table from end to end in the plan
    (a partial index's scan reads only its part: the caller leaves those out)."""
    kind, table = node["Node Type"], node.get("Relation Name", "")
    if table in BIG_TABLES:
        if kind == "Seq Scan":
            yield kind, table, ""
        elif kind in INDEX_SCANS and "Index Cond" not in node and not limited:
            index = node.get("Index Name", "")
            yield f"{kind} (whole index {index})", table, index
    # A Limit above an ordered scan stops it after a page of rows, also through nodes that
    # keep the order and pass rows on as they come (the outer side of a nested loop, an
    # incremental sort); a full sort, a hash or a merge reads everything first.
    for position, child in enumerate(node.get("Plans", [])):
        passes = kind in STREAMING or (kind == "Nested Loop" and position == 0)
        yield from whole_table_reads(child, kind == "Limit" or (limited and passes))


def page_queries(client: Client, url: str, **headers: str) -> list[dict[str, str]]:
    client.get(url, headers=headers)  # the session's first save, caches filled
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, headers=headers)
    assert response.status_code == 200, url
    return captured.captured_queries


OP_PAGES = [
    "/committees/",
    "/committees/?compliance=untrained",
    "/committees/?q=Jansen",
    "/people/",
    "/people/?q=Jansen",
    "/completions/to-confirm/",
    "/sessions/",
]
BUREAU_PAGES = ["/", "/departments/what-if-strict/", "/people/", "/committees/"]


@pytest.mark.parametrize("url", OP_PAGES)
def test_op_staff_pages_read_the_big_tables_through_indexes(client, op_user, world, url) -> None:
    client.force_login(op_user)
    assert plans_with_seq_scans(page_queries(client, url)) == {}


def test_the_dashboard_reads_the_big_tables_through_indexes(client, op_user, world) -> None:
    client.force_login(op_user)
    assert plans_with_seq_scans(page_queries(client, f"/departments/{world.code}/")) == {}


def test_a_committee_and_a_person_page_read_through_indexes(client, op_user, world) -> None:
    membership = MembershipFactory._meta.model.objects.filter(committee__department=world).first()
    client.force_login(op_user)
    for url in (f"/committees/{membership.committee_id}/", f"/people/{membership.person_id}/"):
        assert plans_with_seq_scans(page_queries(client, url)) == {}, url


@pytest.mark.parametrize("url", BUREAU_PAGES)
def test_the_bureaus_pages_read_the_big_tables_through_indexes(client, bureau, world, url) -> None:
    client.force_login(bureau)
    assert plans_with_seq_scans(page_queries(client, url)) == {}


def test_the_pages_on_a_committee_and_the_hand_entry_form_read_through_indexes(
    client, op_user, world
) -> None:
    membership = MembershipFactory._meta.model.objects.filter(committee__department=world).first()
    committee, person = membership.committee_id, membership.person_id
    client.force_login(op_user)
    for url in (
        f"/committees/{committee}/edit/",
        f"/committees/{committee}/members/{membership.pk}/register/",
        f"/committees/{committee}/members/{membership.pk}/role/",
        f"/completions/people/{person}/new/",
        "/committees/?compliance=not_all&page=2",
    ):
        assert plans_with_seq_scans(page_queries(client, url)) == {}, url
