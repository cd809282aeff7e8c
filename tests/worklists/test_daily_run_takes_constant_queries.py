"""The daily run decides every kind of message in a fixed number of queries: the same for
two members as for forty (the sending after the commit is measured in
tests/notifications, per message)."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from notifications.models import Notification
from tests.factories import CommitteeFactory, DepartmentFactory, MembershipFactory, op_staff
from worklists.reminders import reminders_run

pytestmark = pytest.mark.django_db
TODAY = datetime.date(2026, 3, 2)


def test_the_whole_run_takes_the_same_queries_for_few_or_many_members() -> None:
    department = DepartmentFactory(code="TQRY", op_director_email="d@example.nl")
    staff = op_staff(department, username="op.tqry")
    staff.email = "op@example.nl"
    staff.save()

    def queries(members: int, day: int) -> int:
        committee = CommitteeFactory(
            department=department, interview_date=TODAY + datetime.timedelta(days=day)
        )
        MembershipFactory.create_batch(members, committee=committee)
        Notification.objects.all().delete()
        with CaptureQueriesContext(connection) as captured:
            result = reminders_run(today=TODAY)
        assert len([d for d in result.new if d.kind == "member_reminder"]) >= members
        return len(captured)

    # Every kind is decided: reminders, the escalation and the weekly overview.
    assert queries(2, 2) == queries(40, 7) == 16
    kinds = set(Notification.objects.values_list("kind", flat=True))
    assert kinds == {"member_reminder", "escalation", "weekly_digest"}
