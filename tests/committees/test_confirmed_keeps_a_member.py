"""A confirmed committee keeps at least one member who must be trained.

Found by an outside tester: removing the only such member, or making them external,
turned a confirmed committee "onvolledig", which no mode lets be confirmed.
"""

from __future__ import annotations

import pytest
from django.urls import reverse

from committees.enforcement import EnforcementError
from committees.models import CommitteeMembership, CommitteeStatus, MembershipRole
from committees.services import committee_remove_member, membership_change_role
from tests.factories import CommitteeFactory, MembershipFactory

pytestmark = pytest.mark.django_db


def confirmed_with_one_chair(department, status=CommitteeStatus.CONFIRMED):
    committee = CommitteeFactory(department=department, status=status)
    chair = MembershipFactory(committee=committee, role=MembershipRole.CHAIR)
    MembershipFactory(committee=committee, role=MembershipRole.EXTERNAL)
    return chair


def test_the_last_required_member_of_a_confirmed_committee_cannot_leave(department) -> None:
    chair = confirmed_with_one_chair(department)
    with pytest.raises(EnforcementError) as refused:
        committee_remove_member(membership=chair)
    assert refused.value.code == "incomplete"
    assert CommitteeMembership.objects.filter(pk=chair.pk).exists()


def test_nor_become_an_external_member(department) -> None:
    chair = confirmed_with_one_chair(department)
    with pytest.raises(EnforcementError):
        membership_change_role(membership=chair, role=MembershipRole.EXTERNAL)
    chair.refresh_from_db()
    assert chair.role == MembershipRole.CHAIR
    membership_change_role(membership=chair, role=MembershipRole.MEMBER)  # still required


def test_a_planned_committee_may_lose_its_last_member(department) -> None:
    chair = confirmed_with_one_chair(department, status=CommitteeStatus.PLANNED)
    committee_remove_member(membership=chair)
    assert not CommitteeMembership.objects.filter(pk=chair.pk).exists()


def test_with_another_required_member_the_chair_may_leave(department) -> None:
    chair = confirmed_with_one_chair(department)
    MembershipFactory(committee=chair.committee, role=MembershipRole.HR_ADVISER)
    committee_remove_member(membership=chair)
    assert not CommitteeMembership.objects.filter(pk=chair.pk).exists()


def test_the_remove_page_says_why_and_keeps_the_member(client, op_user, department) -> None:
    chair = confirmed_with_one_chair(department)
    client.force_login(op_user)
    url = reverse("committees:member_remove", args=[chair.committee.pk, chair.pk])
    response = client.post(url, follow=True)
    assert CommitteeMembership.objects.filter(pk=chair.pk).exists()
    assert any(m.level_tag == "error" for m in response.context["messages"])


def test_an_outsider_cannot_remove_at_all(client, outsider, department) -> None:
    chair = confirmed_with_one_chair(department, status=CommitteeStatus.PLANNED)
    client.force_login(outsider)
    url = reverse("committees:member_remove", args=[chair.committee.pk, chair.pk])
    assert client.post(url).status_code == 404
    assert CommitteeMembership.objects.filter(pk=chair.pk).exists()


def test_the_admin_offers_no_delete_for_that_member(client, admin_user_, department) -> None:
    chair = confirmed_with_one_chair(department)
    client.force_login(admin_user_)
    url = reverse("admin:committees_committeemembership_delete", args=[chair.pk])
    assert client.post(url, {"post": "yes"}).status_code == 403
    assert CommitteeMembership.objects.filter(pk=chair.pk).exists()
