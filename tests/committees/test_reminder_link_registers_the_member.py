"""The registration link in a member's reminder, as it arrives at a real SMTP server,
opens that member's own choice page and registers them."""

from __future__ import annotations

import datetime
import re
from urllib.parse import urlsplit

import pytest
from django.utils import timezone

from notifications.services import notifications_send_pending
from tests.factories import CommitteeFactory, DepartmentFactory, MembershipFactory, SessionFactory
from trainings.models import CompletionStatus, TrainingCompletion
from worklists.reminders import reminders_run

pytestmark = pytest.mark.django_db


def test_the_link_in_the_received_reminder_registers_the_member(
    smtp_server, settings, client
) -> None:
    settings.SITE_URL = "https://tm.example.nl"
    today = timezone.localdate()
    ministry = DepartmentFactory(code="BZK")
    member = MembershipFactory(
        committee=CommitteeFactory(
            department=ministry, interview_date=today + datetime.timedelta(days=7)
        ),
        person__first_name="Cees",
        person__last_name="Bakker",
        person__email="cees@bzk.example.nl",
    )
    session = SessionFactory(date=today + datetime.timedelta(days=3), place="Utrecht")

    reminders_run(today=today)
    assert notifications_send_pending(limit=10).sent == 1
    [received] = smtp_server.received()
    assert received.rcpt_tos == ["cees@bzk.example.nl"]
    text_links = re.findall(r"https://tm\.example\.nl/aanmelden/\S+/", received.part("text/plain"))
    html_links = re.findall(
        r'href="(https://tm\.example\.nl/aanmelden/[^"]+)"', received.part("text/html")
    )
    assert len(set(text_links)) == 1
    assert set(html_links) == set(text_links)
    path = urlsplit(text_links[0]).path

    page = client.get(path)
    assert page.status_code == 200
    assert "Bakker" in page.content.decode()
    assert "Utrecht" in page.content.decode()
    client.post(path, {"session": session.pk})
    completion = TrainingCompletion.objects.get(person=member.person)
    assert (completion.session, completion.status) == (session, CompletionStatus.REGISTERED)
