"""End to end, as in production: the reset page queues the message, a real Celery worker
(the notifications queue's task) sends it to a real SMTP server, and its link sets the
new password once. The worker makes the link itself: it is in no database row."""

from __future__ import annotations

import re
from collections.abc import Iterator
from urllib.parse import urlsplit

import pytest
import redis

from notifications.models import Notification, NotificationStatus
from notifications.reset_links import LINK_MARKER
from tests.factories import UserFactory
from tests.smtp import SmtpServer
from tests.workers import (
    app_sending_to,
    redis_url_or_skip,
    start_worker,
    stop_worker,
    wait_until,
    worker_output,
)

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]
QUEUE = "tm-password-reset-integration"
LINK = re.compile(r"https://tm\.example\.nl/accounts/password/reset/\S+/")


@pytest.fixture
def worker(mail_server: SmtpServer) -> Iterator[None]:
    redis_url = redis_url_or_skip()
    client = redis.Redis.from_url(redis_url)
    client.delete(QUEUE, "unacked", "unacked_index")
    process = start_worker(
        redis_url,
        QUEUE,
        EMAIL_URL=mail_server.url,
        SITE_URL="https://tm.example.nl",
        DEFAULT_FROM_EMAIL="Training Monitor <noreply@tm.example.nl>",
    )
    try:
        with app_sending_to(redis_url, QUEUE):
            yield
        assert process.poll() is None, worker_output(process)
    finally:
        stop_worker(process)
        client.delete(QUEUE, "unacked", "unacked_index")


def test_the_link_from_the_workers_message_sets_the_password_once(
    client, worker, mail_server
) -> None:
    UserFactory(username="bram", first_name="Bram", email="bram@bzk.example.nl")
    for address in ("bram@bzk.example.nl", "niemand@bzk.example.nl"):
        response = client.post("/accounts/password/reset/", {"email": address})
        assert response.status_code == 302

    row = Notification.objects.get()  # the unknown address got no row

    def sent() -> bool:
        row.refresh_from_db()
        return row.status == NotificationStatus.SENT

    wait_until(sent, 60, "the worker to send the reset message")
    assert LINK_MARKER in row.body_text
    [received] = mail_server.received()
    assert received.rcpt_tos == ["bram@bzk.example.nl"]
    assert received.message["Subject"].startswith("Kies een nieuw wachtwoord")
    [link] = set(LINK.findall(received.part("text/plain")))

    path = urlsplit(link).path
    form = client.get(path, follow=True)
    assert "Kies een nieuw wachtwoord" in form.content.decode()
    password = {"new_password1": "Lente-in-Utrecht-7", "new_password2": "Lente-in-Utrecht-7"}
    done = client.post(form.redirect_chain[-1][0], password, follow=True)
    assert "Uw nieuwe wachtwoord is opgeslagen" in done.content.decode()
    again = client.get(path, follow=True)
    assert "Deze link werkt niet meer" in again.content.decode()
