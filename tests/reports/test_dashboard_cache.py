"""The dashboard keeps a department's part (figures, chart, action list) in the cache
under the department's data version: a second view reads it from there, and every change
through the services shows on the next view."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from committees.models import MembershipRole
from committees.services import committee_add_member, committee_remove_member, committee_update
from departments.models import DataVersion, Department
from departments.people import person_update
from departments.touched import data_versions_bump
from reports.stored import figures_rebuild
from tests.factories import (
    CommitteeFactory,
    MembershipFactory,
    PersonFactory,
    SessionFactory,
    op_staff,
)
from trainings.hand_entry import completion_enter_by_hand
from trainings.services import registration_create

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2025, 5, 15)


@pytest.fixture
def today(monkeypatch) -> datetime.date:
    monkeypatch.setattr("django.utils.timezone.localdate", lambda *a, **k: TODAY)
    return TODAY


@pytest.fixture
def membership(department, today):
    committee = CommitteeFactory(
        department=department,
        interview_date=datetime.date(2025, 6, 20),
        vacancy_title="Beleidsmedewerker",
    )
    return MembershipFactory(committee=committee, person__last_name="Jansen")


def view(client, department) -> str:
    response = client.get(f"/departments/{department.code}/")
    assert response.status_code == 200
    return response.content.decode()


def test_a_second_view_reads_the_department_part_from_the_cache(
    client, op_user, department, membership
) -> None:
    client.force_login(op_user)
    with CaptureQueriesContext(connection) as first:
        view(client, department)
    with CaptureQueriesContext(connection) as second:
        html = view(client, department)
    assert "Jansen" in html
    read = " ".join(q["sql"] for q in second.captured_queries)
    assert "committees_committeemembership" in " ".join(q["sql"] for q in first.captured_queries)
    assert "committees_committeemembership" not in read
    assert "reports_storedfigures" not in read
    # The session, the user, the user's roles, and the department with its version and
    # the count of hand entries to confirm.
    assert len(second.captured_queries) == 4


def _register(membership: Any, user: Any) -> str:
    session = SessionFactory(date=datetime.date(2025, 6, 1), capacity=10)
    registration_create(person=membership.person, session=session, user=user)
    return "Ingeschreven"


def _retitle(membership: Any, user: Any) -> str:
    committee_update(committee=membership.committee, user=user, vacancy_title="Jurist")
    return "Jurist"


def _rename(membership: Any, user: Any) -> str:
    person = membership.person
    person_update(person=person, user=user, first_name=person.first_name, last_name="Pietersen")
    return "Pietersen"


def _add(membership: Any, user: Any) -> str:
    person = PersonFactory(department=membership.committee.department, last_name="Bakker")
    committee_add_member(
        committee=membership.committee, person=person, role=MembershipRole.MEMBER, user=user
    )
    return "Bakker"


def _remove(membership: Any, user: Any) -> str:
    committee_remove_member(membership=membership, user=user)
    return "Niets te doen"


@pytest.mark.parametrize(
    "change", [_register, _retitle, _rename, _add, _remove], ids=lambda f: f.__name__[1:]
)
def test_a_change_through_the_services_shows_on_the_next_view(
    client, op_user, department, membership, change: Callable[[Any, Any], str]
) -> None:
    client.force_login(op_user)
    before = view(client, department)
    shown = change(membership, op_user)
    assert shown not in before
    assert shown in view(client, department)


def test_the_part_of_one_ministry_is_never_shown_for_another(
    client, op_user, outsider, department, other_department, membership
) -> None:
    client.force_login(op_user)
    assert "Jansen" in view(client, department)
    client.force_login(outsider)
    assert client.get(f"/departments/{department.code}/").status_code == 404
    assert "Jansen" not in view(client, other_department)


def test_raising_the_versions_of_some_ministries_or_of_all(department, other_department) -> None:
    data_versions_bump(departments=[department.pk])
    data_versions_bump(departments=[department.pk])
    assert DataVersion.objects.get(department=department).version == 2
    assert not DataVersion.objects.filter(department=other_department).exists()
    data_versions_bump(departments=None)
    versions = dict(DataVersion.objects.values_list("department", "version"))
    assert versions[department.pk] == 3
    assert versions[other_department.pk] == 1
    assert set(versions) == set(Department.objects.values_list("pk", flat=True))


def test_the_count_of_hand_entries_to_confirm_is_the_readers_own(
    client, op_user, department, membership
) -> None:
    """Kept out of the cache: it depends on who reads (one's own entries are not counted)."""
    colleague = op_staff(department, username="op.aaa2")
    client.force_login(op_user)
    view(client, department)
    completion_enter_by_hand(
        person=membership.person,
        session=SessionFactory(date=datetime.date(2025, 5, 1)),
        evidence_note="Certificaat in het personeelsdossier",
        user=op_user,
    )
    assert client.get(f"/departments/{department.code}/").context["to_confirm"] == 0
    client.force_login(colleague)
    assert client.get(f"/departments/{department.code}/").context["to_confirm"] == 1


def test_a_rebuild_of_the_figures_renews_every_dashboard(
    client, op_user, department, membership
) -> None:
    """After a deploy that changes a rule, `rebuild_figures` recomputes the figures: what
    was cached under the old rule is no longer read."""
    client.force_login(op_user)
    view(client, department)
    MembershipFactory(committee=membership.committee, person__last_name="Willems")
    assert "Willems" not in view(client, department)  # written past the services
    figures_rebuild()
    assert "Willems" in view(client, department)
