"""A committee without a member who must be trained is incomplete, never compliant.

Before, "0 of 0 trained" showed in green, matched "all trained", raised the department's
share and could be confirmed in every mode.
"""

from __future__ import annotations

import datetime

import pytest
from django.utils import translation

from committees.enforcement import EnforcementError, committee_check_enforcement
from committees.models import CommitteeStatus, MembershipRole, SelectionCommittee
from committees.services import committee_change_status, committee_create, committee_update
from departments.models import Department, EnforcementMode
from reports.dashboard import overview, quarterly_figures
from reports.figures import compliance_by_department
from reports.quarters import Quarter
from tests.factories import CommitteeFactory, CompletionFactory, MembershipFactory

pytestmark = pytest.mark.django_db

INTERVIEW = datetime.date(2025, 5, 20)
MODES = [EnforcementMode.ADVISORY, EnforcementMode.JUSTIFY, EnforcementMode.STRICT]


def trained_committee(department: Department) -> SelectionCommittee:
    committee = CommitteeFactory(department=department, interview_date=INTERVIEW)
    member = MembershipFactory(committee=committee, role=MembershipRole.CHAIR)
    CompletionFactory(person=member.person, session__date=INTERVIEW - datetime.timedelta(days=9))
    return committee


def only_an_external(department: Department) -> SelectionCommittee:
    committee = CommitteeFactory(
        department=department, interview_date=INTERVIEW, vacancy_reference="LEEG-1"
    )
    MembershipFactory(committee=committee, role=MembershipRole.EXTERNAL)
    return committee


def test_a_committee_with_only_an_external_is_incomplete_and_not_compliant(department) -> None:
    committee = only_an_external(department)
    annotated = SelectionCommittee.objects.with_compliance().get(pk=committee.pk)
    assert annotated.is_incomplete
    assert not annotated.is_compliant
    assert list(SelectionCommittee.objects.incomplete()) == [committee]
    assert committee not in SelectionCommittee.objects.compliant()


def test_the_pages_say_incomplete_instead_of_0_of_0_trained(client, op_user, department) -> None:
    committee = only_an_external(department)
    client.force_login(op_user)
    with translation.override("nl"):
        listing = client.get("/committees/", HTTP_ACCEPT_LANGUAGE="nl").content.decode()
        detail = client.get(
            f"/committees/{committee.pk}/", HTTP_ACCEPT_LANGUAGE="nl"
        ).content.decode()
    for page in (listing, detail):
        assert "Onvolledig" in page
        assert "0 van 0" not in page
    assert "status bad" in detail


def test_the_all_trained_filter_leaves_incomplete_committees_out(
    client, op_user, department
) -> None:
    trained_committee(department)
    only_an_external(department)
    client.force_login(op_user)
    page = client.get("/committees/", {"compliance": "all"})
    committees = list(page.context["page"].object_list)
    assert [c.vacancy_reference for c in committees if c.is_incomplete] == []
    assert len(committees) == 1


def test_an_incomplete_committee_lowers_the_departments_share(department) -> None:
    trained_committee(department)
    only_an_external(department)
    CommitteeFactory(department=department, interview_date=INTERVIEW)  # no members at all
    scope = Department.objects.filter(pk=department.pk)
    current = quarterly_figures(scope, datetime.date(2025, 5, 1))[-1]
    assert (current.committees, current.committees_compliant) == (3, 1)
    assert current.committees_incomplete == 2
    assert current.committee_share is not None
    assert float(current.committee_share) == pytest.approx(1 / 3, abs=1e-4)
    [row] = overview(scope, Quarter(2025, 2))
    assert (row.committees, row.committees_compliant, row.committees_incomplete) == (3, 1, 2)


def test_the_report_figures_never_count_an_incomplete_committee_as_compliant(
    department,
) -> None:
    trained_committee(department)
    only_an_external(department)
    figures = compliance_by_department(Quarter(2025, 2), Quarter(2025, 2))
    assert figures[((2025, 2), department.pk)]["committees"] == 2
    assert figures[((2025, 2), department.pk)]["compliant"] == 1


@pytest.mark.parametrize("mode", MODES)
def test_confirming_an_incomplete_committee_is_refused_in_every_mode(mode, op_user) -> None:
    committee = CommitteeFactory(interview_date=INTERVIEW, department__enforcement_mode=mode)
    MembershipFactory(committee=committee, role=MembershipRole.EXTERNAL)
    check = committee_check_enforcement(committee=committee, status=CommitteeStatus.CONFIRMED)
    assert check.incomplete
    assert check.blocked
    with pytest.raises(EnforcementError) as refused:
        committee_change_status(
            committee=committee,
            status=CommitteeStatus.CONFIRMED,
            user=op_user,
            justification="Er is haast.",
        )
    assert refused.value.code == "incomplete"
    committee.refresh_from_db()
    assert committee.status == CommitteeStatus.PLANNED


@pytest.mark.parametrize("mode", MODES)
def test_a_committee_cannot_be_created_as_confirmed_in_any_mode(mode, op_user) -> None:
    department = op_user.staff_departments.get()
    department.enforcement_mode = mode
    department.save(update_fields=["enforcement_mode"])
    for status in (CommitteeStatus.CONFIRMED, CommitteeStatus.HELD):
        with pytest.raises(EnforcementError):
            committee_create(
                department=department,
                vacancy_reference="V-1",
                vacancy_title="Beleidsmedewerker",
                interview_date=INTERVIEW,
                status=status,
                user=op_user,
            )
    assert not SelectionCommittee.objects.exists()


def test_the_new_committee_page_creates_a_planned_committee_whatever_is_posted(
    client, op_user, department
) -> None:
    client.force_login(op_user)
    response = client.post(
        "/committees/new/",
        {
            "department": department.pk,
            "vacancy_reference": "v-9",
            "vacancy_title": "Jurist",
            "interview_date": "2025-06-01",
            "status": CommitteeStatus.CONFIRMED,
        },
    )
    assert response.status_code == 302
    assert SelectionCommittee.objects.get().status == CommitteeStatus.PLANNED


def test_moving_the_interview_date_of_a_confirmed_committee_asks_the_rule_again(
    op_user, department
) -> None:
    department.enforcement_mode = EnforcementMode.STRICT
    department.save(update_fields=["enforcement_mode"])
    committee = trained_committee(department)
    committee_change_status(committee=committee, status=CommitteeStatus.CONFIRMED, user=op_user)
    # Trained nine days before the interview; an interview ten days earlier comes first.
    with pytest.raises(EnforcementError):
        committee_update(
            committee=committee,
            user=op_user,
            interview_date=INTERVIEW - datetime.timedelta(days=10),
        )
    committee.refresh_from_db()
    assert committee.interview_date == INTERVIEW
