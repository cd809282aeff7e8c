"""The member role page: calls membership_change_role, so the enforcement rule applies."""

from __future__ import annotations

import pytest

from committees.models import CommitteeJustification, CommitteeStatus, MembershipRole
from tests.factories import MembershipFactory

pytestmark = pytest.mark.django_db


def url(membership) -> str:
    return f"/committees/{membership.committee.pk}/members/{membership.pk}/role/"


def external_on_confirmed(department, mode: str):
    department.enforcement_mode = mode
    department.save(update_fields=["enforcement_mode"])
    return MembershipFactory(
        committee__department=department,
        committee__status=CommitteeStatus.CONFIRMED,
        role=MembershipRole.EXTERNAL,
        person__first_name="Els",
        person__last_name="Extern",
    )


def test_op_staff_change_a_role(client, op_user, department) -> None:
    membership = MembershipFactory(committee__department=department)
    client.force_login(op_user)
    assert client.get(url(membership)).status_code == 200
    response = client.post(url(membership), {"role": "chair"})
    assert response.status_code == 302
    membership.refresh_from_db()
    assert membership.role == "chair"
    assert membership.history.latest().history_user == op_user


def test_the_committee_page_links_to_the_role_page(client, op_user, department) -> None:
    membership = MembershipFactory(committee__department=department)
    client.force_login(op_user)
    html = client.get(f"/committees/{membership.committee.pk}/").content.decode()
    assert url(membership) in html


def test_justify_mode_asks_for_a_justification_then_keeps_it(client, op_user, department) -> None:
    membership = external_on_confirmed(department, "justify")
    client.force_login(op_user)
    response = client.post(url(membership), {"role": "member"})
    assert response.status_code == 200
    assert "justification" in response.context["form"].errors
    membership.refresh_from_db()
    assert membership.role == "external"
    response = client.post(url(membership), {"role": "member", "justification": "Geen ander lid"})
    assert response.status_code == 302
    membership.refresh_from_db()
    assert membership.role == "member"
    assert CommitteeJustification.objects.get().text == "Geen ander lid"


def test_strict_mode_refuses_with_a_message(client, op_user, department) -> None:
    membership = external_on_confirmed(department, "strict")
    client.force_login(op_user)
    response = client.post(url(membership), {"role": "member", "justification": "Toch"})
    assert response.status_code == 200
    assert "role" in response.context["form"].errors
    assert "Els Extern" in response.content.decode()
    membership.refresh_from_db()
    assert membership.role == "external"


def test_an_outsider_gets_a_404(client, outsider, department) -> None:
    membership = MembershipFactory(committee__department=department)
    client.force_login(outsider)
    assert client.get(url(membership)).status_code == 404
    assert client.post(url(membership), {"role": "chair"}).status_code == 404
    membership.refresh_from_db()
    assert membership.role == "member"


def test_the_bureau_may_not_change_roles(client, bureau, department) -> None:
    membership = MembershipFactory(committee__department=department)
    client.force_login(bureau)
    assert client.post(url(membership), {"role": "chair"}).status_code == 403


def test_an_unknown_role_gets_a_field_error(client, op_user, department) -> None:
    membership = MembershipFactory(committee__department=department)
    client.force_login(op_user)
    response = client.post(url(membership), {"role": "koning"})
    assert response.status_code == 200
    assert "role" in response.context["form"].errors
