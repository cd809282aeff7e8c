"""The strict refusal names what would work, and links each blocking member to their
registration page."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from committees.enforcement import EnforcementError, committee_enforce
from committees.models import CommitteeStatus, MembershipRole
from departments.models import EnforcementMode
from tests.factories import CommitteeFactory, MembershipFactory, PersonFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def committee(department):
    department.enforcement_mode = EnforcementMode.STRICT
    department.save()
    committee = CommitteeFactory(
        department=department, interview_date=timezone.localdate() + datetime.timedelta(days=20)
    )
    MembershipFactory(
        committee=committee,
        role=MembershipRole.CHAIR,
        person=PersonFactory(department=department, first_name="Cees", last_name="Bakker"),
    )
    return committee


def test_the_refusal_carries_the_blocking_members_and_the_alternatives(committee) -> None:
    with pytest.raises(EnforcementError) as refused:
        committee_enforce(committee=committee, status=CommitteeStatus.CONFIRMED)
    membership = committee.memberships.get()
    assert refused.value.check is not None
    assert refused.value.check.blocking == ((membership.pk, "Cees Bakker"),)
    message = " ".join(refused.value.messages)
    assert "Cees Bakker" in message
    assert "vervang hen door een getraind lid" in message
    assert "verplaats de gespreksdatum" in message


def test_the_edit_page_links_each_blocking_member_to_their_registration(
    client, op_user, committee
) -> None:
    membership = committee.memberships.get()
    client.force_login(op_user)
    response = client.post(
        reverse("committees:edit", args=[committee.pk]),
        {
            "vacancy_reference": committee.vacancy_reference,
            "vacancy_title": committee.vacancy_title,
            "interview_date": committee.interview_date.isoformat(),
            "status": CommitteeStatus.CONFIRMED,
            "notes": "",
        },
    )
    page = response.content.decode()
    register = reverse("committees:member_register", args=[committee.pk, membership.pk])
    assert f'href="{register}"' in page
    assert "Cees Bakker inschrijven voor een sessie" in page
    assert "Een lid vervangen door een getrainde collega" in page
    assert "De gespreksdatum verplaatsen" in page
    committee.refresh_from_db()
    assert committee.status == CommitteeStatus.PLANNED
