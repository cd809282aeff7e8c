"""Every PDF download is tagged (PDF/UA-1), also the ones rendered at download: the
justification annex, the supplier comparison and a ministry's own rows of a report.
Those are not archived, so they do not claim PDF/A; the snapshot's own file does
(test_pdf_archive.py)."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from reports.models import ReportSnapshot, Trigger
from reports.services import report_compile
from tests.factories import op_staff
from tests.pdf_tags import elements, is_true, open_pdf, painted_content
from tests.reports.conftest import World

pytestmark = pytest.mark.django_db


@pytest.fixture
def snapshot(world: World) -> ReportSnapshot:
    return report_compile(kind="icop", quarter="2025Q1", requested_by=None, trigger=Trigger.PAGE)[0]


def _download(client: Any, url: str, query: dict[str, str] | None = None) -> bytes:
    response = client.get(url, query or {})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    content: bytes = response.content
    return content


def _assert_tagged_not_archival(pdf: bytes) -> None:
    document = open_pdf(pdf)
    metadata = document.open_metadata()
    assert metadata.get("pdfuaid:part") == "1"
    assert metadata.get("pdfaid:part") is None
    assert is_true(document.Root.MarkInfo.Marked)
    assert str(document.Root.Lang) == "nl-NL"
    assert str(document.docinfo.Title).strip()
    tagged = [e.type for e in elements(document)]
    assert tagged.count("/H1") == 1
    assert "/TH" in tagged
    assert set(painted_content(document)) == {"tagged", "artifact"}


def test_the_justification_annex_is_tagged(
    client: Any, bureau: Any, snapshot: ReportSnapshot
) -> None:
    client.force_login(bureau)

    pdf = _download(client, reverse("reports:annex", args=[snapshot.pk, "pdf"]))

    _assert_tagged_not_archival(pdf)


def test_the_supplier_comparison_is_tagged_with_its_charts_described(
    client: Any, bureau: Any, world: World
) -> None:
    client.force_login(bureau)

    pdf = _download(
        client,
        reverse("reports:suppliers_download", args=["pdf"]),
        {"first": "2024Q4", "last": "2025Q1"},
    )

    _assert_tagged_not_archival(pdf)
    document = open_pdf(pdf)
    alts = [str(e.node.Alt) for e in elements(document) if e.type == "/Figure"]
    assert alts
    assert all(alt.endswith("De cijfers staan in de tabel onder de grafiek.") for alt in alts)


def test_a_ministrys_own_rows_are_tagged(
    client: Any, world: World, snapshot: ReportSnapshot
) -> None:
    client.force_login(op_staff(world.aaa, username="op.aaa"))

    pdf = _download(client, reverse("reports:download", args=[snapshot.pk, "pdf"]))

    _assert_tagged_not_archival(pdf)
