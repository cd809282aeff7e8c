"""A cancelled registration that a confirmed committee in strict or justify mode relied on
tells that committee's O&P staff at once, by e-mail (committees.cancellation_notices,
through committees.services.member_registration_cancel)."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from committees.models import CommitteeStatus
from committees.services import member_registration_cancel
from departments.models import EnforcementMode
from notifications.models import Notification
from notifications.services import notifications_send_pending
from tests.factories import CommitteeFactory, MembershipFactory, SessionFactory, op_staff
from trainings.services import RegistrationRefused, registration_create

pytestmark = pytest.mark.django_db


def day(offset: int) -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=offset)


def with_email(user, email: str):
    user.email = email
    user.save()
    return user


@pytest.fixture
def staff(department, op_user, outsider):
    with_email(op_user, "op1@aaa.example.nl")
    with_email(op_staff(department, username="op2.aaa"), "op2@aaa.example.nl")
    op_staff(department, username="op3.aaa")  # no address
    with_email(outsider, "op@zzz.example.nl")


def relying_world(
    department, committees: int = 1, mode=EnforcementMode.STRICT, email="cees@aaa.example.nl"
):
    department.enforcement_mode = mode
    department.save()
    first = MembershipFactory(
        committee=CommitteeFactory(
            department=department, interview_date=day(30), vacancy_reference="AAA-1"
        ),
        person__email=email,
        person__last_name="Bakker",
    )
    for _n in range(committees - 1):
        MembershipFactory(
            committee=CommitteeFactory(department=department, interview_date=day(40)),
            person=first.person,
        )
    completion = registration_create(
        person=first.person, session=SessionFactory(date=day(10)), user=None
    ).completion
    for membership in first.person.memberships.all():
        membership.committee.status = CommitteeStatus.CONFIRMED
        membership.committee.save()
    return first, completion


def relied_rows() -> list[tuple[str, str]]:
    return sorted(
        Notification.objects.filter(kind="relied_cancellation").values_list(
            "recipient_email", "key"
        )
    )


def test_cancelling_on_the_committee_page_tells_its_op_staff(
    client, smtp_server, settings, department, op_user, staff
) -> None:
    settings.SITE_URL = "https://tm.example.nl"
    membership, completion = relying_world(department)
    committee = membership.committee
    client.force_login(op_user)
    client.post(
        reverse(
            "committees:registration_cancel",
            args=[committee.pk, membership.pk, completion.pk],
        )
    )
    rows = relied_rows()
    assert [email for email, _key in rows] == ["op1@aaa.example.nl", "op2@aaa.example.nl"]
    assert all(
        key.startswith(f"relied-cancellation:{committee.pk}:{completion.pk}:") for _e, key in rows
    )
    notifications_send_pending(limit=10)
    received = {mail.rcpt_tos[0]: mail for mail in smtp_server.received()}
    assert set(received) == {"op1@aaa.example.nl", "op2@aaa.example.nl", "cees@aaa.example.nl"}
    mail = received["op1@aaa.example.nl"]
    assert mail.message["Subject"].startswith("Inschrijving geannuleerd: de commissie")
    text = mail.part("text/plain")
    assert "Bakker" in text
    assert "AAA-1" in text
    assert "Uw ministerie handhaaft streng" in text
    assert "Your ministry uses the strict rule" in text
    url = f"https://tm.example.nl/committees/{committee.pk}/"
    assert f"Bekijk de commissie: {url}" in text
    assert f'href="{url}"' in mail.part("text/html")
    assert "op3" not in text


def test_an_advisory_committee_or_one_not_confirmed_tells_nobody(department, staff) -> None:
    _membership, completion = relying_world(department, mode=EnforcementMode.ADVISORY)
    member_registration_cancel(completion=completion, user=None)
    assert relied_rows() == []


def test_a_retry_sends_nothing_new_a_later_cancellation_does(department, staff) -> None:
    membership, completion = relying_world(department)
    member_registration_cancel(completion=completion, user=None)
    with pytest.raises(RegistrationRefused):
        member_registration_cancel(completion=completion, user=None)
    assert len(relied_rows()) == 2
    again = registration_create(person=membership.person, session=completion.session, user=None)
    assert again.completion is not None
    member_registration_cancel(completion=again.completion, user=None)
    assert len(relied_rows()) == 4


def test_the_queries_do_not_grow_with_the_committees_relying_on_it(department, staff) -> None:
    def queries_for(committees: int) -> int:
        _membership, completion = relying_world(
            department, committees=committees, email=f"m{committees}@aaa.example.nl"
        )
        with CaptureQueriesContext(connection) as queries:
            member_registration_cancel(completion=completion, user=None)
        assert len(relied_rows()) == 2 * committees
        Notification.objects.all().delete()
        return len(queries)

    assert queries_for(1) == queries_for(4)
