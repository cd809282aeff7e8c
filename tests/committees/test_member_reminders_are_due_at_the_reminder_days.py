"""Untrained members of upcoming committees are reminded at the reminder days before the
interview, once per stage; a registered member gets a short reminder of their session."""

from __future__ import annotations

import datetime
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from committees.models import CommitteeStatus, MembershipRole
from committees.registration_links import registration_token_read
from committees.reminders import member_reminder_drafts, reminder_stage
from notifications.models import Notification
from tests.factories import (
    CommitteeFactory,
    CompletionFactory,
    DepartmentFactory,
    MembershipFactory,
    SessionFactory,
    op_staff,
)
from trainings.models import CompletionStatus
from worklists.reminders import reminders_run

pytestmark = pytest.mark.django_db
TODAY = datetime.date(2026, 3, 2)


def in_days(days: int) -> datetime.date:
    return TODAY + datetime.timedelta(days=days)


@pytest.mark.parametrize(
    ("days_left", "stage"),
    [
        (30, None),
        (22, None),
        (21, 21),
        (15, 21),
        (8, 21),
        (7, 7),
        (3, 7),
        (2, 2),
        (1, 2),
        (0, None),
    ],
)
def test_the_stage_is_the_smallest_reminder_day_not_passed(days_left, stage) -> None:
    assert reminder_stage(days_left, [21, 7, 2]) == stage


@pytest.fixture
def ministry():
    department = DepartmentFactory(code="BZK", name_nl="Binnenlandse Zaken")
    contact = op_staff(department, username="op.bzk")
    contact.email = "op@bzk.example.nl"
    contact.save()
    return department


def test_an_untrained_member_gets_the_reminder_with_sessions_and_whom_to_ask(ministry) -> None:
    committee = CommitteeFactory(
        department=ministry,
        interview_date=in_days(7),
        vacancy_title="Jurist",
        vacancy_reference="BZK-1",
    )
    member = MembershipFactory(
        committee=committee, person__first_name="Cees", person__email="cees@bzk.example.nl"
    )
    SessionFactory(date=in_days(3), place="Utrecht", capacity=10)
    SessionFactory(date=in_days(4), place="Zwolle", capacity=1)
    full = SessionFactory(date=in_days(5), place="Vol", capacity=1)
    CompletionFactory(session=full, status=CompletionStatus.REGISTERED)
    SessionFactory(date=in_days(9), place="Te laat")

    [draft] = member_reminder_drafts(today=TODAY)
    assert draft.key == f"member-reminder:{member.pk}:{in_days(7).isoformat()}:7"
    assert draft.to == "cees@bzk.example.nl"
    text = draft.message.text
    dutch, english = text.split("English")
    assert "Beste Cees," in dutch
    assert "Dear Cees," in english
    assert "Jurist" in dutch
    assert "BZK-1" in dutch
    assert "Utrecht" in text
    assert "Zwolle" in text
    assert "Vol" not in text  # full
    assert "Te laat" not in text  # after the interview
    assert "1 plaats vrij" in dutch
    assert "1 place left" in english
    assert "op@bzk.example.nl" in text
    assert draft.message.subject.startswith("Volg de workshop")
    assert '<div lang="nl">' in draft.message.html


def test_trained_external_and_far_away_members_get_nothing(ministry) -> None:
    soon = CommitteeFactory(department=ministry, interview_date=in_days(7))
    trained = MembershipFactory(committee=soon)
    CompletionFactory(person=trained.person, session__date=in_days(-30))
    MembershipFactory(committee=soon, role=MembershipRole.EXTERNAL)
    MembershipFactory(committee=soon, person__email=None)
    MembershipFactory(committee=CommitteeFactory(department=ministry, interview_date=in_days(40)))
    MembershipFactory(
        committee=CommitteeFactory(
            department=ministry, interview_date=in_days(7), status=CommitteeStatus.CANCELLED
        )
    )
    assert member_reminder_drafts(today=TODAY) == []


def test_a_registered_member_gets_a_short_reminder_of_their_session(ministry) -> None:
    member = MembershipFactory(
        committee=CommitteeFactory(department=ministry, interview_date=in_days(2))
    )
    session = SessionFactory(date=in_days(1), place="Den Haag, Turfmarkt")
    CompletionFactory(person=member.person, session=session, status=CompletionStatus.REGISTERED)
    [draft] = member_reminder_drafts(today=TODAY)
    assert draft.key.endswith(":2")
    assert draft.message.subject.startswith("Herinnering: uw workshop")
    assert "Den Haag, Turfmarkt" in draft.message.text
    assert "U bent ingeschreven" in draft.message.text


def test_a_session_on_the_interview_date_counts_as_in_time_as_in_the_compliance_rule(
    ministry,
) -> None:
    # compliance.registered_before counts a session on the interview date itself: the
    # reminder must say "registered", and offer such a session to the unregistered.
    interview = in_days(7)
    registered = MembershipFactory(
        committee=CommitteeFactory(department=ministry, interview_date=interview)
    )
    same_day = SessionFactory(date=interview, place="Op de dag zelf", capacity=10)
    CompletionFactory(
        person=registered.person, session=same_day, status=CompletionStatus.REGISTERED
    )
    unregistered = MembershipFactory(
        committee=CommitteeFactory(department=ministry, interview_date=interview)
    )

    drafts = {d.to: d for d in member_reminder_drafts(today=TODAY)}

    reminder = drafts[registered.person.email].message
    assert reminder.subject.startswith("Herinnering: uw workshop")
    assert "Op de dag zelf" in drafts[unregistered.person.email].message.text


def test_a_registered_members_reminder_gives_the_start_time_and_the_online_link(
    ministry,
) -> None:
    member = MembershipFactory(
        committee=CommitteeFactory(department=ministry, interview_date=in_days(7))
    )
    session = SessionFactory(
        date=in_days(5),
        is_online=True,
        place="",
        starts_at=datetime.time(9, 30),
        online_link="https://meet.example.nl/bias-workshop",
    )
    CompletionFactory(person=member.person, session=session, status=CompletionStatus.REGISTERED)

    [draft] = member_reminder_drafts(today=TODAY)

    dutch, english = draft.message.text.split("English")
    assert "Begin: 09:30 uur." in dutch
    assert "Start: 09:30." in english
    assert "https://meet.example.nl/bias-workshop" in dutch
    assert 'href="https://meet.example.nl/bias-workshop"' in draft.message.html


def test_without_a_session_to_offer_the_reminder_does_not_point_to_these_sessions(
    ministry,
) -> None:
    MembershipFactory(committee=CommitteeFactory(department=ministry, interview_date=in_days(7)))

    [draft] = member_reminder_drafts(today=TODAY)

    assert "geen sessie met een vrije plaats" in draft.message.text
    assert "these sessions" not in draft.message.text
    assert "Choose a session" not in draft.message.text


def test_a_department_turns_reminders_off_or_chooses_its_own_days(ministry) -> None:
    member = MembershipFactory(
        committee=CommitteeFactory(department=ministry, interview_date=in_days(10))
    )
    ministry.reminders_enabled = False
    ministry.save()
    assert member_reminder_drafts(today=TODAY) == []
    ministry.reminders_enabled = True
    ministry.reminder_days = "10, 3"
    ministry.save()
    [draft] = member_reminder_drafts(today=TODAY)
    assert draft.key == f"member-reminder:{member.pk}:{in_days(10).isoformat()}:10"


def reminders(run) -> list[str]:
    return [draft.key for draft in run.new if draft.kind == "member_reminder"]


def test_running_the_day_twice_writes_each_reminder_once(ministry) -> None:
    committee = CommitteeFactory(department=ministry, interview_date=in_days(7))
    MembershipFactory.create_batch(3, committee=committee)
    first = reminders_run(today=TODAY)
    second = reminders_run(today=TODAY)
    assert len(reminders(first)) == 3
    assert second.new == []
    assert Notification.objects.filter(kind="member_reminder").count() == 3
    # The next stage is a new message; a moved interview starts the days again.
    assert len(reminders(reminders_run(today=in_days(5)))) == 3
    committee.interview_date = in_days(9)
    committee.save()
    assert len(reminders(reminders_run(today=in_days(5)))) == 3


def test_deciding_takes_the_same_queries_for_3_or_30_members(ministry) -> None:
    def queries_for(count: int) -> int:
        Notification.objects.all().delete()
        committee = CommitteeFactory(department=ministry, interview_date=in_days(7))
        MembershipFactory.create_batch(count, committee=committee)
        for person in [m.person for m in committee.memberships.all()][: count // 3]:
            CompletionFactory(
                person=person, session__date=in_days(3), status=CompletionStatus.REGISTERED
            )
        SessionFactory(date=in_days(4))
        with CaptureQueriesContext(connection) as queries:
            drafts = member_reminder_drafts(today=TODAY)
        assert len(drafts) >= count
        committee.memberships.all().delete()
        return len(queries)

    assert queries_for(3) == queries_for(30) == 5


def test_a_member_is_offered_the_rijk_wide_and_their_own_ministrys_sessions(ministry) -> None:
    other = DepartmentFactory(code="FIN", name_nl="Financiën")
    MembershipFactory(committee=CommitteeFactory(department=ministry, interview_date=in_days(7)))
    MembershipFactory(committee=CommitteeFactory(department=other, interview_date=in_days(7)))
    SessionFactory(date=in_days(3), place="Rijksbreed Utrecht")
    SessionFactory(date=in_days(3), place="Eigen BZK", department=ministry)
    SessionFactory(date=in_days(4), place="Eigen FIN", department=other)

    drafts = {
        draft.department_id: draft.message.text for draft in member_reminder_drafts(today=TODAY)
    }
    assert "Rijksbreed Utrecht" in drafts[ministry.pk]
    assert "Eigen BZK" in drafts[ministry.pk]
    assert "Eigen FIN" not in drafts[ministry.pk]
    assert "Rijksbreed Utrecht" in drafts[other.pk]
    assert "Eigen FIN" in drafts[other.pk]
    assert "Eigen BZK" not in drafts[other.pk]


def test_the_reminder_carries_the_members_own_registration_link(ministry, settings) -> None:
    settings.SITE_URL = "https://tm.example.nl"
    member = MembershipFactory(
        committee=CommitteeFactory(department=ministry, interview_date=in_days(7))
    )
    registered = MembershipFactory(
        committee=CommitteeFactory(department=ministry, interview_date=in_days(7))
    )
    CompletionFactory(
        person=registered.person, session__date=in_days(3), status=CompletionStatus.REGISTERED
    )
    drafts = {draft.to: draft.message for draft in member_reminder_drafts(today=TODAY)}
    message = drafts[member.person.email]
    [url] = set(re.findall(r"https://tm\.example\.nl/aanmelden/[^/\s]+/", message.text))
    assert "Kies een sessie: " + url in message.text
    assert f'href="{url}"' in message.html
    token = url.rstrip("/").rpartition("/")[2]
    assert registration_token_read(token) == member.pk
    # A registered member's short reminder has no link.
    assert "/aanmelden/" not in drafts[registered.person.email].text
