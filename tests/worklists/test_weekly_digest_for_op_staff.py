"""Once a week each O&P staff member gets the overview of each of their departments: the
action list, committees within 14 days that are not compliant, changes since last week.
A user can turn it off; nobody gets another ministry's figures."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from notifications.models import NotificationPreference
from tests.factories import CommitteeFactory, DepartmentFactory, MembershipFactory, op_staff
from worklists.digest import weekly_digest_drafts
from worklists.reminders import reminders_run

pytestmark = pytest.mark.django_db
MONDAY = datetime.date(2026, 3, 2)


def with_email(user, address):
    user.email = address
    user.save()
    return user


@pytest.fixture
def ministries():
    bzk = DepartmentFactory(code="BZK")
    fin = DepartmentFactory(code="FIN")
    soon = CommitteeFactory(
        department=bzk,
        interview_date=MONDAY + datetime.timedelta(days=10),
        vacancy_reference="BZK-9",
    )
    MembershipFactory.create_batch(2, committee=soon)
    MembershipFactory(
        committee=CommitteeFactory(
            department=bzk, interview_date=MONDAY + datetime.timedelta(days=40)
        )
    )
    MembershipFactory(
        committee=CommitteeFactory(
            department=fin,
            interview_date=MONDAY + datetime.timedelta(days=3),
            vacancy_reference="FIN-1",
        )
    )
    return bzk, fin


def test_each_staff_member_gets_their_own_ministrys_overview(ministries) -> None:
    bzk, fin = ministries
    anna = with_email(op_staff(bzk, username="anna"), "anna@bzk.example.nl")
    with_email(op_staff(fin, username="outsider"), "piet@fin.example.nl")
    drafts = {d.to: d for d in weekly_digest_drafts(today=MONDAY)}
    assert set(drafts) == {"anna@bzk.example.nl", "piet@fin.example.nl"}
    mine = drafts["anna@bzk.example.nl"]
    assert mine.key == f"weekly-digest:{anna.pk}:{bzk.pk}:2026-W10"
    text = mine.message.text
    assert "Actielijst: 3 leden" in text
    assert "Action list: 3 members" in text
    assert "BZK-9" in text
    assert "0 van 2 getraind" in text
    assert "FIN-1" not in text
    assert "2 nieuwe commissies" in text  # BZK's two committees were made just now
    assert "/departments/BZK/" in text
    assert "/accounts/messages/" in text  # where to turn it off


def test_a_user_who_turned_it_off_gets_nothing(ministries) -> None:
    bzk, _fin = ministries
    user = with_email(op_staff(bzk, username="anna"), "anna@bzk.example.nl")
    NotificationPreference.objects.create(user=user, weekly_digest=False)
    with_email(op_staff(bzk, username="noemail"), "")
    assert weekly_digest_drafts(today=MONDAY) == []


def test_one_overview_per_week_whichever_day_the_run_first_comes(ministries) -> None:
    bzk, _fin = ministries
    with_email(op_staff(bzk, username="anna"), "anna@bzk.example.nl")

    def digests(day):
        return [d for d in reminders_run(today=day).new if d.kind == "weekly_digest"]

    assert len(digests(MONDAY + datetime.timedelta(days=1))) == 1  # Tuesday: Monday missed
    assert digests(MONDAY + datetime.timedelta(days=4)) == []
    assert len(digests(MONDAY + datetime.timedelta(days=7))) == 1


def test_the_overview_takes_the_same_queries_for_any_number_of_users(ministries) -> None:
    bzk, fin = ministries

    def queries(users: int) -> int:
        for n in range(users):
            with_email(op_staff(bzk, fin, username=f"u{users}-{n}"), f"u{users}-{n}@example.nl")
        with CaptureQueriesContext(connection) as captured:
            weekly_digest_drafts(today=MONDAY)
        return len(captured)

    assert queries(2) == queries(12) == 6
