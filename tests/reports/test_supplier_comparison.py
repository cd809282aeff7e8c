"""The supplier comparison's figures (reports.supplier_comparison), computed by hand.

Alfa (1-10 scale) runs two versions of its workshop, Beta (1-5 scale) one. The period is
2025Q1-2025Q2; a session outside it, a cancelled one and one entered by hand are in the
data and count nowhere.
"""

from __future__ import annotations

import datetime
import io
import zipfile
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import openpyxl
import pytest
from django.utils import translation
from pypdf import PdfReader

from reports.presentation.tables import SUPPRESSED, Report
from reports.quarters import Quarter
from reports.services import REPORT_LANGUAGE, report_file_render
from reports.supplier_comparison import supplier_comparison
from reports.supplier_figures import Scores, supplier_figures_rebuild, t_975
from tests.factories import (
    CompletionFactory,
    EvaluationFactory,
    ProgrammeFactory,
    SessionFactory,
    SupplierFactory,
)
from tests.reports.conftest import table_of
from trainings.models import CompletionSource, CompletionStatus, Supplier

pytestmark = pytest.mark.django_db
D = datetime.date
Q1, Q2 = Quarter(2025, 1), Quarter(2025, 2)


@dataclass
class Market:
    alfa: Supplier
    beta: Supplier


def places(session: Any, attended: int, no_shows: int = 0) -> None:
    for _ in range(attended):
        CompletionFactory(session=session)
    for _ in range(no_shows):
        CompletionFactory(session=session, status=CompletionStatus.NO_SHOW)


@pytest.fixture
def market(db: None) -> Market:
    alfa = SupplierFactory(code="ALFA", name="Alfa BV")
    beta = SupplierFactory(code="BETA", name="Beta BV")
    a1 = ProgrammeFactory(supplier=alfa, name="Selecteren", version="1.0")
    a2 = ProgrammeFactory(supplier=alfa, name="Selecteren", version="2.0")
    b1 = ProgrammeFactory(supplier=beta, name="Werving", version="3")
    # Alfa 1.0, 2025Q1: capacity 10, 6 attended, 2 no-shows; scores 6, 7, 8, 9, 10.
    s = SessionFactory(supplier=alfa, programme=a1, date=D(2025, 2, 1), capacity=10)
    places(s, 1, 2)
    for score in (6, 7, 8, 9, 10):
        EvaluationFactory(session=s, person=CompletionFactory(session=s).person, score=score)
    # Alfa 2.0, 2025Q2: capacity 12, 4 attended; no evaluations.
    s = SessionFactory(supplier=alfa, programme=a2, date=D(2025, 5, 1), capacity=12)
    places(s, 4)
    # Beta 3, 2025Q2: capacity 20, 10 attended, 10 no-shows; an aggregate of 4 of 5
    # over 8 responses.
    s = SessionFactory(supplier=beta, programme=b1, date=D(2025, 6, 1), capacity=20)
    places(s, 10, 10)
    EvaluationFactory(session=s, person=None, score=4, scale=5, response_count=8)
    # Counted nowhere: outside the period, cancelled, entered by hand, awaiting confirmation.
    places(SessionFactory(supplier=alfa, programme=a1, date=D(2024, 12, 1)), 3)
    places(SessionFactory(supplier=alfa, programme=a1, date=D(2025, 3, 1), cancelled=True), 3)
    places(SessionFactory(supplier=beta, programme=b1, date=D(2025, 3, 1), entered_by_hand=True), 2)
    CompletionFactory(
        session=SessionFactory(supplier=beta, programme=b1, date=D(2025, 4, 2), capacity=5),
        source=CompletionSource.HAND,
        entered_at=datetime.datetime(2025, 4, 3, tzinfo=datetime.UTC),
        evidence_note="Presentielijst",
        confirmed_at=None,
    )
    supplier_figures_rebuild()  # the factories write past the services
    return Market(alfa, beta)


def rows(report: Report, key: str, by: str = "supplier") -> dict[Any, dict[str, Any]]:
    return {r.get(by): dict(r.cells) for r in table_of(report, key).rows}


@pytest.fixture
def everything_shown(settings: Any) -> None:
    settings.REPORT_SUPPRESSION_THRESHOLD = 1
    settings.REPORT_MIN_RESPONSES = 5


class TestPerSupplier:
    def test_sessions_places_and_no_shows_count_the_sessions_held_in_the_period(
        self, market: Market, everything_shown: None
    ) -> None:
        found = rows(supplier_comparison(Q1, Q2), "suppliers")
        alfa, beta = found["Alfa BV"], found["Beta BV"]
        assert (alfa["sessions"], alfa["capacity"], alfa["attended"], alfa["no_shows"]) == (
            2,
            22,
            10,
            2,
        )
        assert (beta["sessions"], beta["capacity"], beta["attended"], beta["no_shows"]) == (
            2,
            25,
            10,
            10,
        )

    def test_the_no_show_rate_counts_places_against_the_places_with_a_known_outcome(
        self, market: Market, everything_shown: None
    ) -> None:
        found = rows(supplier_comparison(Q1, Q2), "suppliers")
        assert found["Alfa BV"]["no_show_rate"] == Decimal(2) / Decimal(12)
        assert found["Beta BV"]["no_show_rate"] == Decimal("0.5")

    def test_the_late_cancellation_rate_counts_places_cancelled_within_the_days_before(
        self, market: Market, everything_shown: None, settings
    ) -> None:
        settings.LATE_CANCELLATION_DAYS = 3
        session = SessionFactory(supplier=market.alfa, date=D(2025, 2, 10), capacity=5)
        for cancelled_on in (D(2025, 2, 9), D(2025, 2, 7), D(2025, 2, 6), D(2025, 1, 21)):
            CompletionFactory(
                session=session,
                status=CompletionStatus.CANCELLED,
                status_changed_at=datetime.datetime.combine(
                    cancelled_on, datetime.time(12), tzinfo=datetime.UTC
                ),
            )
        supplier_figures_rebuild()
        found = rows(supplier_comparison(Q1, Q2), "suppliers")["Alfa BV"]
        # 1 and 3 days before are late, 4 and 20 are not: 2 of the places booked (10
        # filled, 2 no-shows, 2 cancelled late).
        assert found["late_rate"] == Decimal(2) / Decimal(14)

    def test_a_1_to_5_score_is_put_on_1_to_10_in_a_straight_line(
        self, market: Market, everything_shown: None
    ) -> None:
        beta = rows(supplier_comparison(Q1, Q2), "suppliers")["Beta BV"]
        assert beta["mean"] == Decimal("7.75")  # 4 of 5, not 8.0
        assert (beta["responses"], beta["response_rate"]) == (8, Decimal("0.8"))

    def test_the_95_percent_interval_is_the_t_interval_of_the_individual_scores(
        self, market: Market, everything_shown: None
    ) -> None:
        alfa = rows(supplier_comparison(Q1, Q2), "suppliers")["Alfa BV"]
        # 6..10: mean 8, s = sqrt(2.5), t(4) = 2.7764: 8 -+ 1.9632.
        assert alfa["mean"] == 8
        assert float(alfa["low"]) == pytest.approx(6.0368, abs=1e-4)
        assert float(alfa["high"]) == pytest.approx(9.9632, abs=1e-4)

    def test_an_aggregate_alone_gives_a_mean_but_no_interval(
        self, market: Market, everything_shown: None
    ) -> None:
        beta = rows(supplier_comparison(Q1, Q2), "suppliers")["Beta BV"]
        assert beta["low"] is None
        assert beta["high"] is None

    def test_a_mean_of_fewer_than_the_minimum_responses_is_not_shown(
        self, market: Market, everything_shown: None, settings: Any
    ) -> None:
        settings.REPORT_MIN_RESPONSES = 6
        alfa = rows(supplier_comparison(Q1, Q2), "suppliers")["Alfa BV"]
        assert (alfa["responses"], alfa["mean"], alfa["low"]) == (5, None, None)

    def test_the_total_row_adds_up_the_suppliers(
        self, market: Market, everything_shown: None
    ) -> None:
        total = table_of(supplier_comparison(Q1, Q2), "suppliers").total_row
        assert total is not None
        assert (total.get("sessions"), total.get("attended"), total.get("responses")) == (
            4,
            20,
            13,
        )
        assert total.get("mean") == (Decimal(40) + 8 * Decimal("7.75")) / 13


class TestPerVersion:
    def test_every_programme_version_has_its_own_row(
        self, market: Market, everything_shown: None
    ) -> None:
        found = {
            (r.get("supplier"), r.get("programme"), r.get("version")): r
            for r in table_of(supplier_comparison(Q1, Q2), "versions").rows
        }
        assert set(found) == {
            ("Alfa BV", "Selecteren", "1.0"),
            ("Alfa BV", "Selecteren", "2.0"),
            ("Beta BV", "Werving", "3"),
        }
        assert found[("Alfa BV", "Selecteren", "2.0")].get("attended") == 4
        assert found[("Alfa BV", "Selecteren", "2.0")].get("mean") is None


class TestInterval:
    def test_an_aggregate_borrows_the_spread_within_the_rows_sessions_with_own_scores(
        self, settings: Any
    ) -> None:
        settings.REPORT_MIN_RESPONSES = 1
        scores = Scores()
        scores.add_session(2, Decimal(14), Decimal(6 * 6 + 8 * 8))  # 6 and 8
        scores.add_session(3, Decimal(24), None)  # an aggregate: mean 8 of 3 responses
        # mean 38/5 = 7.6; SS = (6-7.6)^2 + (8-7.6)^2 + 3 (8-7.6)^2, plus 2 x 2: the
        # aggregate's 3 responses vary as much as 6 and 8 do (variance 2, 2 df).
        mean = Decimal(38) / 5
        squares = (6 - mean) ** 2 + (8 - mean) ** 2 + 3 * (8 - mean) ** 2 + 2 * 2
        half = Decimal("2.7764") * (squares / 4 / 5).sqrt()
        assert scores.interval() == (mean - half, mean + half)

    def test_the_interval_stays_within_the_scale(self, settings: Any) -> None:
        settings.REPORT_MIN_RESPONSES = 1
        scores = Scores()
        scores.add_session(2, Decimal(11), Decimal(1 + 100))  # 1 and 10
        assert scores.interval() == (Decimal(1), Decimal(10))

    @pytest.mark.parametrize(
        ("df", "expected"), [(1, 12.7062), (4, 2.7764), (30, 2.0423), (60, 2.0003), (120, 1.9799)]
    )
    def test_the_t_quantile_matches_the_tables(self, df: int, expected: float) -> None:
        assert float(t_975(df)) == pytest.approx(expected, abs=1e-4)


class TestSuppression:
    def test_places_of_fewer_than_five_people_are_hidden_with_their_rates(
        self, market: Market, settings: Any
    ) -> None:
        settings.REPORT_SUPPRESSION_THRESHOLD = 5
        versions = {
            r.get("version"): r for r in table_of(supplier_comparison(Q1, Q2), "versions").rows
        }
        assert versions["2.0"].get("attended") is SUPPRESSED
        assert versions["2.0"].get("response_rate") in (SUPPRESSED, None)
        assert versions["1.0"].get("no_shows") is SUPPRESSED
        assert versions["1.0"].get("no_show_rate") is SUPPRESSED

    def test_the_chart_hides_what_the_table_hides(self, market: Market, settings: Any) -> None:
        settings.REPORT_SUPPRESSION_THRESHOLD = 20
        report = supplier_comparison(Q1, Q2)
        table = table_of(report, "suppliers")
        chart = report.charts[0]
        means = dict(zip(chart.x_labels, chart.series[1].values, strict=True))
        assert {r.get("supplier"): r.get("mean") for r in table.rows} == means
        assert SUPPRESSED in means.values()


def test_the_number_of_queries_does_not_grow_with_suppliers_or_sessions(
    market: Market, django_assert_num_queries: Any
) -> None:
    with django_assert_num_queries(1):  # the stored figures of the period
        supplier_comparison(Q1, Q2)
    for number in range(5):
        supplier = SupplierFactory(code=f"X{number}")
        for day in (1, 2):
            session = SessionFactory(supplier=supplier, date=D(2025, 4, day))
            places(session, 2, 1)
            EvaluationFactory(session=session, person=None, response_count=4)
    supplier_figures_rebuild()
    with django_assert_num_queries(1):
        supplier_comparison(Q1, Q2)


def test_a_period_that_ends_before_it_starts_is_refused(db: None) -> None:
    with pytest.raises(ValueError, match="after"):
        supplier_comparison(Q2, Q1)


class TestExports:
    def render(self, fmt: str) -> bytes:
        with translation.override(REPORT_LANGUAGE):
            return report_file_render(report=supplier_comparison(Q1, Q2), fmt=fmt)

    def test_the_csv_zip_holds_both_tables_and_the_chart(self, market: Market) -> None:
        names = zipfile.ZipFile(io.BytesIO(self.render("csv"))).namelist()
        assert names == [
            "suppliers_2025Q1-2025Q2_suppliers.csv",
            "suppliers_2025Q1-2025Q2_versions.csv",
            "suppliers_2025Q1-2025Q2_chart-suppliers.csv",
        ]

    def test_the_xlsx_holds_the_tables(self, market: Market) -> None:
        book = openpyxl.load_workbook(io.BytesIO(self.render("xlsx")))
        text = " ".join(
            " ".join(str(cell) for cell in row) for sheet in book.worksheets for row in sheet.values
        )
        assert "Alfa BV" in text
        assert "Niet gekomen (plaatsen)" in text
        assert "Periode 1e kwartaal 2025 tot en met 2e kwartaal 2025" in text
        assert "2025Q1" not in text

    def test_the_pdf_names_the_period(self, market: Market) -> None:
        first_page = PdfReader(io.BytesIO(self.render("pdf"))).pages[0].extract_text()
        assert "Periode 1e kwartaal 2025 tot en met 2e kwartaal 2025" in " ".join(
            first_page.split()
        )

    def test_the_pdf_is_a4_landscape_with_every_column(self, market: Market) -> None:
        reader = PdfReader(io.BytesIO(self.render("pdf")))
        box = reader.pages[0].mediabox
        assert float(box.width) > float(box.height)
        assert round(float(box.width) * 25.4 / 72) == 297
        text = " ".join(" ".join(page.extract_text().split()) for page in reader.pages)
        for label in ("Niet gekomen (plaatsen)", "Alfa BV", "Werving"):
            assert label in text


class TestSameFiguresAsTheQuarterlyReport:
    def test_one_quarter_gives_the_regiegroeps_supplier_figures(
        self, world: Any, everything_shown: None
    ) -> None:
        from reports.figures import regiegroep_report

        quarter = Quarter(2025, 1)
        regiegroep = regiegroep_report(quarter)
        comparison = rows(supplier_comparison(quarter, quarter), "suppliers")
        participation = rows(regiegroep, "participation-suppliers")
        evaluations = rows(regiegroep, "evaluations-suppliers", by="name")
        for name, found in comparison.items():
            expected = participation[name]
            assert [found[k] for k in ("sessions", "capacity", "attended", "no_shows")] == [
                expected[k] for k in ("sessions", "capacity", "attended", "no_shows")
            ]
            assert (found["responses"], found["mean"]) == (
                evaluations[name]["responses"],
                evaluations[name]["mean"],
            )
