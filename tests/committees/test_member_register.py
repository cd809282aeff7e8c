"""Registering a committee member for a session from the committee page."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from committees import services
from committees.enforcement import committee_check_enforcement
from committees.models import CommitteeStatus, MembershipRole
from departments.models import EnforcementMode
from tests.factories import (
    CommitteeFactory,
    CompletionFactory,
    MembershipFactory,
    PersonFactory,
    SessionFactory,
)
from trainings.models import CompletionSource, CompletionStatus, TrainingCompletion, WaitlistEntry
from trainings.services import RegistrationRefused

pytestmark = pytest.mark.django_db


def day(offset: int) -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=offset)


@pytest.fixture
def membership(department):
    committee = CommitteeFactory(department=department, interview_date=day(30))
    return MembershipFactory(
        committee=committee, person=PersonFactory(department=department, last_name="Bakker")
    )


def url(membership) -> str:
    return reverse("committees:member_register", args=[membership.committee_id, membership.pk])


@pytest.fixture
def offer(department, other_department):
    return {
        "later": SessionFactory(date=day(20), place="Utrecht"),
        "soonest": SessionFactory(date=day(3), place="Den Haag"),
        "on_the_day": SessionFactory(date=day(30), place="Zwolle"),
        "after": SessionFactory(date=day(31), place="Na het gesprek"),
        "own": SessionFactory(date=day(10), place="Eigen sessie", department=department),
        "theirs": SessionFactory(date=day(10), place="Sessie van ZZZ", department=other_department),
        "past": SessionFactory(date=day(-2), place="Voorbij"),
    }


def test_the_page_lists_sessions_on_or_before_the_interview_soonest_first(
    client, op_user, membership, offer, django_assert_max_num_queries
) -> None:
    client.force_login(op_user)
    with django_assert_max_num_queries(12):
        response = client.get(url(membership))
    assert response.status_code == 200
    shown = response.context["choice"].sessions
    assert shown == [offer["soonest"], offer["own"], offer["later"], offer["on_the_day"]]
    page = response.content.decode()
    assert "Bakker" in page
    assert "Sessie van ZZZ" not in page


def test_choosing_registers_the_member_and_the_committee_page_shows_it(
    client, op_user, membership, offer
) -> None:
    client.force_login(op_user)
    response = client.post(url(membership), {"session": offer["later"].pk}, follow=True)
    completion = TrainingCompletion.objects.get(person=membership.person)
    assert completion.session == offer["later"]
    assert completion.status == CompletionStatus.REGISTERED
    assert completion.source == CompletionSource.APP
    assert completion.status_changed_by == op_user
    page = response.content.decode()
    assert "is ingeschreven voor de sessie van" in page
    assert "Ingeschreven" in page
    assert "vóór de gespreksdatum" in page or "voor de gespreksdatum" in page


def test_a_session_after_the_interview_cannot_be_chosen(client, op_user, membership, offer) -> None:
    client.force_login(op_user)
    response = client.post(url(membership), {"session": offer["after"].pk})
    assert response.status_code == 400
    assert not TrainingCompletion.objects.exists()


def test_another_ministrys_own_session_cannot_be_chosen(membership, offer, op_user) -> None:
    with pytest.raises(RegistrationRefused) as refused:
        services.member_register(membership=membership, session=offer["theirs"], user=op_user)
    assert "niet beschikbaar voor deze commissie" in str(refused.value.message)
    assert "gespreksdatum" not in str(refused.value.message)


def test_a_nonsense_session_is_a_message_not_a_crash(client, op_user, membership) -> None:
    client.force_login(op_user)
    for value in ("abc", "9" * 25, ""):
        assert client.post(url(membership), {"session": value}).status_code == 400


def test_a_full_session_offers_the_waiting_list(client, op_user, membership, department) -> None:
    full = SessionFactory(date=day(5), capacity=1)
    CompletionFactory(
        session=full,
        status=CompletionStatus.REGISTERED,
        person=PersonFactory(department=department),
    )
    client.force_login(op_user)
    page = client.get(url(membership)).content.decode()
    assert "Op de wachtlijst" in page
    response = client.post(url(membership), {"session": full.pk})
    assert response.status_code == 400
    assert "Deze sessie is net vol" in response.content.decode()
    response = client.post(url(membership), {"session": full.pk, "waitlist": "on"}, follow=True)
    assert WaitlistEntry.objects.get().person == membership.person
    assert "op de wachtlijst voor de sessie van" in response.content.decode()


def test_registering_lifts_the_strict_refusal(client, op_user, membership, offer) -> None:
    committee = membership.committee
    committee.department.enforcement_mode = EnforcementMode.STRICT
    committee.department.save()
    assert committee_check_enforcement(
        committee=committee, status=CommitteeStatus.CONFIRMED
    ).blocked
    client.force_login(op_user)
    client.post(url(membership), {"session": offer["soonest"].pk})
    check = committee_check_enforcement(committee=committee, status=CommitteeStatus.CONFIRMED)
    assert not check.blocked
    services.committee_change_status(
        committee=committee, status=CommitteeStatus.CONFIRMED, user=op_user
    )


def test_the_committee_page_offers_registration_to_untrained_members_only(
    client, op_user, department
) -> None:
    committee = CommitteeFactory(department=department, interview_date=day(30))
    untrained = MembershipFactory(committee=committee)
    trained = MembershipFactory(committee=committee)
    CompletionFactory(person=trained.person, session__date=day(-10))
    MembershipFactory(committee=committee, role=MembershipRole.EXTERNAL)
    client.force_login(op_user)
    page = client.get(reverse("committees:detail", args=[committee.pk])).content.decode()
    assert page.count("Inschrijven voor een sessie") == 1
    assert url(untrained) in page


def test_the_outsider_gets_404_and_the_bureau_403(
    client, outsider, bureau, membership, offer
) -> None:
    client.force_login(outsider)
    assert client.get(url(membership)).status_code == 404
    assert client.post(url(membership), {"session": offer["soonest"].pk}).status_code == 404
    client.force_login(bureau)
    assert client.post(url(membership), {"session": offer["soonest"].pk}).status_code == 403
    assert not TrainingCompletion.objects.exists()


def test_a_lent_members_own_ministry_sessions_stay_hidden(
    client, op_user, department, other_department
) -> None:
    committee = CommitteeFactory(department=department, interview_date=day(30))
    lent = MembershipFactory(committee=committee, person=PersonFactory(department=other_department))
    SessionFactory(date=day(5), place="Alleen voor ZZZ", department=other_department)
    client.force_login(op_user)
    response = client.get(url(lent))
    assert response.context["choice"].sessions == []
    assert "Alleen voor ZZZ" not in response.content.decode()


def test_a_full_session_the_member_holds_a_place_in_offers_no_waiting_list(
    client, op_user, membership
) -> None:
    full = SessionFactory(date=day(5), capacity=1)
    CompletionFactory(session=full, status=CompletionStatus.REGISTERED, person=membership.person)
    client.force_login(op_user)
    page = client.get(url(membership)).content.decode()
    assert "Op de wachtlijst" not in page
    assert "Ingeschreven voor de sessie van" in page
