"""The daily reminder run against an SMTP sink: ours against a naive per-member loop.

    python benchmarks/reminders.py [--scale 1] [--today YYYY-MM-DD] [--database NAME]

`--scale` is seed_demo's (1 by default, 50 supported: a database of its own per scale,
seeded once). Both runs decide today's member reminders on the same data, write them to
the outbox and send them to an SMTP server in this process that accepts and drops every
message (aiosmtpd), so the mail server costs next to nothing.

- Ours: `worklists.reminders.reminders_run` (every decision of the day: member reminders,
  escalations, the weekly overview), a fixed number of queries, then
  `notifications_send_pending`.
- Naive: for each upcoming committee and each member, ask the database whether the person
  is trained, registered, which sessions are open and whom to ask, and write the
  reminder with get_or_create; then the same sender.

Prints messages per second and queries per message for deciding and for sending, and the
ratio; checks that both decided the same member reminders.
"""

from __future__ import annotations

import argparse
import datetime
import time
from collections.abc import Callable
from typing import Any

from _setup import setup_django


class Counter:
    def __init__(self) -> None:
        self.queries = 0

    def __call__(self, execute: Any, sql: Any, params: Any, many: Any, context: Any) -> Any:
        self.queries += 1
        return execute(sql, params, many, context)


def measured(func: Callable[[], int]) -> tuple[float, int, int]:
    from django.db import connection

    counter = Counter()
    with connection.execute_wrapper(counter):
        start = time.perf_counter()
        messages = func()
        seconds = time.perf_counter() - start
    return seconds, counter.queries, messages


def naive_member_reminders(today: datetime.date) -> int:
    """One query (or more) per member: the loop a first version would have."""
    from django.contrib.auth import get_user_model
    from django.db import transaction

    from committees import compliance
    from committees.models import SelectionCommittee
    from committees.reminders import SessionOffer, _member_draft, reminder_stage
    from departments.models import Department
    from notifications.models import Notification
    from trainings.models import CompletionStatus, TrainingCompletion, TrainingSession

    written = 0
    with transaction.atomic():
        for department in Department.objects.filter(reminders_enabled=True):
            days = department.reminder_day_list()
            until = today + datetime.timedelta(days=max(days))
            committees = SelectionCommittee.objects.active().filter(
                department=department, interview_date__gt=today, interview_date__lte=until
            )
            for committee in committees:
                stage = reminder_stage((committee.interview_date - today).days, days)
                if stage is None:
                    continue
                for membership in committee.memberships.select_related("person"):
                    person = membership.person
                    if membership.role not in compliance.required_roles() or not person.email:
                        continue
                    attended = TrainingCompletion.objects.attended().filter(
                        person=person, session__date__lte=committee.interview_date
                    )
                    if attended.exists():
                        continue
                    registered = [
                        c.session
                        for c in TrainingCompletion.objects.filter(
                            person=person,
                            status=CompletionStatus.REGISTERED,
                            session__cancelled=False,
                            session__date__gt=today,
                        ).select_related("session")
                    ]
                    offers = []
                    for session in TrainingSession.objects.filter(
                        cancelled=False,
                        entered_by_hand=False,
                        date__gt=today,
                        date__lt=committee.interview_date,
                    ).order_by("date"):
                        taken = session.completions.filter(
                            status__in=[CompletionStatus.REGISTERED, CompletionStatus.ATTENDED]
                        ).count()
                        left = None if session.capacity is None else session.capacity - taken
                        if left is None or left > 0:
                            offers.append(SessionOffer(session=session, places_left=left))
                    contact = (
                        get_user_model()
                        .objects.filter(staff_departments=department, is_active=True)
                        .exclude(email="")
                        .order_by("pk")
                        .values_list("email", flat=True)
                        .first()
                    )
                    membership.committee = committee
                    committee.department = department
                    draft = _member_draft(
                        membership,
                        stage,
                        today=today,
                        offers=offers,
                        registered=registered,
                        contact=contact or "",
                    )
                    _row, created = Notification.objects.get_or_create(
                        key=draft.key, defaults={"recipient_email": draft.to, **_fields(draft)}
                    )
                    written += created
    return written


def _fields(draft: Any) -> dict[str, Any]:
    row = draft.row()
    return {
        name: getattr(row, name)
        for name in ("kind", "department_id", "language", "subject", "body_text", "body_html")
    } | {"message_id": row.message_id}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--today", default="")
    parser.add_argument(
        "--database", default="", help="default: tm_bench_reminders_<scale> (it deletes messages)"
    )
    args = parser.parse_args()
    database = args.database or f"tm_bench_reminders_{str(args.scale).replace('.', '_')}"
    setup_django(database, scale=args.scale)

    from aiosmtpd.controller import Controller
    from django.conf import settings
    from django.utils import timezone

    from notifications.models import Notification
    from notifications.services import notifications_send_pending
    from tests.smtp import SmtpServer
    from worklists.reminders import reminders_run

    class Sink(SmtpServer):
        async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
            return "250 OK"

    sink = Sink()
    controller = Controller(sink, hostname=sink.host, port=sink.port)
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = sink.host, sink.port
    # The sending is measured on its own, not run from the commit of the decisions
    # (without CELERY_BROKER_URL the broker is in memory: the task waits there).
    settings.CELERY_TASK_ALWAYS_EAGER = False
    from training_monitor.celery import app

    app.conf.task_always_eager = False
    today = datetime.date.fromisoformat(args.today) if args.today else timezone.localdate()

    def send_all() -> int:
        return notifications_send_pending(limit=10**9).sent

    try:
        Notification.objects.all().delete()
        ours = measured(lambda: len(reminders_run(today=today).new))
        ours_keys = set(
            Notification.objects.filter(kind="member_reminder").values_list("key", flat=True)
        )
        ours_send = measured(send_all)
        Notification.objects.all().delete()
        naive = measured(lambda: naive_member_reminders(today))
        naive_keys = set(Notification.objects.values_list("key", flat=True))
        naive_send = measured(send_all)
        Notification.objects.all().delete()
    finally:
        controller.stop()

    assert ours_keys == naive_keys, "both must decide the same member reminders"
    print(f"scale {args.scale}, {today}: {len(naive_keys)} member reminders due")
    for name, (seconds, queries, messages) in [
        ("ours: decide and write (all kinds)", ours),
        ("naive: decide and write (members)", naive),
        ("ours: send to the SMTP sink", ours_send),
        ("naive's rows: same sender", naive_send),
    ]:
        rate = messages / seconds if seconds else 0.0
        per = queries / messages if messages else float(queries)
        print(
            f"{name:38} {messages:6d} msgs {seconds * 1000:9.1f} ms "
            f"{rate:9.1f} msgs/s {queries:7d} queries {per:7.2f} queries/msg"
        )
    ours_rate = ours[2] / ours[0] if ours[0] else 0.0
    naive_rate = naive[2] / naive[0] if naive[0] else 0.0
    if naive_rate:
        print(f"deciding, messages per second ours/naive: {ours_rate / naive_rate:.1f}x")


if __name__ == "__main__":
    main()
