"""The admin confirms committees through the same enforcement rule as the pages."""

from __future__ import annotations

import pytest

from committees.models import CommitteeJustification, CommitteeStatus
from tests.factories import CommitteeFactory, MembershipFactory

pytestmark = pytest.mark.django_db


def change_data(committee, **overrides: object) -> dict[str, object]:
    data: dict[str, object] = {
        "department": committee.department.pk,
        "vacancy_reference": committee.vacancy_reference,
        "vacancy_title": committee.vacancy_title,
        "interview_date": committee.interview_date.isoformat(),
        "status": committee.status,
        "notes": "",
        "justification": "",
        "memberships-TOTAL_FORMS": "0",
        "memberships-INITIAL_FORMS": "0",
        "justifications-TOTAL_FORMS": "0",
        "justifications-INITIAL_FORMS": "0",
    }
    data.update(overrides)
    return data


def committee_in(mode: str):
    committee = CommitteeFactory()
    committee.department.enforcement_mode = mode
    committee.department.save(update_fields=["enforcement_mode"])
    MembershipFactory(committee=committee)
    return committee


def url(committee) -> str:
    return f"/admin/committees/selectioncommittee/{committee.pk}/change/"


def test_strict_blocks_confirming_in_the_admin(client, admin_user_) -> None:
    committee = committee_in("strict")
    client.force_login(admin_user_)
    response = client.post(url(committee), change_data(committee, status="confirmed"))
    assert response.status_code == 200
    assert "status" in response.context["adminform"].form.errors
    committee.refresh_from_db()
    assert committee.status == CommitteeStatus.PLANNED


def test_justify_stores_the_admins_reason(client, admin_user_) -> None:
    committee = committee_in("justify")
    client.force_login(admin_user_)
    response = client.post(url(committee), change_data(committee, status="held"))
    assert response.status_code == 200
    response = client.post(
        url(committee), change_data(committee, status="held", justification="Via beheer")
    )
    assert response.status_code == 302
    justification = CommitteeJustification.objects.get()
    assert (justification.text, justification.created_by) == ("Via beheer", admin_user_)
