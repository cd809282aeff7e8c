"""A small world for the report tests, with every figure computable by hand.

Tender 1 (2021-2024): departments AAA and BBB, supplier S1.
Tender 2 (2025-):     department AAA only (BBB left the tender), supplier S2.
CCC never takes part in a tender and reports its own figures.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

import pytest

from committees.models import CommitteeStatus, MembershipRole
from departments.models import Department, Person
from reports.presentation.tables import Report, Table
from reports.supplier_figures import supplier_figures_rebuild
from tests.factories import (
    CommitteeFactory,
    CompletionFactory,
    DepartmentFactory,
    EvaluationFactory,
    MembershipFactory,
    PersonFactory,
    ProgrammeFactory,
    SessionFactory,
    SupplierFactory,
    TenderFactory,
)
from trainings.models import CompletionStatus, Supplier, TrainingSession

D = datetime.date


@dataclass
class World:
    aaa: Department
    bbb: Department
    ccc: Department
    s1: Supplier
    s2: Supplier
    chair: Person
    a_old: Person
    a_noshow: Person
    b_person: Person
    q1_session: TrainingSession


@pytest.fixture
def world(db: None) -> World:
    aaa = DepartmentFactory(code="AAA", name_nl="Ministerie A")
    bbb = DepartmentFactory(code="BBB", name_nl="Ministerie B")
    ccc = DepartmentFactory(code="CCC", name_nl="Ministerie C", in_tender=False)
    s1 = SupplierFactory(code="S1", name="Eerste BV")
    s2 = SupplierFactory(code="S2", name="Tweede BV")
    first = TenderFactory(starts_on=D(2021, 1, 1), ends_on=D(2024, 12, 31))
    first.departments.set([aaa, bbb])
    first.suppliers.set([s1])
    second = TenderFactory(starts_on=D(2025, 1, 1), ends_on=None)
    second.departments.set([aaa])
    second.suppliers.set([s2])

    chair = PersonFactory(department=aaa)
    a_old = PersonFactory(department=aaa)
    a_noshow = PersonFactory(department=aaa)
    b_person = PersonFactory(department=bbb)

    # 2024Q4: S1 session, capacity 10: a_old and b_person attended, a_noshow did not come.
    p1 = ProgrammeFactory(supplier=s1, name="Workshop", version="1.0")
    old = SessionFactory(supplier=s1, programme=p1, date=D(2024, 11, 1), capacity=10)
    CompletionFactory(session=old, person=a_old)
    CompletionFactory(session=old, person=b_person)
    CompletionFactory(session=old, person=a_noshow, status=CompletionStatus.NO_SHOW)

    # 2025Q1: S2 sessions. One of capacity 8 (chair attended), one cancelled (12), one of
    # capacity 10 (b_person attended, a_noshow did not come).
    p2 = ProgrammeFactory(supplier=s2, name="Workshop", version="2.0")
    q1_session = SessionFactory(supplier=s2, programme=p2, date=D(2025, 1, 15), capacity=8)
    CompletionFactory(session=q1_session, person=chair)
    cancelled = SessionFactory(
        supplier=s2, programme=p2, date=D(2025, 2, 1), capacity=12, cancelled=True
    )
    CompletionFactory(session=cancelled, person=a_old)
    late = SessionFactory(supplier=s2, programme=p2, date=D(2025, 3, 10), capacity=10)
    CompletionFactory(session=late, person=b_person)
    CompletionFactory(session=late, person=a_noshow, status=CompletionStatus.NO_SHOW)

    # Evaluations in 2025Q1: the first session's aggregate (4 of 5, 10 responses) stands
    # for it, so the participant's own 10 there is not counted again; the late session
    # has two participant scores, 8 and 6 (of 10).
    EvaluationFactory(session=q1_session, person=None, score=4, scale=5, response_count=10)
    EvaluationFactory(session=q1_session, person=chair, score=10, scale=10)
    EvaluationFactory(session=late, person=b_person, score=8, scale=10)
    EvaluationFactory(session=late, person=a_noshow, score=6, scale=10)
    # 2024Q4: S1 session, one aggregate of 7 (of 10) over 3 responses.
    EvaluationFactory(session=old, person=None, score=7, scale=10, response_count=3)

    # Committees of AAA in 2025Q1.
    c1 = CommitteeFactory(department=aaa, interview_date=D(2025, 2, 10))
    MembershipFactory(committee=c1, person=chair, role=MembershipRole.CHAIR)  # trained 15-1
    MembershipFactory(committee=c1, role=MembershipRole.MEMBER)  # never trained
    c2 = CommitteeFactory(department=aaa, interview_date=D(2025, 3, 1))
    MembershipFactory(committee=c2, person=a_old, role=MembershipRole.MEMBER)  # trained 2024
    MembershipFactory(committee=c2, role=MembershipRole.EXTERNAL)  # exempt
    c3 = CommitteeFactory(
        department=aaa, interview_date=D(2025, 3, 5), status=CommitteeStatus.CANCELLED
    )
    MembershipFactory(committee=c3, role=MembershipRole.MEMBER)  # cancelled: not counted
    # 2024Q4: one AAA committee with an untrained member, one BBB with a trained one.
    c0 = CommitteeFactory(department=aaa, interview_date=D(2024, 12, 1))
    MembershipFactory(committee=c0, role=MembershipRole.MEMBER)
    b0 = CommitteeFactory(department=bbb, interview_date=D(2024, 12, 2))
    MembershipFactory(committee=b0, person=b_person, role=MembershipRole.MEMBER)

    # The factories write past the services: the supplier comparison's stored figures
    # are built as `rebuild_figures` would.
    supplier_figures_rebuild()
    return World(aaa, bbb, ccc, s1, s2, chair, a_old, a_noshow, b_person, q1_session)


def rows(report: Report, key: str, by: str = "code") -> dict[Any, dict[str, Any]]:
    table = table_of(report, key)
    return {row.get(by): dict(row.cells) | {"flags": row.flags} for row in table.rows}


def table_of(report: Report, key: str) -> Table:
    return next(t for t in report.tables if t.key == key)


@pytest.fixture
def no_suppression(settings: Any) -> None:
    """Threshold 1: nothing is hidden, so the hand-computed figures show as they are."""
    settings.REPORT_SUPPRESSION_THRESHOLD = 1
