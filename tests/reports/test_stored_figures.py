"""The stored quarterly figures equal a full recomputation after every kind of write.

Each test changes data through a service (the way the pages, the admin, imports and
retention do) and then compares every stored row with `figures_compute` over all
quarters, and checks that the figure the write should move did move.
"""

from __future__ import annotations

import datetime
import io

import pytest

from committees.models import CommitteeStatus, MembershipRole
from committees.services import (
    committee_add_member,
    committee_change_status,
    committee_create,
    committee_remove_member,
    committee_update,
    membership_change_role,
)
from imports.services import attendance_import_apply, import_batch_create
from privacy.retention import people_apply_retention
from reports.models import StoredFigures
from reports.quarters import Quarter
from reports.stored import figures_compute, figures_rebuild, figures_refresh
from tests.factories import (
    CommitteeFactory,
    CompletionFactory,
    MembershipFactory,
    PersonFactory,
    ProgrammeFactory,
    SessionFactory,
    SupplierFactory,
    administrator,
    op_staff,
)
from trainings.hand_entry import completion_confirm, completion_enter_by_hand

pytestmark = pytest.mark.django_db

Q1, Q2, Q3 = Quarter(2025, 1), Quarter(2025, 2), Quarter(2025, 3)


def stored() -> dict[tuple[tuple[int, int], int], dict[str, int]]:
    return {
        ((r.year, r.number), r.department_id): r.counts()
        for r in StoredFigures.objects.all()
        if any(r.counts().values())
    }


def recomputed() -> dict[tuple[tuple[int, int], int], dict[str, int]]:
    everything = figures_compute(Quarter(2015, 1), Quarter(2035, 4))
    return {key: counts for key, counts in everything.items() if any(counts.values())}


def figure(quarter: Quarter, department_id: int, name: str) -> int:
    row = StoredFigures.objects.filter(
        year=quarter.year, number=quarter.number, department_id=department_id
    ).first()
    return getattr(row, name) if row is not None else 0


@pytest.fixture
def member(department):
    """A member of a Q2 committee of AAA, untrained; the stored figures are built."""
    membership = MembershipFactory(
        committee=CommitteeFactory(department=department, interview_date=datetime.date(2025, 5, 20))
    )
    figures_rebuild()  # the factories write past the services
    assert figure(Q2, department.pk, "memberships") == 1
    return membership


def test_a_late_import_updates_the_past_quarters_it_touches(member, department) -> None:
    supplier = SupplierFactory(code="ACME")
    ProgrammeFactory(supplier=supplier, name="Objectief selecteren", version="1")
    person = member.person
    headers = "Personeelsnummer;Voornaam;Achternaam;E-mailadres;Ministerie;Datum;Locatie;Aanwezig"
    row = (
        f"{person.employee_number};{person.first_name};{person.last_name};{person.email};"
        "AAA;03-03-2025;Utrecht;ja"
    )
    batch = import_batch_create(
        file=io.BytesIO(f"{headers}\n{row}\n".encode()),
        file_name="lijst.csv",
        supplier=supplier,
        user=None,
    )

    applied = attendance_import_apply(batch=batch, hold_invalid=False)

    assert applied.counts["new"] == 1
    assert figure(Q1, department.pk, "people_trained") == 1
    assert figure(Q2, department.pk, "trained") == 1
    assert stored() == recomputed()


def test_confirming_a_hand_entry_updates_the_figures(member, department) -> None:
    session = SessionFactory(date=datetime.date(2025, 4, 2))
    entered = completion_enter_by_hand(
        person=member.person,
        session=session,
        evidence_note="Certificaat",
        user=op_staff(department),
    )
    assert figure(Q2, department.pk, "trained") == 0  # awaiting confirmation: counts nowhere

    completion_confirm(completion=entered, user=op_staff(department))

    assert figure(Q2, department.pk, "trained") == 1
    assert figure(Q2, department.pk, "people_by_hand") == 1
    assert stored() == recomputed()


def test_creating_moving_and_cancelling_a_committee_update_the_figures(
    member, department, other_department
) -> None:
    committee = committee_create(
        department=other_department,
        vacancy_reference="VAC-1",
        vacancy_title="Jurist",
        interview_date=datetime.date(2025, 2, 10),
    )
    assert figure(Q1, other_department.pk, "committees") == 1
    assert stored() == recomputed()

    committee_update(committee=committee, user=None, interview_date=datetime.date(2025, 8, 1))
    assert figure(Q1, other_department.pk, "committees") == 0
    assert figure(Q3, other_department.pk, "committees") == 1
    assert stored() == recomputed()

    committee_change_status(committee=committee, status=CommitteeStatus.CANCELLED, user=None)
    assert figure(Q3, other_department.pk, "committees") == 0
    assert stored() == recomputed()


def test_adding_changing_and_removing_members_update_the_figures(member, department) -> None:
    CompletionFactory(person=member.person, session__date=datetime.date(2025, 1, 5))
    figures_rebuild()
    committee = member.committee
    newcomer = PersonFactory(department=department)

    added = committee_add_member(committee=committee, person=newcomer, role=MembershipRole.MEMBER)
    assert figure(Q2, department.pk, "memberships") == 2
    assert stored() == recomputed()

    membership_change_role(membership=added, role=MembershipRole.EXTERNAL)
    assert figure(Q2, department.pk, "memberships") == 1
    assert figure(Q2, department.pk, "compliant") == 1
    assert stored() == recomputed()

    committee_remove_member(membership=member)
    assert figure(Q2, department.pk, "memberships") == 0
    assert figure(Q2, department.pk, "incomplete") == 1
    assert stored() == recomputed()


def test_confirming_a_committee_updates_what_if_strict(member, department) -> None:
    committee_change_status(
        committee=member.committee, status=CommitteeStatus.CONFIRMED, user=None,
        justification="Geen andere leden beschikbaar.",
    )  # fmt: skip
    assert figure(Q2, department.pk, "confirmed") == 1
    assert stored() == recomputed()


def test_retention_leaves_stored_figures_equal_to_a_recomputation(member, department) -> None:
    PersonFactory(department=department)  # without memberships or trainings: deleted
    CompletionFactory(person=member.person, session__date=datetime.date(2025, 1, 5))
    figures_rebuild()
    before = stored()

    result = people_apply_retention(years=1, today=datetime.date(2040, 1, 1))

    assert result.deleted == 1
    assert stored() == before == recomputed()


def test_a_refresh_of_some_quarters_leaves_the_others_as_they_were(member, department) -> None:
    earlier = CommitteeFactory(department=department, interview_date=datetime.date(2025, 1, 10))
    figures_refresh(since=Q2.start, until=Q2.end)
    assert figure(Q1, department.pk, "committees") == 0  # not asked: untouched
    figures_refresh(since=earlier.interview_date, until=earlier.interview_date)
    assert figure(Q1, department.pk, "committees") == 1
    assert stored() == recomputed()


def test_deleting_a_completion_in_the_admin_updates_the_figures(client, member, department):
    completion = CompletionFactory(person=member.person, session__date=datetime.date(2025, 1, 5))
    figures_rebuild()
    assert figure(Q2, department.pk, "trained") == 1
    client.force_login(administrator())

    response = client.post(
        f"/admin/trainings/trainingcompletion/{completion.pk}/delete/", {"post": "yes"}
    )

    assert response.status_code == 302
    assert figure(Q2, department.pk, "trained") == 0
    assert stored() == recomputed()


def test_moving_a_person_to_another_department_in_the_admin_updates_both(
    client, member, department, other_department
) -> None:
    CompletionFactory(person=member.person, session__date=datetime.date(2025, 1, 5))
    figures_rebuild()
    person = member.person
    client.force_login(administrator())

    response = client.post(
        f"/admin/departments/person/{person.pk}/change/",
        {
            "first_name": person.first_name,
            "particle": "",
            "last_name": person.last_name,
            "email": person.email,
            "employee_number": person.employee_number,
            "department": other_department.pk,
        },
    )

    assert response.status_code == 302
    assert figure(Q1, department.pk, "people_trained") == 0
    assert figure(Q1, other_department.pk, "people_trained") == 1
    assert stored() == recomputed()


def test_the_stored_training_data_flag_is_the_live_one(member, department, other_department):
    from reports.figures import with_training_data as live
    from reports.stored import with_training_data

    CompletionFactory(
        person__department=other_department,
        session__date=datetime.date(2025, 8, 1),
        session__cancelled=True,  # registered in the app all the same
    )
    figures_rebuild()
    for quarter in (Q1, Q2, Q3):
        assert with_training_data(quarter.start, quarter.end) == live(quarter.start, quarter.end)
    assert other_department.pk in with_training_data(Q3.start, Q3.end)
    assert other_department.pk not in with_training_data(Q2.start, Q2.end)
