"""Exactly once, with real workers: the daily reminder task runs twice, and the worker
that sends is killed (SIGKILL, its whole process group) at a fixed point of its first
message. A new worker finishes the outbox.

- Killed before the send: every recipient gets one message per stage.
- Killed after the SMTP server accepted the message, before the row was marked sent: the
  one documented repeat. That recipient gets the message twice, with the same
  Message-ID; every other recipient once.

The SMTP server is aiosmtpd in this process; the workers get its address as EMAIL_URL.
The killed worker's task is handed out again after a short visibility timeout, and the
test also sends the outbox task itself, so the pending row is sent either way.
"""

from __future__ import annotations

import datetime
import subprocess
import time
from collections import Counter
from collections.abc import Callable, Iterator

import pytest
import redis
from django.utils import timezone

from notifications.models import Notification, NotificationStatus
from notifications.tasks import send_pending_notifications
from tests.factories import CommitteeFactory, DepartmentFactory, MembershipFactory
from tests.smtp import SmtpServer
from tests.workers import (
    app_sending_to,
    redis_url_or_skip,
    start_worker,
    stop_worker,
    wait_until,
    worker_output,
)
from worklists.tasks import send_daily_reminders

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]
QUEUE = "tm-notifications-killed-integration"
VISIBILITY_TIMEOUT = 2
MEMBERS = 4


@pytest.fixture
def redis_url() -> str:
    return redis_url_or_skip()


@pytest.fixture
def workers(
    redis_url: str, mail_server: SmtpServer
) -> Iterator[Callable[..., subprocess.Popen[bytes]]]:
    client = redis.Redis.from_url(redis_url)
    client.delete(QUEUE, "unacked", "unacked_index")
    started: list[subprocess.Popen[bytes]] = []

    def start(*, kill_at: str = "") -> subprocess.Popen[bytes]:
        process = start_worker(
            redis_url,
            QUEUE,
            module="tests.mail_worker",
            CELERY_VISIBILITY_TIMEOUT=str(VISIBILITY_TIMEOUT),
            EMAIL_URL=mail_server.url,
            DEFAULT_FROM_EMAIL="Training Monitor <noreply@tm.example.nl>",
            KILL_AT=kill_at,
        )
        started.append(process)
        return process

    with app_sending_to(redis_url, QUEUE):
        try:
            yield start
        finally:
            for process in started:
                stop_worker(process)
            client.delete(QUEUE, "unacked", "unacked_index")


@pytest.fixture
def members() -> list[str]:
    """Untrained members of a committee interviewing in 7 days: the 7-day reminder is due."""
    department = DepartmentFactory(code="TKIL")
    committee = CommitteeFactory(
        department=department, interview_date=timezone.localdate() + datetime.timedelta(days=7)
    )
    return [str(MembershipFactory(committee=committee).person.email) for _ in range(MEMBERS)]


def _run_killed_then_finish(workers: Callable[..., subprocess.Popen[bytes]], kill_at: str) -> None:
    first = workers(kill_at=kill_at)
    send_daily_reminders.apply_async()
    # The worker decides, commits the rows, enqueues the sending and dies on the first send.
    first.wait(timeout=120)
    assert first.returncode == -9, worker_output(first)
    rows = Notification.objects.filter(kind="member_reminder")
    assert rows.count() == MEMBERS
    assert rows.filter(status=NotificationStatus.SENT).count() == 0

    time.sleep(VISIBILITY_TIMEOUT + 1)
    second = workers()
    # The second run of the day decides nothing new; the sending is asked for again.
    send_daily_reminders.apply_async()
    send_pending_notifications.apply_async()

    def all_sent() -> bool:
        assert second.poll() is None, worker_output(second)
        return rows.filter(status=NotificationStatus.SENT).count() == MEMBERS

    wait_until(all_sent, 120, "every reminder sent")
    assert Notification.objects.filter(kind="member_reminder").count() == MEMBERS


def _by_recipient(server: SmtpServer) -> dict[str, list[str]]:
    received: dict[str, list[str]] = {}
    for message in server.received():
        [to] = message.rcpt_tos
        received.setdefault(to, []).append(str(message.message["Message-ID"]))
    return received


def test_a_worker_killed_before_the_send_leaves_one_message_per_member(
    workers: Callable[..., subprocess.Popen[bytes]], mail_server: SmtpServer, members: list[str]
) -> None:
    _run_killed_then_finish(workers, "before_send")
    received = _by_recipient(mail_server)
    assert sorted(received) == sorted(members)
    assert all(len(ids) == 1 for ids in received.values()), received
    stored = dict(Notification.objects.values_list("recipient_email", "message_id"))
    assert {to: ids[0] for to, ids in received.items()} == stored


def test_a_worker_killed_after_the_smtp_acceptance_repeats_one_message_with_its_message_id(
    workers: Callable[..., subprocess.Popen[bytes]], mail_server: SmtpServer, members: list[str]
) -> None:
    _run_killed_then_finish(workers, "after_send")
    received = _by_recipient(mail_server)
    assert sorted(received) == sorted(members)
    counts = Counter(len(ids) for ids in received.values())
    # The documented repeat: one recipient twice, with the same Message-ID; no more.
    assert counts == {1: MEMBERS - 1, 2: 1}, received
    [repeated] = [ids for ids in received.values() if len(ids) == 2]
    assert repeated[0] == repeated[1]
    stored = dict(Notification.objects.values_list("recipient_email", "message_id"))
    assert {to: ids[0] for to, ids in received.items()} == stored
    # The repeated row was marked sent once, by the second worker: one attempt counted.
    assert set(Notification.objects.values_list("attempts", flat=True)) == {1}
