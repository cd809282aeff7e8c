"""The pages for completions entered by hand: enter, list to confirm, confirm, reject."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from departments.models import Department, Person
from tests.factories import (
    CommitteeFactory,
    MembershipFactory,
    PersonFactory,
    ProgrammeFactory,
    SessionFactory,
    SupplierFactory,
    op_staff,
)
from trainings.hand_entry import completion_confirm, completion_enter_by_hand
from trainings.models import CompletionSource, TrainingCompletion, TrainingSession

pytestmark = pytest.mark.django_db

INTERVIEW = datetime.date(2025, 6, 16)
EVIDENCE = "Certificaat gezien, map P-12"


@pytest.fixture
def colleague(department: Department):
    return op_staff(department, username="op.aaa.2")


@pytest.fixture
def person(department: Department) -> Person:
    return PersonFactory(department=department, last_name="Handmatig")


@pytest.fixture
def session() -> TrainingSession:
    return SessionFactory(date=datetime.date(2025, 5, 1))


def form_path(person: Person) -> str:
    return f"/completions/people/{person.pk}/new/"


def enter_url(person: Person, around: str = "2025-05-01") -> str:
    """The form with the sessions around `around` (the `session` fixture's date)."""
    return f"{form_path(person)}?around={around}"


def pending(person: Person, session: TrainingSession, user) -> TrainingCompletion:
    return completion_enter_by_hand(
        person=person, session=session, evidence_note=EVIDENCE, user=user
    )


# --- Entering ------------------------------------------------------------------------------


def test_op_staff_enter_a_session_and_return_to_the_person_page(
    client, op_user, person, session
) -> None:
    client.force_login(op_user)
    assert client.get(enter_url(person)).status_code == 200
    response = client.post(enter_url(person), {"session": session.pk, "evidence_note": EVIDENCE})
    assert response.status_code == 302
    assert response["Location"] == f"/people/{person.pk}/"
    completion = TrainingCompletion.objects.get(person=person)
    assert completion.source == CompletionSource.HAND
    assert completion.entered_by == op_user
    assert completion.awaiting_confirmation


def test_an_own_training_is_entered_with_supplier_programme_and_date(
    client, op_user, person
) -> None:
    supplier = SupplierFactory()
    programme = ProgrammeFactory(supplier=supplier)
    client.force_login(op_user)
    client.post(
        enter_url(person),
        {
            "supplier": supplier.pk,
            "programme": programme.pk,
            "date": "2025-04-02",
            "place": "Zwolle",
            "evidence_note": EVIDENCE,
        },
    )
    completion = TrainingCompletion.objects.get(person=person)
    assert completion.session.entered_by_hand
    assert completion.session.place == "Zwolle"


def test_an_outsider_gets_404_and_enters_nothing(client, outsider, person, session) -> None:
    client.force_login(outsider)
    assert client.get(enter_url(person)).status_code == 404
    response = client.post(enter_url(person), {"session": session.pk, "evidence_note": EVIDENCE})
    assert response.status_code == 404
    assert not TrainingCompletion.objects.exists()


def test_the_bureau_may_not_enter(client, bureau, person, session) -> None:
    client.force_login(bureau)
    assert client.get(enter_url(person)).status_code == 403
    client.post(enter_url(person), {"session": session.pk, "evidence_note": EVIDENCE})
    assert not TrainingCompletion.objects.exists()


def test_an_administrator_may_enter_for_anyone(client, admin_user_, person, session) -> None:
    client.force_login(admin_user_)
    client.post(enter_url(person), {"session": session.pk, "evidence_note": EVIDENCE})
    assert TrainingCompletion.objects.get(person=person).entered_by == admin_user_


@pytest.mark.parametrize(
    "data",
    [
        {"session": "abc", "evidence_note": EVIDENCE},
        {"session": "999999", "evidence_note": EVIDENCE},
        {"date": "2025-13-45", "evidence_note": EVIDENCE},
        {"evidence_note": EVIDENCE},
        {"evidence_note": "   "},
        {"supplier": "x", "programme": "[]", "date": "gisteren", "evidence_note": ""},
        {"evidence_note": "x" * 5000},
    ],
)
def test_malformed_input_gives_the_form_back_with_errors(client, op_user, person, data) -> None:
    client.force_login(op_user)
    response = client.post(enter_url(person), data)
    assert response.status_code == 200
    assert response.context["form"].errors
    assert not TrainingCompletion.objects.exists()


def test_a_session_and_an_own_training_together_are_refused(
    client, op_user, person, session
) -> None:
    client.force_login(op_user)
    response = client.post(
        enter_url(person),
        {"session": session.pk, "date": "2025-04-02", "evidence_note": EVIDENCE},
    )
    assert response.context["form"].non_field_errors()
    assert not TrainingCompletion.objects.exists()


def test_a_future_own_training_is_refused(client, op_user, person) -> None:
    supplier = SupplierFactory()
    client.force_login(op_user)
    response = client.post(
        enter_url(person),
        {
            "supplier": supplier.pk,
            "programme": ProgrammeFactory(supplier=supplier).pk,
            "date": "2999-01-01",
            "evidence_note": EVIDENCE,
        },
    )
    assert response.context["form"].errors["date"]
    assert not TrainingSession.objects.filter(entered_by_hand=True).exists()


def test_a_session_already_recorded_is_refused_with_the_input_kept(
    client, op_user, person, session
) -> None:
    pending(person, session, op_user)
    client.force_login(op_user)
    response = client.post(enter_url(person), {"session": session.pk, "evidence_note": "Tweede"})
    assert response.status_code == 200
    assert response.context["form"].non_field_errors()
    assert "Tweede" in response.content.decode()
    assert TrainingCompletion.objects.count() == 1


def test_sessions_entered_by_hand_cancelled_or_to_come_are_not_offered(
    client, op_user, person, session
) -> None:
    hidden = [
        SessionFactory(entered_by_hand=True),
        SessionFactory(cancelled=True),
        SessionFactory(date=datetime.date(2999, 1, 1)),
    ]
    client.force_login(op_user)
    offered = set(client.get(enter_url(person)).context["form"].fields["session"].queryset)
    assert session in offered
    assert not offered & set(hidden)


def test_another_ministrys_own_sessions_are_neither_offered_nor_accepted(
    client, op_user, person, session, other_department
) -> None:
    """Sessions a ministry organises itself are its own: another's O&P staff do not see
    them in the list, and posting one's id records nothing."""
    theirs = SessionFactory(date=session.date, department=other_department, place="Den Haag")
    client.force_login(op_user)
    offered = set(client.get(enter_url(person)).context["form"].fields["session"].queryset)
    assert session in offered
    assert theirs not in offered
    response = client.post(
        enter_url(person), {"session": theirs.pk, "evidence_note": "Certificaat gezien"}
    )
    assert response.status_code == 200
    assert "session" in response.context["form"].errors
    assert not TrainingCompletion.objects.exists()


def test_the_form_offers_the_sessions_of_the_last_four_weeks_by_default(
    client, op_user, person, session
) -> None:
    today = datetime.date.today()
    recent = SessionFactory(date=today - datetime.timedelta(days=20))
    older = SessionFactory(date=today - datetime.timedelta(days=40))
    client.force_login(op_user)
    response = client.get(f"/completions/people/{person.pk}/new/")
    offered = set(response.context["form"].fields["session"].queryset)
    assert recent in offered
    assert not offered & {older, session}


def test_a_date_shows_the_sessions_of_two_weeks_either_side(
    client, op_user, person, session
) -> None:
    near = SessionFactory(date=datetime.date(2025, 5, 14))
    far = SessionFactory(date=datetime.date(2025, 5, 16))
    client.force_login(op_user)
    response = client.get(enter_url(person))
    offered = set(response.context["form"].fields["session"].queryset)
    assert {session, near} <= offered
    assert far not in offered
    assert "15 mei 2025" in response.content.decode()  # the help text names the window


def test_a_session_outside_the_dates_shown_is_refused_and_nothing_is_entered(
    client, op_user, person, session
) -> None:
    client.force_login(op_user)
    response = client.post(
        f"/completions/people/{person.pk}/new/",
        {"session": session.pk, "evidence_note": EVIDENCE},
    )
    assert response.status_code == 200
    assert "session" in response.context["form"].errors
    assert not TrainingCompletion.objects.filter(person=person).exists()


def test_a_date_that_is_no_date_is_said_and_the_last_weeks_are_shown(
    client, op_user, person
) -> None:
    client.force_login(op_user)
    response = client.get(f"/completions/people/{person.pk}/new/?around=31-02-2025")
    assert response.status_code == 200
    assert "around" in response.context["window"].errors


def test_a_link_elsewhere_is_not_followed_after_entering(client, op_user, person, session) -> None:
    client.force_login(op_user)
    response = client.post(
        enter_url(person),
        {"session": session.pk, "evidence_note": EVIDENCE, "next": "https://evil.example/"},
    )
    assert response["Location"] == f"/people/{person.pk}/"


# --- Confirming and rejecting ----------------------------------------------------------------


def test_a_colleague_confirms_from_the_list(client, op_user, colleague, person, session) -> None:
    completion = pending(person, session, op_user)
    client.force_login(colleague)
    assert list(client.get("/completions/to-confirm/").context["page"]) == [completion]
    response = client.post(f"/completions/{completion.pk}/confirm/")
    assert response.status_code == 302
    completion.refresh_from_db()
    assert completion.confirmed_by == colleague


def test_the_enterer_cannot_confirm_their_own_entry(client, op_user, person, session) -> None:
    completion = pending(person, session, op_user)
    client.force_login(op_user)
    assert list(client.get("/completions/to-confirm/").context["page"]) == []
    response = client.post(f"/completions/{completion.pk}/confirm/", follow=True)
    assert response.status_code == 200
    assert [m.level_tag for m in response.context["messages"]] == ["error"]
    completion.refresh_from_db()
    assert completion.confirmed_at is None


def test_an_outsider_cannot_see_confirm_or_reject(client, op_user, outsider, person, session):
    completion = pending(person, session, op_user)
    client.force_login(outsider)
    assert list(client.get("/completions/to-confirm/").context["page"]) == []
    assert client.post(f"/completions/{completion.pk}/confirm/").status_code == 404
    assert client.get(f"/completions/{completion.pk}/reject/").status_code == 404
    response = client.post(f"/completions/{completion.pk}/reject/", {"reason": "Weg"})
    assert response.status_code == 404
    completion.refresh_from_db()
    assert completion.confirmed_at is None


def test_the_bureau_confirms(client, op_user, bureau, person, session) -> None:
    completion = pending(person, session, op_user)
    client.force_login(bureau)
    client.post(f"/completions/{completion.pk}/confirm/")
    completion.refresh_from_db()
    assert completion.confirmed_by == bureau


def test_confirming_needs_a_post(client, op_user, colleague, person, session) -> None:
    completion = pending(person, session, op_user)
    client.force_login(colleague)
    assert client.get(f"/completions/{completion.pk}/confirm/").status_code == 405


def test_rejecting_asks_a_reason_then_removes_the_entry(
    client, op_user, colleague, person, session
) -> None:
    completion = pending(person, session, op_user)
    client.force_login(colleague)
    assert client.get(f"/completions/{completion.pk}/reject/").status_code == 200
    response = client.post(f"/completions/{completion.pk}/reject/", {"reason": "  "})
    assert response.context["form"].errors["reason"]
    response = client.post(
        f"/completions/{completion.pk}/reject/",
        {"reason": "Geen certificaat", "next": f"/people/{person.pk}/"},
    )
    assert response["Location"] == f"/people/{person.pk}/"
    assert not TrainingCompletion.objects.filter(pk=completion.pk).exists()


def test_a_confirmed_entry_cannot_be_rejected(client, op_user, colleague, person, session):
    completion = pending(person, session, op_user)
    completion_confirm(completion=completion, user=colleague)
    client.force_login(colleague)
    response = client.post(f"/completions/{completion.pk}/reject/", {"reason": "Toch niet"})
    assert response.status_code == 200
    assert response.context["form"].non_field_errors()
    assert TrainingCompletion.objects.filter(pk=completion.pk).exists()


def test_the_list_to_confirm_takes_the_same_queries_for_10_and_100_entries(
    client, op_user, colleague, department
) -> None:
    def grow(n: int) -> None:
        for _ in range(n):
            pending(PersonFactory(department=department), SessionFactory(), op_user)

    client.force_login(colleague)

    def count() -> int:
        client.get("/completions/to-confirm/")
        with CaptureQueriesContext(connection) as context:
            assert client.get("/completions/to-confirm/").status_code == 200
        return len(context.captured_queries)

    grow(10)
    ten = count()
    grow(90)
    assert count() == ten


# --- Where the entries show --------------------------------------------------------------------


def test_the_person_page_links_to_entering_and_shows_the_pending_entry(
    client, op_user, colleague, person, session
) -> None:
    pending(person, session, op_user)
    client.force_login(colleague)
    response = client.get(f"/people/{person.pk}/")
    body = response.content.decode()
    assert response.context["may_enter"]
    assert form_path(person) in body
    assert "Wacht op bevestiging" in body
    assert EVIDENCE in body


def test_the_person_page_offers_no_entering_to_the_bureau(client, bureau, person) -> None:
    client.force_login(bureau)
    response = client.get(f"/people/{person.pk}/")
    assert not response.context["may_enter"]
    assert enter_url(person) not in response.content.decode()


def test_the_committee_page_shows_the_pending_member_as_untrained_with_the_state(
    client, op_user, colleague, department, person, session
) -> None:
    committee = CommitteeFactory(department=department, interview_date=INTERVIEW)
    MembershipFactory(committee=committee, person=person)
    other = MembershipFactory(committee=committee, person__last_name="Zonder")
    pending(person, session, op_user)
    client.force_login(colleague)
    response = client.get(f"/committees/{committee.pk}/")
    rows = {row.membership.person.last_name: row for row in response.context["rows"]}
    assert rows["Handmatig"].state == "untrained"
    assert rows["Handmatig"].pending is not None
    assert not response.context["committee"].is_compliant
    body = response.content.decode()
    assert "Wacht op bevestiging" in body
    assert form_path(other.person) in body


def test_the_dashboard_links_to_the_list_to_confirm(
    client, op_user, colleague, department, person, session
) -> None:
    pending(person, session, op_user)
    client.force_login(colleague)
    response = client.get(f"/departments/{department.code}/")
    assert response.context["to_confirm"] == 1
    assert "/completions/to-confirm/" in response.content.decode()


def test_the_dashboard_does_not_ask_the_author_to_confirm_their_own_entry(
    client, op_user, department, person, session
) -> None:
    pending(person, session, op_user)
    client.force_login(op_user)
    response = client.get(f"/departments/{department.code}/")
    assert response.context["to_confirm"] == 0
    assert "/completions/to-confirm/" not in response.content.decode()


@pytest.mark.parametrize("next_url", ["on", "committees:list", "javascript:alert(1)", "//evil"])
def test_a_next_that_is_not_a_path_of_this_site_goes_to_the_default_page(
    client, op_user, colleague, person, session, next_url: str
) -> None:
    completion = pending(person, session, op_user)
    client.force_login(colleague)
    response = client.post(
        f"/completions/{completion.pk}/reject/", {"reason": "Geen certificaat", "next": next_url}
    )
    assert response.status_code == 302
    assert response["Location"] == "/completions/to-confirm/"
