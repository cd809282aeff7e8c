"""The sessions page `/sessions/`: upcoming sessions with places left, who sees which."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from departments.access import user_roles
from tests.factories import CompletionFactory, PersonFactory, SessionFactory, UserFactory
from trainings.models import CompletionStatus, TrainingSession

pytestmark = pytest.mark.django_db

URL = reverse("sessions:list")


def day(offset: int) -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=offset)


@pytest.fixture
def sessions(department, other_department):
    rijk = SessionFactory(date=day(10), place="Utrecht", capacity=3)
    own = SessionFactory(date=day(12), place="Den Haag", department=department, capacity=5)
    theirs = SessionFactory(
        date=day(14), place="Zwolle (eigen sessie ZZZ)", department=other_department
    )
    online = SessionFactory(date=day(20), place="", is_online=True, capacity=None)
    SessionFactory(date=day(-1), place="Gisteren")
    SessionFactory(date=day(5), place="Afgelast", cancelled=True)
    SessionFactory(date=day(5), place="Met de hand", entered_by_hand=True)
    return {"rijk": rijk, "own": own, "theirs": theirs, "online": online}


def shown(response) -> list[TrainingSession]:
    return list(response.context["page"].object_list)


def test_op_staff_see_the_rijk_wide_offer_and_their_own_sessions(client, op_user, sessions) -> None:
    client.force_login(op_user)
    response = client.get(URL)
    assert response.status_code == 200
    assert shown(response) == [sessions["rijk"], sessions["own"], sessions["online"]]
    assert b"Gisteren" not in response.content
    assert b"Afgelast" not in response.content


def test_the_outsider_never_sees_another_ministrys_own_sessions(client, outsider, sessions) -> None:
    client.force_login(outsider)
    response = client.get(URL)
    assert sessions["own"] not in shown(response)
    assert sessions["theirs"] in shown(response)
    assert "Den Haag" not in response.content.decode()


def test_the_programme_bureau_sees_every_session(client, bureau, sessions) -> None:
    client.force_login(bureau)
    assert len(shown(client.get(URL))) == 4


def test_a_user_without_a_role_gets_403(client, db) -> None:
    client.force_login(UserFactory())
    assert client.get(URL).status_code == 403


def test_places_left_are_counted_from_registrations_and_attendance(
    client, op_user, sessions, department
) -> None:
    rijk = sessions["rijk"]
    for status in (CompletionStatus.REGISTERED, CompletionStatus.ATTENDED):
        CompletionFactory(session=rijk, status=status, person=PersonFactory(department=department))
    CompletionFactory(
        session=rijk, status=CompletionStatus.CANCELLED, person=PersonFactory(department=department)
    )
    client.force_login(op_user)
    row = next(s for s in shown(client.get(URL)) if s.pk == rijk.pk)
    assert (row.places_taken, row.places_left) == (2, 1)


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"online": "online"}, ["online"]),
        ({"online": "location"}, ["rijk", "own"]),
        ({"place": "utrecht"}, ["rijk"]),
        ({"date_from": day(11).isoformat(), "date_to": day(15).isoformat()}, ["own"]),
    ],
)
def test_the_filters(client, op_user, sessions, params, expected) -> None:
    client.force_login(op_user)
    assert shown(client.get(URL, params)) == [sessions[name] for name in expected]


def test_full_sessions_can_be_left_out(client, op_user, sessions, department) -> None:
    rijk = sessions["rijk"]
    for _ in range(3):
        CompletionFactory(
            session=rijk,
            status=CompletionStatus.REGISTERED,
            person=PersonFactory(department=department),
        )
    client.force_login(op_user)
    response = client.get(URL)
    assert "Vol" in response.content.decode()
    assert rijk not in shown(client.get(URL, {"places": "free"}))


def test_a_bad_date_is_a_form_error_not_a_crash(client, op_user, sessions) -> None:
    client.force_login(op_user)
    response = client.get(URL, {"date_from": "31-31-2030"})
    assert response.status_code == 200
    assert response.context["filter"].form.errors


def test_the_page_takes_the_same_queries_for_many_sessions(
    client, op_user, department, django_assert_max_num_queries
) -> None:
    client.force_login(op_user)
    for offset in range(3):
        SessionFactory(date=day(offset + 1), department=department)
    client.get(URL)  # warm up (session, user, roles)
    with django_assert_max_num_queries(8) as few:
        client.get(URL)
    for offset in range(20):
        session = SessionFactory(
            date=day(offset + 1), department=department if offset % 2 else None
        )
        CompletionFactory(
            session=session,
            status=CompletionStatus.REGISTERED,
            person=PersonFactory(department=department),
        )
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(URL)
    assert response.context["page"].paginator.count == 23


def test_visible_to_upcoming_and_places_left_are_one_query(
    op_user, sessions, django_assert_num_queries
) -> None:
    user_roles(op_user)  # the roles are read once per request, before any list
    with django_assert_num_queries(1):
        rows = list(TrainingSession.objects.visible_to(op_user).upcoming().with_places_left())
    assert {s.pk for s in rows} == {sessions[n].pk for n in ("rijk", "own", "online")}


def test_a_date_range_ending_before_it_starts_is_an_error_at_until(
    client, op_user, sessions
) -> None:
    client.force_login(op_user)
    response = client.get(URL, {"date_from": "2027-01-10", "date_to": "2026-12-20"})
    assert response.status_code == 200
    assert "date_to" in response.context["filter"].form.errors
    page = response.content.decode()
    assert "“Tot en met” ligt vóór “Vanaf”" in page
    assert 'id="id_date_to_error"' in page
