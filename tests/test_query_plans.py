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

from reports.quarters import Quarter
from reports.stored import figures_rebuild
from reports.supplier_figures import supplier_figures_refresh
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
    "/people/?q=de",
    "/completions/to-confirm/",
    "/sessions/",
]
BUREAU_PAGES = [
    "/",
    "/departments/what-if-strict/",
    "/people/",
    "/committees/",
    "/reports/suppliers/",
]


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


def test_a_write_refreshes_its_supplier_figures_through_indexes(world) -> None:
    """A registration or cancellation recomputes one quarter of one supplier: the places
    of those sessions only, never every completion."""
    session = SessionFactory._meta.model.objects.order_by("-date").first()
    quarter = Quarter.containing(session.date)
    with CaptureQueriesContext(connection) as captured:
        supplier_figures_refresh(first=quarter, last=quarter, suppliers={session.supplier_id})
    assert len(captured.captured_queries) > 4  # the lock, the four sums, delete, insert
    assert plans_with_seq_scans(captured.captured_queries) == {}


def plan_of(sql: str) -> dict[str, Any]:
    """The plan of `sql` with sequential scans and sorts priced out, as at scale: a Sort
    left in it means no index gives the rows in the order asked."""
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_sort = off")
        cursor.execute(f"EXPLAIN (FORMAT JSON) {sql}")
        raw = cursor.fetchone()[0]
    return (json.loads(raw) if isinstance(raw, str) else raw)[0]["Plan"]


def node_types(node: dict[str, Any]) -> Iterator[str]:
    yield node["Node Type"]
    for child in node.get("Plans", []):
        yield from node_types(child)


def people_page_query(queries: list[dict[str, str]]) -> str:
    """The query that reads the page of people (one row more than the page, in name order)."""
    (sql,) = [
        q["sql"]
        for q in queries
        if q["sql"].startswith('SELECT "departments_person"."id", "departments_person"."employee')
    ]
    return sql


@pytest.mark.parametrize("role", ["op_user", "bureau"])
@pytest.mark.parametrize("direction", ["", "after", "before"])
def test_a_page_of_the_people_list_is_read_in_index_order(
    client, request, world, role, direction
) -> None:
    """Keyset paging: each page starts where an index of the name order says, reads a page
    and stops; no sort of the ministry's (or the Rijk's) people, however deep the page."""
    PersonFactory.create_batch(60, department=world)
    client.force_login(request.getfixturevalue(role))
    url = "/people/"
    if direction:
        # The start of the third page: a full page lies before it.
        second = client.get(url).context["page"].next_after
        anchor = client.get(f"/people/?after={second}").context["page"].next_after
        url = f"/people/?{direction}={anchor}"
    queries = page_queries(client, url)
    assert plans_with_seq_scans(queries) == {}
    plan = plan_of(people_page_query(queries))
    assert "Sort" not in set(node_types(plan)), plan


def test_the_member_search_reads_through_indexes(client, op_user, world) -> None:
    committee = CommitteeFactory(department=world)
    client.force_login(op_user)
    for text in ("de", "Jansen", "Anna de Vries"):
        url = f"/committees/{committee.pk}/people-search/?q={text}"
        assert plans_with_seq_scans(page_queries(client, url, HX_Request="true")) == {}, text


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
