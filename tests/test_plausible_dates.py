"""Dates outside the monitor's range get a message, not a century of empty quarters.

Found by an outside tester: a training entered by hand on 1900-01-01 made 1900Q1 the
first quarter with data, and compiling it failed with a raw error.
"""

from __future__ import annotations

import datetime

import pytest

from committees.models import SelectionCommittee
from reports.quarters import Quarter
from reports.selectors import QuarterNotReportable, first_data_quarter, reportable_quarter
from tests.factories import PersonFactory, SessionFactory
from trainings.models import TrainingCompletion

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("day", ["0001-01-01", "1900-01-01", "2014-12-31", "9999-12-31"])
def test_the_committee_page_refuses_an_implausible_interview_date(
    client, op_user, department, day
) -> None:
    client.force_login(op_user)
    response = client.post(
        "/committees/new/",
        {
            "department": department.pk,
            "vacancy_reference": "V-1",
            "vacancy_title": "Jurist",
            "interview_date": day,
        },
    )
    assert response.status_code == 200
    assert response.context["form"].errors["interview_date"]
    assert not SelectionCommittee.objects.exists()


def test_a_training_by_hand_in_1900_is_refused(client, op_user, department) -> None:
    person = PersonFactory(department=department)
    session = SessionFactory(date=datetime.date(2025, 5, 1))
    client.force_login(op_user)
    response = client.post(
        f"/completions/people/{person.pk}/new/",
        {
            "supplier": session.supplier.pk,
            "date": "1900-01-01",
            "place": "Zwolle",
            "evidence_note": "Certificaat gezien.",
        },
    )
    assert response.status_code == 200
    assert response.context["form"].errors["date"]
    assert not TrainingCompletion.objects.filter(person=person).exists()


def test_old_data_does_not_open_quarters_before_the_first_date(settings) -> None:
    settings.DATA_FIRST_DATE = datetime.date(2015, 1, 1)
    SessionFactory(date=datetime.date(1900, 1, 1))  # stored before the forms refused it
    assert first_data_quarter() == Quarter(2015, 1)
    with pytest.raises(QuarterNotReportable):
        reportable_quarter("1900Q1", today=datetime.date(2026, 12, 2))
