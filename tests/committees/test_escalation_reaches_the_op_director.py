"""A committee close to its interview that is not compliant is reported to its ministry's
O&P director, once per interview date, saying what the ministry's mode will do."""

from __future__ import annotations

import datetime

import pytest

from committees.models import CommitteeStatus
from committees.reminders import escalation_drafts
from departments.models import EnforcementMode
from tests.factories import (
    CommitteeFactory,
    CompletionFactory,
    DepartmentFactory,
    MembershipFactory,
)
from worklists.reminders import reminders_run

pytestmark = pytest.mark.django_db
TODAY = datetime.date(2026, 3, 2)


def in_days(days: int) -> datetime.date:
    return TODAY + datetime.timedelta(days=days)


@pytest.fixture
def strict_ministry():
    ministry = DepartmentFactory(code="FIN")  # the seeded ministry
    ministry.enforcement_mode = EnforcementMode.STRICT
    ministry.op_director_email = "Directeur.OP@fin.example.nl"
    ministry.save()
    return ministry


def test_the_director_hears_of_a_committee_that_is_not_trained_a_week_before(
    strict_ministry,
) -> None:
    committee = CommitteeFactory(
        department=strict_ministry, interview_date=in_days(6), vacancy_reference="FIN-7"
    )
    MembershipFactory.create_batch(2, committee=committee)
    trained = MembershipFactory(committee=committee)
    CompletionFactory(person=trained.person, session__date=in_days(-10))

    [draft] = escalation_drafts(today=TODAY)
    assert draft.to == "Directeur.OP@fin.example.nl"
    assert (
        draft.key
        == f"escalation:{committee.pk}:{in_days(6).isoformat()}:directeur.op@fin.example.nl"
    )
    text = draft.message.text
    assert "FIN-7" in draft.message.subject
    assert "2 van de 3 leden" in text
    assert "2 of its 3 members" in text
    assert "handhaaft streng" in text
    assert "strict rule" in text
    assert f"/committees/{committee.pk}/" in text
    # No names: the director needs the numbers, the committee page has the names.
    assert trained.person.last_name not in text


@pytest.mark.parametrize(
    ("mode", "phrase"),
    [
        (EnforcementMode.ADVISORY, "handhaaft met waarschuwen"),
        (EnforcementMode.JUSTIFY, "als u een verantwoording schrijft"),
    ],
)
def test_the_message_says_what_each_mode_does(strict_ministry, mode, phrase) -> None:
    strict_ministry.enforcement_mode = mode
    strict_ministry.save()
    MembershipFactory(
        committee=CommitteeFactory(department=strict_ministry, interview_date=in_days(2))
    )
    [draft] = escalation_drafts(today=TODAY)
    assert phrase in draft.message.text


def test_no_director_no_compliance_problem_or_far_away_means_no_message(strict_ministry) -> None:
    MembershipFactory(
        committee=CommitteeFactory(department=strict_ministry, interview_date=in_days(8))
    )
    MembershipFactory(
        committee=CommitteeFactory(
            department=strict_ministry, interview_date=in_days(3), status=CommitteeStatus.CANCELLED
        )
    )
    compliant = MembershipFactory(
        committee=CommitteeFactory(department=strict_ministry, interview_date=in_days(3))
    )
    CompletionFactory(person=compliant.person, session__date=in_days(-1))
    MembershipFactory(
        committee=CommitteeFactory(
            department=DepartmentFactory(code="AZ"), interview_date=in_days(3)
        )
    )
    assert escalation_drafts(today=TODAY) == []


def test_the_escalation_is_sent_once_however_often_the_day_runs(strict_ministry, settings) -> None:
    settings.ESCALATION_DAYS = 7
    MembershipFactory(
        committee=CommitteeFactory(department=strict_ministry, interview_date=in_days(7))
    )
    kinds = [d.kind for d in reminders_run(today=TODAY).new]
    assert kinds.count("escalation") == 1
    assert [d.kind for d in reminders_run(today=in_days(1)).new].count("escalation") == 0
