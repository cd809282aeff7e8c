"""Figures computed by hand on the small world of conftest.py."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest

from committees.models import MembershipRole
from reports.figures import icop_report, regiegroep_report, ten_point
from reports.models import Intervention, InterventionKind, SelfReportedFigures
from reports.presentation.tables import FLAG_LABELS, SUPPRESSED
from reports.quarters import Quarter
from tests.factories import PersonFactory
from tests.reports.conftest import World, rows, table_of

pytestmark = pytest.mark.usefixtures("no_suppression")
Q1 = Quarter(2025, 1)
D = datetime.date


class TestIcop:
    def test_a_tender_department_gets_its_figures_from_the_compliance_rules(
        self, world: World
    ) -> None:
        aaa = rows(icop_report(Q1), "departments")["AAA"]
        # c1: chair trained, member not; c2: member trained, external exempt; c3 cancelled.
        assert aaa["memberships"] == 3
        assert aaa["trained"] == 2
        assert aaa["untrained"] == 1
        assert aaa["share_trained"] == Decimal(2) / 3
        assert aaa["committees"] == 2
        assert aaa["compliant"] == 1
        assert aaa["share_compliant"] == Decimal("0.5")
        assert aaa["people"] == 1  # only the chair attended a session in 2025Q1
        # 2024Q4: one untrained member, so 0% then; +66.7 percentage points now.
        assert aaa["share_trained_previous"] == Decimal("0")
        assert aaa["change"] == Decimal(200) / 3
        assert aaa["flags"] == {"below_target"}

    def test_committees_confirmed_with_a_justification_are_counted(self, world: World) -> None:
        from committees.models import CommitteeJustification, SelectionCommittee

        assert rows(icop_report(Q1), "departments")["AAA"]["justified"] == 0
        # c1 (one untrained member) confirmed twice in `justify` mode counts once; the
        # cancelled c3 does not count at all.
        c1 = SelectionCommittee.objects.get(department=world.aaa, interview_date="2025-02-10")
        c3 = SelectionCommittee.objects.get(department=world.aaa, interview_date="2025-03-05")
        for committee, text in [(c1, "Geen sessie meer"), (c1, "Opnieuw"), (c3, "Vervallen")]:
            CommitteeJustification.objects.create(
                committee=committee, status="confirmed", text=text
            )
        report = icop_report(Q1)
        assert rows(report, "departments")["AAA"]["justified"] == 1
        total = table_of(report, "departments").total_row
        assert total is not None
        assert total.get("justified") == 1

    def test_a_department_that_left_the_tender_but_registers_trainings_shows_them(
        self, world: World
    ) -> None:
        # BBB left the tender in 2025 but its people still have places in sessions in the
        # app: its figures come from the registry, not marked self-reported.
        bbb = rows(icop_report(Q1), "departments")["BBB"]
        assert bbb["flags"] == set()
        assert (bbb["memberships"], bbb["committees"], bbb["people"]) == (0, 0, 1)
        assert bbb["share_trained_previous"] == 1

    def test_a_department_without_any_figures_says_no_data_and_stays_out_of_the_total(
        self, world: World
    ) -> None:
        from tests.factories import CommitteeFactory, MembershipFactory

        # CCC registers its committees in the app, but no trainings and no own figures.
        for day in (3, 4):
            committee = CommitteeFactory(
                department=world.ccc, interview_date=Q1.start.replace(day=day)
            )
            MembershipFactory(committee=committee, role=MembershipRole.MEMBER)
        report = icop_report(Q1)
        ccc = rows(report, "departments")["CCC"]
        assert ccc["flags"] == {"no_data"}
        assert ccc["committees"] == 2  # registered in the app
        for figure in ("memberships", "trained", "share_trained", "compliant", "share_compliant"):
            assert ccc.get(figure) is None, figure  # never 0 or 0%
        total = table_of(report, "departments").total_row
        assert total is not None
        # The migration's 15 ministries have no figures either; all are named.
        without = sorted(
            code for code, row in rows(report, "departments").items() if "no_data" in row["flags"]
        )
        assert "CCC" in without
        assert "AAA" not in without
        label = "Totaal, ministeries met gegevens; geen gegevens van " + ", ".join(without)
        assert total.get("department") == label
        assert (total.get("memberships"), total.get("committees")) == (3, 2)  # AAA only
        assert "CCC" in report.charts[0].title.split("geen gegevens van ")[1].split(", ")
        assert "Geen gegevens" in {str(label) for label in FLAG_LABELS.values()}

    def test_a_department_outside_the_tender_that_registers_trainings_gets_real_figures(
        self, world: World
    ) -> None:
        from tests.factories import CommitteeFactory, CompletionFactory, MembershipFactory

        member = PersonFactory(department=world.ccc)
        CompletionFactory(session=world.q1_session, person=member)
        committee = CommitteeFactory(department=world.ccc, interview_date=D(2025, 3, 20))
        MembershipFactory(committee=committee, person=member, role=MembershipRole.MEMBER)
        MembershipFactory(committee=committee, role=MembershipRole.MEMBER)
        report = icop_report(Q1)
        ccc = rows(report, "departments")["CCC"]
        assert ccc["flags"] == {"below_target"}  # not self-reported, not "no data"
        assert (ccc["memberships"], ccc["trained"], ccc["share_trained"]) == (2, 1, Decimal("0.5"))
        # The quarter before, CCC had no trainings in the app yet: no data, not 0%.
        assert ccc["share_trained_previous"] is None
        total = table_of(report, "departments").total_row
        assert total is not None
        assert "CCC" not in str(total.get("department")).split("geen gegevens van ")[1]
        assert total.get("memberships") == 5

    def test_self_reported_figures_are_used_and_marked(self, world: World) -> None:
        SelfReportedFigures.objects.create(
            department=world.ccc,
            quarter="2025Q1",
            committees=4,
            compliant_committees=3,
            memberships=10,
            trained_memberships=9,
            people_trained=6,
        )
        report = icop_report(Q1)
        ccc = rows(report, "departments")["CCC"]
        assert ccc["flags"] == {"self_reported"}
        assert (ccc["memberships"], ccc["trained"], ccc["people"]) == (10, 9, 6)
        assert ccc["share_trained"] == Decimal("0.9")
        total = table_of(report, "departments").total_row
        assert total is not None
        assert total.get("memberships") == 13  # AAA 3 + CCC 10
        assert total.get("trained") == 11
        assert total.get("committees") == 6
        assert total.get("compliant") == 4
        assert total.get("share_trained") == Decimal(11) / 13
        # Previous quarter: AAA 0 of 1, BBB 1 of 1 -> 50%.
        assert total.get("share_trained_previous") == Decimal("0.5")
        assert total.get("change") == (Decimal(11) / 13 - Decimal("0.5")) * 100

    def test_a_quarter_without_committees_has_no_shares_and_no_flags(self, world: World) -> None:
        report = icop_report(Quarter(2023, 1))
        aaa = rows(report, "departments")["AAA"]
        assert aaa["memberships"] == 0
        assert aaa["share_trained"] is None
        assert aaa["flags"] == set()
        assert table_of(report, "departments").total_row.get("share_trained") is None  # type: ignore[union-attr]

    def test_the_target_is_a_setting(self, world: World, settings) -> None:
        settings.REPORT_TARGET_SHARE = 0.5
        assert "below_target" not in rows(icop_report(Q1), "departments")["AAA"]["flags"]


class TestRegiegroep:
    def test_only_the_tender_departments_of_the_quarter_are_listed(self, world: World) -> None:
        departments = rows(regiegroep_report(Q1), "participation-departments")
        assert list(departments) == ["AAA"]  # BBB left the tender at the end of 2024
        aaa = departments["AAA"]
        assert aaa["trained"] == 1
        assert aaa["trained_previous"] == 1  # a_old in 2024Q4
        assert aaa["trained_change"] == 0
        assert aaa["no_shows"] == 1
        total = table_of(regiegroep_report(Q1), "participation-departments").total_row
        assert total is not None
        assert total.get("department") == "Totaal, ministeries in de aanbesteding"

    def test_suppliers_follow_the_tender_of_the_quarter(self, world: World) -> None:
        suppliers = rows(regiegroep_report(Q1), "participation-suppliers", by="supplier")
        assert list(suppliers) == ["Tweede BV"]
        s2 = suppliers["Tweede BV"]
        # The cancelled session of capacity 12 does not count.
        assert (s2["sessions"], s2["capacity"], s2["attended"], s2["no_shows"]) == (2, 18, 2, 1)
        assert s2["filled"] == Decimal(2) / 18
        assert s2["attended_previous"] == 0

    def test_the_trend_keeps_the_supplier_of_the_previous_tender(self, world: World) -> None:
        chart = next(c for c in regiegroep_report(Q1).charts if c.key == "trend-capacity-suppliers")
        series = {s.name: dict(zip(chart.x_labels, s.values, strict=True)) for s in chart.series}
        assert series["Eerste BV"]["2024Q4"] == Decimal("0.2")
        assert series["Eerste BV"]["2025Q1"] is None
        assert series["Tweede BV"]["2025Q1"] == Decimal(2) / 18

    def test_evaluations_use_the_aggregate_and_a_1_to_10_scale(
        self, world: World, settings
    ) -> None:
        settings.REPORT_MIN_RESPONSES = 1
        report = regiegroep_report(Q1)
        s2 = rows(report, "evaluations-suppliers", by="name")["Tweede BV"]
        # (4 of 1-5 is 1 + 3 * 9/4 = 7.75, for 10 responses; + 8 + 6) / 12 responses
        assert s2["responses"] == 12
        assert s2["mean"] == Decimal("7.625")
        # 12 responses, 2 places filled: the aggregate speaks for more than attended.
        assert s2["response_rate"] == 6
        s1 = rows(report, "evaluations-suppliers", by="name")["Eerste BV"]
        assert (s1["responses"], s1["mean"], s1["responses_previous"]) == (0, None, 3)
        assert s1["mean_previous"] == Decimal("7")

    def test_content_lists_programme_and_version(self, world: World) -> None:
        content = table_of(regiegroep_report(Q1), "content")
        assert [
            (r.get("programme"), r.get("version"), r.get("sessions")) for r in content.rows
        ] == [("Workshop", "2.0", 2)]

    def test_interventions_are_listed_and_marked_on_the_trends(self, world: World) -> None:
        item = Intervention.objects.create(
            date=Q1.start.replace(month=2),
            kind=InterventionKind.DIRECTOR_TALK,
            description="Gesprek met de directeur O&P",
        )
        item.departments.set([world.aaa])
        report = regiegroep_report(Q1)
        assert [i.description for i in report.interventions] == ["Gesprek met de directeur O&P"]
        assert all(any(m.x_label == "2025Q1" for m in c.markers) for c in report.charts)


def test_small_numbers_are_hidden_with_secondary_suppression(world: World, settings) -> None:
    settings.REPORT_SUPPRESSION_THRESHOLD = 5
    aaa = rows(icop_report(Q1), "departments")["AAA"]
    assert aaa["trained"] is SUPPRESSED
    assert aaa["untrained"] is SUPPRESSED
    assert aaa["share_trained"] is SUPPRESSED
    assert aaa["change"] is SUPPRESSED


class TestEvaluationScale:
    """A 1..k scale is put on 1..10 in a straight line: 1 + (s - 1) * 9 / (k - 1)."""

    Q2 = Quarter(2025, 2)

    def scores(self, supplier_name: str, scale: int, *scores: tuple[str, int]) -> None:
        from tests.factories import EvaluationFactory, SessionFactory, SupplierFactory

        supplier = SupplierFactory(name=supplier_name)
        session = SessionFactory(supplier=supplier, date=self.Q2.start.replace(month=5))
        for score, responses in scores:
            EvaluationFactory(
                session=session,
                person=None,
                score=Decimal(score),
                scale=scale,
                response_count=responses,
            )

    def means(self) -> dict[str, object]:
        table = rows(regiegroep_report(self.Q2), "evaluations-suppliers", by="name")
        return {name: row["mean"] for name, row in table.items()}

    def test_a_1_to_5_score_of_1_is_1_and_3_is_5_5(self) -> None:
        assert ten_point(Decimal(1), 5) == 1
        assert ten_point(Decimal(3), 5) == Decimal("5.5")
        assert ten_point(Decimal(5), 5) == 10
        assert ten_point(Decimal(7), 10) == 7

    def test_a_supplier_scoring_1_and_3_of_5_gets_1_0_and_5_5(self, world: World) -> None:
        self.scores("Alleen enen", 5, ("1", 6))
        self.scores("Alleen drieën", 5, ("3", 6))
        means = self.means()
        assert means["Alleen enen"] == 1
        assert means["Alleen drieën"] == Decimal("5.5")

    def test_a_1_to_5_supplier_no_longer_outranks_a_better_1_to_10_one(self, world: World) -> None:
        # 3.6 of 5 was 7.2 (3.6 * 10 / 5) and beat 7.0 of 10; on a straight line it is
        # 1 + 2.6 * 9/4 = 6.85, below 7.0.
        self.scores("Vijfpunts BV", 5, ("3.6", 20))
        self.scores("Tienpunts BV", 10, ("7.0", 20))
        means = self.means()
        assert means["Vijfpunts BV"] == Decimal("6.85")
        assert means["Tienpunts BV"] == 7
        assert means["Vijfpunts BV"] < means["Tienpunts BV"]  # type: ignore[operator]

    def test_a_mean_of_fewer_than_the_minimum_responses_is_not_shown(
        self, world: World, settings
    ) -> None:
        assert settings.REPORT_MIN_RESPONSES == 5
        self.scores("Vier antwoorden", 10, ("8", 4))
        self.scores("Vijf antwoorden", 10, ("8", 5))
        report = regiegroep_report(self.Q2)
        table = rows(report, "evaluations-suppliers", by="name")
        assert (table["Vier antwoorden"]["responses"], table["Vier antwoorden"]["mean"]) == (
            4,
            None,
        )
        assert table["Vijf antwoorden"]["mean"] == 8
        chart = next(c for c in report.charts if c.key == "trend-evaluation-suppliers")
        series = {s.name: s.values[-1] for s in chart.series}
        assert series["Vier antwoorden"] is None
        assert series["Vijf antwoorden"] == 8
        settings.REPORT_MIN_RESPONSES = 4
        table = rows(regiegroep_report(self.Q2), "evaluations-suppliers", by="name")
        assert table["Vier antwoorden"]["mean"] == 8

    def test_every_mean_table_states_the_mapping_and_the_response_rate(self, world: World) -> None:
        from tests.factories import CompletionFactory, PersonFactory
        from trainings.models import TrainingSession

        self.scores("Met deelnemers", 5, ("3", 5))
        session = TrainingSession.objects.get(supplier__name="Met deelnemers")
        for _ in range(20):
            CompletionFactory(session=session, person=PersonFactory(department=world.aaa))
        report = regiegroep_report(self.Q2)
        row = rows(report, "evaluations-suppliers", by="name")["Met deelnemers"]
        assert row["response_rate"] == Decimal("0.25")  # 5 responses of 20 attendees
        note = table_of(report, "evaluations-suppliers").notes[-1]
        assert note == "Dit kwartaal: 5 reacties. 25,0% van de deelnemers reageerde."
        for key in ("evaluations-suppliers", "evaluations-programmes"):
            notes = " ".join(table_of(report, key).notes)
            assert "1 + (s - 1) × 9 / (k - 1)" in notes
            assert "5" in notes
            assert "response_rate" in {c.key for c in table_of(report, key).columns}


class TestNoShows:
    def test_no_shows_count_places_in_every_table_with_the_same_header(self, world: World) -> None:
        from tests.factories import CompletionFactory, SessionFactory
        from trainings.models import CompletionStatus

        # a_noshow already missed the late session of 2025Q1; a second miss counts too.
        again = SessionFactory(supplier=world.s2, date=Q1.start.replace(month=3, day=20))
        CompletionFactory(session=again, person=world.a_noshow, status=CompletionStatus.NO_SHOW)
        report = regiegroep_report(Q1)
        department = rows(report, "participation-departments")["AAA"]
        supplier = rows(report, "participation-suppliers", by="supplier")["Tweede BV"]
        assert department["no_shows"] == supplier["no_shows"] == 2
        headers = {
            table_of(report, key).column("no_shows").label
            for key in ("participation-departments", "participation-suppliers")
        }
        assert headers == {"Niet gekomen (plaatsen)"}
        chart = next(c for c in report.charts if c.key == "trend-people-trained")
        assert chart.series[1].name == "Niet gekomen (plaatsen)"
        assert chart.series[1].values[-1] == 2
