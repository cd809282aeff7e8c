"""`manage.py send_reminders [--today YYYY-MM-DD] [--dry-run]`: what beat runs daily.

A dry run lists what would be sent and writes nothing; a real run queues the new messages
and sends them (in-process here: no broker); a second run of the day queues nothing."""

from __future__ import annotations

import datetime
from io import StringIO

import pytest
from django.core import mail
from django.core.management import CommandError, call_command

from notifications.models import Notification, NotificationStatus
from tests.factories import CommitteeFactory, DepartmentFactory, MembershipFactory

pytestmark = pytest.mark.django_db(transaction=True)
TODAY = datetime.date(2026, 3, 2)


def run(*args: str) -> str:
    out = StringIO()
    call_command("send_reminders", *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def due_reminders():
    department = DepartmentFactory(code="TCMD")
    committee = CommitteeFactory(
        department=department, interview_date=TODAY + datetime.timedelta(days=2)
    )
    return [MembershipFactory(committee=committee) for _ in range(2)]


def test_a_dry_run_lists_the_messages_and_writes_nothing(due_reminders) -> None:
    output = run("--today", "2026-03-02", "--dry-run")
    for membership in due_reminders:
        assert f"member_reminder\t{membership.person.email}\t" in output
    assert "2026-03-02: 2 new messages would be queued, 0 sent before." in output
    assert not Notification.objects.exists()
    assert mail.outbox == []


def test_a_run_queues_and_sends_and_a_second_run_sends_nothing_new(due_reminders) -> None:
    assert "2 new messages queued" in run("--today", "2026-03-02")
    assert sorted(m.to[0] for m in mail.outbox) == sorted(
        str(m.person.email) for m in due_reminders
    )
    assert set(Notification.objects.values_list("status", flat=True)) == {NotificationStatus.SENT}
    assert "0 new messages queued, 2 sent before." in run("--today", "2026-03-02")
    assert len(mail.outbox) == 2
    assert "0 new messages would be queued, 2 sent before." in run(
        "--today", "2026-03-02", "--dry-run"
    )


def test_a_date_that_is_no_date_is_refused() -> None:
    with pytest.raises(CommandError, match="--today"):
        run("--today", "2-3-2026")


@pytest.mark.parametrize("day", ["9999-12-31", "0001-01-01", "2020-12-31"])
def test_a_day_outside_the_years_of_the_programme_is_refused_not_a_traceback(day) -> None:
    with pytest.raises(CommandError, match="is not between 2021-01-01 and 2099-12-31"):
        run("--today", day)
    assert not Notification.objects.exists()
