"""What the meetings asked for: committees confirmed with untrained members per department
and enforcement mode, the mode of the quarter (not today's), untrained members by role,
late cancellations and sessions without attendees per supplier (reports.meetings)."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation

from committees.models import (
    CommitteeJustification,
    CommitteeStatus,
    MembershipRole,
    SelectionCommittee,
)
from departments.models import ENFORCEMENT_HISTORY_SINCE, Department, EnforcementMode
from reports.figures import icop_report, regiegroep_report
from reports.meetings import enforcement_modes, mode_label
from reports.quarters import Quarter
from tests.factories import CommitteeFactory, CompletionFactory, MembershipFactory, SessionFactory
from tests.reports.conftest import World, rows, table_of
from trainings.models import CompletionStatus

pytestmark = pytest.mark.usefixtures("no_suppression")
D = datetime.date
Q1 = Quarter(2025, 1)
SEEDED = ENFORCEMENT_HISTORY_SINCE


def _held_untrained(
    department: Department, day: datetime.date, **kwargs: object
) -> SelectionCommittee:
    committee = CommitteeFactory(department=department, interview_date=day, **kwargs)
    MembershipFactory(committee=committee, role=MembershipRole.MEMBER)  # never trained
    return committee


def _mode_since_the_beginning(department: Department, mode: str) -> None:
    """As the data migration seeds it: the mode in force since 2000."""
    department.enforcement_mode = mode
    department.save()
    department.history.all().update(history_date=SEEDED)


class TestCommitteesConfirmedWithUntrainedMembers:
    def test_committees_held_in_justify_mode_without_justification_are_counted_as_such(
        self, world: World
    ) -> None:
        _mode_since_the_beginning(world.aaa, EnforcementMode.JUSTIFY)
        for day in (D(2025, 1, 20), D(2025, 2, 20), D(2025, 3, 20)):
            _held_untrained(world.aaa, day, status=CommitteeStatus.HELD)

        aaa = rows(icop_report(Q1), "committees-untrained")["AAA"]

        assert aaa["enforcement"] == mode_label(EnforcementMode.JUSTIFY)
        assert aaa["confirmed_untrained"] == 3
        assert aaa["with_justification"] == 0
        assert aaa["without_justification"] == 3

    def test_only_confirmed_or_held_committees_with_an_untrained_member_count(
        self, world: World
    ) -> None:
        justified = _held_untrained(world.aaa, D(2025, 2, 1), status=CommitteeStatus.CONFIRMED)
        CommitteeJustification.objects.create(
            committee=justified, status=CommitteeStatus.CONFIRMED, text="Geen vervanger"
        )
        _held_untrained(world.aaa, D(2025, 2, 2), status=CommitteeStatus.PLANNED)
        _held_untrained(world.aaa, D(2025, 2, 3), status=CommitteeStatus.CANCELLED)
        _held_untrained(world.aaa, D(2025, 4, 3), status=CommitteeStatus.HELD)  # next quarter
        trained = CommitteeFactory(
            department=world.aaa, interview_date=D(2025, 2, 4), status=CommitteeStatus.HELD
        )
        MembershipFactory(committee=trained, person=world.chair, role=MembershipRole.CHAIR)

        report = icop_report(Q1)
        aaa = rows(report, "committees-untrained")["AAA"]
        total = table_of(report, "committees-untrained").total_row

        assert (aaa["confirmed_untrained"], aaa["with_justification"]) == (1, 1)
        assert aaa["without_justification"] == 0
        assert total is not None
        assert total.get("confirmed_untrained") == 1

    def test_departments_without_figures_from_the_app_are_left_out_and_named(
        self, world: World
    ) -> None:
        # CCC is outside the tender and registers no trainings: every member would look
        # untrained.
        _held_untrained(world.ccc, D(2025, 2, 1), status=CommitteeStatus.HELD)

        table = table_of(icop_report(Q1), "committees-untrained")

        assert "CCC" not in {row.get("code") for row in table.rows}
        assert table.total_row is not None
        assert "CCC" in str(table.total_row.get("department"))


class TestEnforcementModeOfTheQuarter:
    def test_the_report_shows_the_mode_in_force_at_the_quarters_end_not_todays(
        self, world: World
    ) -> None:
        _mode_since_the_beginning(world.aaa, EnforcementMode.JUSTIFY)
        world.aaa.enforcement_mode = EnforcementMode.STRICT
        world.aaa.save()  # today, long after 2025Q1

        report = icop_report(Q1)

        assert rows(report, "departments")["AAA"]["enforcement"] == mode_label("justify")
        assert rows(report, "committees-untrained")["AAA"]["enforcement"] == mode_label("justify")
        today = Quarter.containing(timezone.localdate())
        assert enforcement_modes(today)[world.aaa.pk] == EnforcementMode.STRICT

    def test_a_department_without_history_by_then_reads_its_current_mode(
        self, world: World
    ) -> None:
        world.aaa.enforcement_mode = EnforcementMode.STRICT
        world.aaa.save()  # its first history row is today's

        assert enforcement_modes(Q1)[world.aaa.pk] == EnforcementMode.STRICT

    def test_the_migration_seeded_every_ministry_with_its_mode_since_the_beginning(
        self, db: None
    ) -> None:
        seeded = Department.history.filter(history_date=SEEDED)
        assert Department.objects.exists()
        assert set(seeded.values_list("id", "enforcement_mode")) == set(
            Department.objects.values_list("pk", "enforcement_mode")
        )

    def test_the_modes_of_every_department_take_one_query(self, world: World) -> None:
        with CaptureQueriesContext(connection) as queries:
            modes = enforcement_modes(Q1)
        assert len(queries) == 1
        assert set(modes) == set(Department.objects.values_list("pk", flat=True))


class TestUntrainedMembersByRole:
    def test_memberships_requiring_training_per_role_split_into_trained_and_untrained(
        self, world: World
    ) -> None:
        by_role = rows(icop_report(Q1), "untrained-roles", by="role")

        # AAA in 2025Q1: the chair trained; of the members, a_old trained and one never.
        chair = by_role[str(MembershipRole.CHAIR.label)]
        member = by_role[str(MembershipRole.MEMBER.label)]
        assert (chair["memberships"], chair["trained"], chair["untrained"]) == (1, 1, 0)
        assert (member["memberships"], member["trained"], member["untrained"]) == (2, 1, 1)
        assert str(MembershipRole.EXTERNAL.label) not in by_role

    def test_the_role_table_counts_people_and_goes_through_the_suppression(
        self, world: World, settings: object
    ) -> None:
        settings.REPORT_SUPPRESSION_THRESHOLD = 5
        table = table_of(icop_report(Q1), "untrained-roles")

        people = {c.key for c in table.columns if c.count_of_people}
        assert people == {"memberships", "trained", "untrained"}
        assert table.suppression_threshold == 5


class TestSupplierMeetingFigures:
    def test_late_cancellations_count_places_cancelled_within_the_days_before_the_session(
        self, world: World, settings: object
    ) -> None:
        settings.LATE_CANCELLATION_DAYS = 3
        session = world.q1_session  # 15 January 2025, S2
        zone = timezone.get_current_timezone()

        def cancelled(day: datetime.date) -> None:
            at = datetime.datetime.combine(day, datetime.time(9), tzinfo=zone)
            CompletionFactory(
                session=session, status=CompletionStatus.CANCELLED, status_changed_at=at
            )

        cancelled(D(2025, 1, 12))  # 3 days before: late
        cancelled(D(2025, 1, 14))  # late
        cancelled(D(2025, 1, 16))  # after the session: late
        cancelled(D(2025, 1, 11))  # 4 days before: in time
        cancelled(D(2024, 12, 1))  # in time

        suppliers = rows(regiegroep_report(Q1), "participation-suppliers", by="supplier")

        assert suppliers["Tweede BV"]["late_cancellations"] == 3
        assert suppliers["Tweede BV"]["no_shows"] == 1

    def test_the_number_of_days_is_a_setting(self, world: World, settings: object) -> None:
        settings.LATE_CANCELLATION_DAYS = 10
        at = datetime.datetime(2025, 1, 6, 9, tzinfo=timezone.get_current_timezone())
        CompletionFactory(
            session=world.q1_session, status=CompletionStatus.CANCELLED, status_changed_at=at
        )

        suppliers = rows(regiegroep_report(Q1), "participation-suppliers", by="supplier")

        assert suppliers["Tweede BV"]["late_cancellations"] == 1

    def test_sessions_without_attendees_are_counted_apart_from_sessions_held(
        self, world: World
    ) -> None:
        nobody = SessionFactory(
            supplier=world.s2, programme=world.q1_session.programme, date=D(2025, 3, 20)
        )
        CompletionFactory(session=nobody, status=CompletionStatus.NO_SHOW)
        SessionFactory(supplier=world.s2, programme=world.q1_session.programme, date=D(2025, 3, 21))

        report = regiegroep_report(Q1)
        s2 = rows(report, "participation-suppliers", by="supplier")["Tweede BV"]
        content = table_of(report, "content")

        # Held: 15 January and 10 March; the cancelled session is neither.
        assert (s2["sessions"], s2["empty_sessions"]) == (2, 2)
        assert content.total_row is not None
        assert content.total_row.get("sessions") == 2


@pytest.mark.parametrize(
    ("language", "names"),
    [("nl", ["Waarschuwen", "Verantwoorden", "Streng"]), ("en", ["Advisory", "Justify", "Strict"])],
)
def test_a_mode_is_named_without_its_explanation_in_both_languages(language, names) -> None:
    with translation.override(language):
        assert [mode_label(mode) for mode in EnforcementMode] == names
