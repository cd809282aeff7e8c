"""The supplier comparison page and its downloads (/reports/suppliers/): bureau only.

The world of conftest.py: Eerste BV held a session in 2024Q4, Tweede BV two in 2025Q1.
"""

from __future__ import annotations

import datetime
import io
import zipfile
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from reports.presentation.suppression import HIDDEN_SYMBOL
from reports.quarters import Quarter
from reports.supplier_figures import supplier_figures_rebuild
from tests.factories import (
    CompletionFactory,
    DepartmentFactory,
    EvaluationFactory,
    SessionFactory,
    SupplierFactory,
    UserFactory,
    op_staff,
)
from tests.reports.conftest import World

PAGE = reverse("reports:suppliers")
PERIOD = {"first": "2024Q4", "last": "2025Q1"}


def download(fmt: str) -> str:
    return reverse("reports:suppliers_download", args=[fmt])


class TestThePage:
    def test_the_bureau_sees_both_tables_the_chart_and_the_downloads(
        self, client: Any, bureau: Any, world: World
    ) -> None:
        client.force_login(bureau)
        page = client.get(PAGE, PERIOD).content.decode()
        assert "Eerste BV" in page
        assert "Tweede BV" in page
        assert "Leveranciers vergeleken" in page
        assert "Programmaversies vergeleken" in page
        assert '<img src="data:image/svg+xml;base64,' in page
        for fmt in ("xlsx", "csv", "pdf"):
            assert f"{download(fmt)}?first=2024Q4&amp;last=2025Q1" in page

    def test_it_works_without_javascript_and_its_tables_scroll_in_a_region(
        self, client: Any, bureau: Any, world: World
    ) -> None:
        client.force_login(bureau)
        page = client.get(PAGE, PERIOD).content.decode()
        assert f'<form method="get" action="{PAGE}"' in page
        # Two tables and the chart's figures, each in its own scrollable region (320 px).
        assert page.count('<div class="table-scroll" role="region" tabindex="0"') == 3

    def test_quarters_are_read_as_people_write_them(
        self, client: Any, bureau: Any, world: World
    ) -> None:
        client.force_login(bureau)
        response = client.get(PAGE, {"first": "Q4 2024", "last": "1e kwartaal 2025"})
        assert response.status_code == 200
        assert "4e kwartaal 2024 tot en met 1e kwartaal 2025" in response.content.decode()

    def test_without_a_period_it_shows_the_last_four_ended_quarters(
        self, client: Any, bureau: Any, world: World
    ) -> None:
        client.force_login(bureau)
        last = Quarter.last_ended(timezone.localdate())
        page = client.get(PAGE).content.decode()
        first = last.last_n(4)[0]
        assert f"{first.number}e kwartaal {first.year} tot en met {last.number}e kwartaal" in page
        # The fields show the quarters in words too, and read them back.
        assert f'value="{first.number}e kwartaal {first.year}"' in page

    @pytest.mark.parametrize(
        ("period", "error"),
        [
            ({"first": "2025Q1", "last": "2024Q4"}, "Het eerste kwartaal komt na het laatste."),
            ({"first": "2025Q1", "last": "kwartaal"}, "is geen kwartaal"),
        ],
    )
    def test_a_wrong_period_is_a_form_error(
        self, client: Any, bureau: Any, world: World, period: dict[str, str], error: str
    ) -> None:
        client.force_login(bureau)
        response = client.get(PAGE, period)
        assert response.status_code == 400
        assert error in response.content.decode()
        assert client.get(download("csv"), period).status_code == 400

    def test_the_number_of_queries_does_not_grow_with_the_data(
        self, client: Any, bureau: Any, world: World
    ) -> None:
        client.force_login(bureau)

        def queries() -> int:
            with CaptureQueriesContext(connection) as captured:
                assert client.get(PAGE, PERIOD).status_code == 200
            return len(captured.captured_queries)

        queries()  # the session's first save (its clocks) is no page's cost
        before = queries()
        for number in range(4):
            session = SessionFactory(
                supplier=SupplierFactory(code=f"N{number}"), date=datetime.date(2025, 2, 3)
            )
            CompletionFactory(session=session)
            EvaluationFactory(session=session, person=None, response_count=6)
        supplier_figures_rebuild()  # the factories write past the services
        assert queries() == before


class TestDownloads:
    @pytest.mark.parametrize(
        ("fmt", "content_type", "name"),
        [
            ("csv", "application/zip", "suppliers_2024Q4-2025Q1.zip"),
            (
                "xlsx",
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                "suppliers_2024Q4-2025Q1.xlsx",
            ),
            ("pdf", "application/pdf", "suppliers_2024Q4-2025Q1.pdf"),
        ],
    )
    def test_the_bureau_downloads_the_comparison_in_three_formats(
        self, client: Any, bureau: Any, world: World, fmt: str, content_type: str, name: str
    ) -> None:
        client.force_login(bureau)
        response = client.get(download(fmt), PERIOD)
        assert response.status_code == 200
        assert response["Content-Type"] == content_type
        assert response["Content-Disposition"] == f'attachment; filename="{name}"'

    def test_the_csv_holds_the_same_figures_as_the_page(
        self, client: Any, bureau: Any, world: World, settings: Any
    ) -> None:
        settings.REPORT_SUPPRESSION_THRESHOLD = 1
        client.force_login(bureau)
        archive = zipfile.ZipFile(io.BytesIO(client.get(download("csv"), PERIOD).content))
        table = archive.read("suppliers_2024Q4-2025Q1_suppliers.csv").decode("utf-8-sig")
        # Tweede BV: 2 sessions (the cancelled one not), capacity 8 + 10, 2 places filled,
        # 1 no-show; 12 responses: an aggregate of 4 of 5 (7.75) over 10, which stands for
        # its session, and 8 and 6: (77.5 + 14) / 12 = 7.625.
        assert "Tweede BV;2;18;2;1;33,3;0,0;12;600,0;7,6;" in table

    def test_the_pdf_is_a4_landscape(self, client: Any, bureau: Any, world: World) -> None:
        client.force_login(bureau)
        reader = PdfReader(io.BytesIO(client.get(download("pdf"), PERIOD).content))
        box = reader.pages[0].mediabox
        assert (round(float(box.width) * 25.4 / 72), round(float(box.height) * 25.4 / 72)) == (
            297,
            210,
        )

    def test_an_unknown_format_is_not_found(self, client: Any, bureau: Any, world: World) -> None:
        client.force_login(bureau)
        assert client.get(download("docx"), PERIOD).status_code == 404


class TestWhoMaySee:
    @pytest.mark.parametrize("url", [PAGE, download("csv"), download("pdf")])
    def test_op_staff_of_a_department_with_trainings_are_refused(
        self, client: Any, world: World, url: str
    ) -> None:
        client.force_login(op_staff(world.aaa, username="op.aaa"))
        assert client.get(url, PERIOD).status_code == 403

    @pytest.mark.parametrize("url", [PAGE, download("xlsx")])
    def test_an_outsider_from_another_ministry_is_refused(
        self, client: Any, world: World, url: str
    ) -> None:
        outsider = op_staff(DepartmentFactory(code="ZZZ"), username="op.zzz")
        client.force_login(outsider)
        response = client.get(url, PERIOD)
        assert response.status_code == 403
        assert "Tweede BV" not in response.content.decode()

    def test_a_user_without_a_role_is_refused(self, client: Any, world: World) -> None:
        client.force_login(UserFactory())
        assert client.get(PAGE, PERIOD).status_code == 403

    def test_anonymous_visitors_are_sent_to_log_in(self, client: Any, world: World) -> None:
        assert client.get(PAGE, PERIOD).status_code == 302

    def test_the_reports_page_links_to_it_for_the_bureau_only(
        self, client: Any, bureau: Any, world: World
    ) -> None:
        client.force_login(bureau)
        assert PAGE in client.get(reverse("reports:index")).content.decode()
        client.force_login(op_staff(world.aaa, username="op.aaa"))
        assert PAGE not in client.get(reverse("reports:index")).content.decode()


def test_a_view_reads_the_stored_figures_and_writes_nothing(
    client: Any, bureau: Any, world: World
) -> None:
    client.force_login(bureau)
    client.get(PAGE, PERIOD)  # the session's first save (its clocks) is no page's cost
    with CaptureQueriesContext(connection) as captured:
        assert client.get(PAGE, PERIOD).status_code == 200
    statements = [q["sql"] for q in captured.captured_queries]
    assert all(sql.startswith("SELECT") for sql in statements)
    # Session, user, roles; the first quarter with data (once for both quarters); the
    # stored figures.
    assert len(statements) == 5
    assert sum("reports_storedsupplierfigures" in sql for sql in statements) == 1
    assert not any("trainings_evaluation" in sql for sql in statements)


def test_a_rendering_is_never_served_after_the_figures_or_settings_changed(
    client: Any, bureau: Any, world: World, settings: Any
) -> None:
    settings.REPORT_SUPPRESSION_THRESHOLD = 1
    client.force_login(bureau)
    assert "Nieuw BV" not in client.get(PAGE, PERIOD).content.decode()
    session = SessionFactory(
        supplier=SupplierFactory(code="NEW", name="Nieuw BV"), date=datetime.date(2025, 2, 3)
    )
    CompletionFactory(session=session)
    supplier_figures_rebuild()  # as a service's write would, in its transaction
    assert "Nieuw BV" in client.get(PAGE, PERIOD).content.decode()

    shown = client.get(PAGE, PERIOD).content.decode()
    settings.REPORT_SUPPRESSION_THRESHOLD = 50
    hidden = client.get(PAGE, PERIOD).content.decode()
    cell = f'<td class="num">{HIDDEN_SYMBOL}</td>'
    assert hidden.count(cell) > shown.count(cell)
