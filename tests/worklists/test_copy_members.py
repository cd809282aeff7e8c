"""Copying the members of another committee of the same department."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse

from committees.models import CommitteeMembership, CommitteeStatus, MembershipRole
from tests.factories import CommitteeFactory, CompletionFactory, MembershipFactory, PersonFactory
from worklists.members import LineState

pytestmark = pytest.mark.django_db


@pytest.fixture
def target(department):
    return CommitteeFactory(
        department=department, vacancy_reference="NIEUW", interview_date=datetime.date(2030, 3, 1)
    )


@pytest.fixture
def source(department):
    return CommitteeFactory(department=department, vacancy_reference="OUD")


def url(committee) -> str:
    return reverse("worklists:copy_members", args=[committee.pk])


def members_of(committee) -> dict[int, str]:
    return dict(committee.memberships.values_list("person", "role"))


def test_the_members_are_previewed_then_copied_with_their_roles(
    client, op_user, department, other_department, target, source
) -> None:
    chair = MembershipFactory(committee=source, role=MembershipRole.CHAIR).person
    adviser = MembershipFactory(committee=source, role=MembershipRole.HR_ADVISER).person
    already = MembershipFactory(committee=source).person
    MembershipFactory(committee=target, person=already)
    lent = PersonFactory(department=other_department, last_name="Geleend")
    MembershipFactory(committee=source, person=lent)
    client.force_login(op_user)
    page = client.get(url(target)).content.decode()
    assert "OUD" in page
    preview = client.post(url(target), {"source": source.pk, "preview": ""})
    states = {line.person: line.state for line in preview.context["lines"]}
    assert states == {chair: LineState.ADD, adviser: LineState.ADD, already: LineState.MEMBER}
    assert preview.context["hidden"] == 1
    assert "Geleend" not in preview.content.decode()
    assert len(members_of(target)) == 1
    response = client.post(url(target), {"source": source.pk, "add": ""})
    assert response.status_code == 302
    assert members_of(target) == {
        chair.pk: MembershipRole.CHAIR,
        adviser.pk: MembershipRole.HR_ADVISER,
        already.pk: MembershipRole.MEMBER,
    }


def test_only_committees_of_the_same_department_can_be_chosen(
    client, op_user, department, other_department, target
) -> None:
    foreign = CommitteeFactory(department=other_department, vacancy_reference="VREEMD")
    MembershipFactory(committee=foreign)
    client.force_login(op_user)
    assert "VREEMD" not in client.get(url(target)).content.decode()
    response = client.post(url(target), {"source": foreign.pk, "add": ""})
    assert response.status_code == 200
    assert response.context["form"].errors["source"]
    for bad in ("abc", "99999999999999999999999", target.pk):
        response = client.post(url(target), {"source": bad, "add": ""})
        assert response.status_code == 200
        assert response.context["form"].errors["source"]
    assert not target.memberships.exists()


def test_in_strict_mode_untrained_members_are_not_copied(
    client, op_user, department, target, source
) -> None:
    department.enforcement_mode = "strict"
    department.save(update_fields=["enforcement_mode"])
    target.status = CommitteeStatus.CONFIRMED
    target.save(update_fields=["status"])
    ready = MembershipFactory(committee=source).person
    CompletionFactory(person=ready, session__date=datetime.date(2029, 1, 1))
    MembershipFactory(committee=source, person=PersonFactory(department=department, last_name="Z"))
    client.force_login(op_user)
    response = client.post(url(target), {"source": source.pk, "add": ""})
    assert response.status_code == 200
    states = {line.person: line.state for line in response.context["lines"]}
    assert sorted(states.values()) == [LineState.ADDED, LineState.REFUSED]
    assert states[ready] == LineState.ADDED
    assert list(members_of(target)) == [ready.pk]


def test_in_justify_mode_the_copy_asks_one_justification(
    client, op_user, department, target, source
) -> None:
    department.enforcement_mode = "justify"
    department.save(update_fields=["enforcement_mode"])
    target.status = CommitteeStatus.CONFIRMED
    target.save(update_fields=["status"])
    MembershipFactory(committee=source)
    client.force_login(op_user)
    refused = client.post(url(target), {"source": source.pk, "add": ""})
    assert refused.context["form"].errors["justification"]
    assert not target.memberships.exists()
    done = client.post(url(target), {"source": source.pk, "add": "", "justification": "Spoed"})
    assert done.status_code == 302
    assert target.memberships.count() == 1
    assert target.justifications.get().text == "Spoed"


def test_an_outsider_gets_404_and_the_bureau_403(client, outsider, bureau, target, source) -> None:
    MembershipFactory(committee=source)
    for user, status in ((outsider, 404), (bureau, 403)):
        client.force_login(user)
        assert client.get(url(target)).status_code == status
        assert client.post(url(target), {"source": source.pk, "add": ""}).status_code == status
    assert not CommitteeMembership.objects.filter(committee=target).exists()


def test_the_preview_does_not_grow_in_queries_with_the_members(
    client, op_user, target, source, django_assert_max_num_queries
) -> None:
    client.force_login(op_user)
    MembershipFactory(committee=source)
    client.get(url(target))
    with django_assert_max_num_queries(20) as few:
        client.post(url(target), {"source": source.pk, "preview": ""})
    for _ in range(30):
        MembershipFactory(committee=source)
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.post(url(target), {"source": source.pk, "preview": ""})
