"""Fixtures of the notification tests that run a real Celery worker."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.smtp import SmtpServer


@pytest.fixture
def mail_server() -> Iterator[SmtpServer]:
    """A real SMTP server (aiosmtpd) on a free port, for a worker process to send to.

    Unlike `smtp_server` (tests/conftest.py) it leaves this process's settings alone: the
    worker gets the server's address through its environment.
    """
    server = SmtpServer()
    controller = server.start()
    try:
        yield server
    finally:
        controller.stop()
