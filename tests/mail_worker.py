"""A Celery worker that kills itself at a fixed point of sending the outbox.

Started by tests/notifications/test_worker_killed_while_sending.py as a subprocess
(tests/workers.py start_worker with module="tests.mail_worker"); arguments after the
module name go to `celery worker`. KILL_AT chooses the point, on the first message the
worker hands to the mail server:

- "before_send": just before the message goes to the SMTP server;
- "after_send": just after the SMTP server accepted it, before the row is marked sent.

The worker's whole process group gets SIGKILL, as when a machine dies: no clean-up runs
and its open database transaction is rolled back by PostgreSQL. Without KILL_AT it is a
normal worker. Every task it sends itself goes to the queue it consumes (-Q), so the
sending that a decision enqueues after its commit reaches this worker too.
"""

from __future__ import annotations

import os
import signal
import sys
from typing import Any

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "training_monitor.settings_test")
django.setup()

from notifications import services  # noqa: E402
from training_monitor.celery import app  # noqa: E402

KILL_AT = os.environ.get("KILL_AT", "")
_original_deliver = services._deliver


def _kill_the_worker() -> None:
    os.killpg(os.getpgrp(), signal.SIGKILL)


def _deliver(message: Any) -> None:
    if KILL_AT == "before_send":
        _kill_the_worker()
    _original_deliver(message)
    if KILL_AT == "after_send":
        _kill_the_worker()


def _route_to(queue: str) -> Any:
    def route(*args: object, **kwargs: object) -> dict[str, str]:
        return {"queue": queue}

    return route


if __name__ == "__main__":
    services._deliver = _deliver
    queue = sys.argv[sys.argv.index("-Q") + 1]
    app.conf.task_routes = (_route_to(queue),)
    app.conf.task_default_queue = queue
    app.worker_main(["worker", *sys.argv[1:]])
