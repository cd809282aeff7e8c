"""Every change to committees, memberships, people and completions is kept."""

from __future__ import annotations

import pytest

from committees.models import CommitteeMembership
from tests.factories import CompletionFactory, MembershipFactory
from trainings.models import CompletionStatus

pytestmark = pytest.mark.django_db


def test_changes_to_the_core_records_are_kept_with_their_old_values() -> None:
    membership = MembershipFactory()
    completion = CompletionFactory(person=membership.person, status=CompletionStatus.REGISTERED)

    membership.committee.status = "confirmed"
    membership.committee.save(update_fields=["status"])
    membership.person.email = "nieuw@example.nl"
    membership.person.save(update_fields=["email"])
    completion.status = CompletionStatus.ATTENDED
    completion.save(update_fields=["status"])
    membership_id = membership.pk
    membership.delete()

    assert [h.status for h in membership.committee.history.order_by("history_id")] == [
        "planned",
        "confirmed",
    ]
    assert membership.person.history.earliest("history_date").email != "nieuw@example.nl"
    assert [h.status for h in completion.history.order_by("history_id")] == [
        "registered",
        "attended",
    ]
    kept = CommitteeMembership.history.filter(id=membership_id).order_by("history_id")
    assert [h.history_type for h in kept] == ["+", "-"]
