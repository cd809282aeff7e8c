"""Helpers for the attendance import tests: build a CSV and store it as a batch."""

from __future__ import annotations

import io
from collections.abc import Iterator, Sequence

import pytest
from django.utils import translation

from imports.models import ImportBatch
from imports.services import import_batch_create
from tests.factories import ProgrammeFactory, SupplierFactory
from trainings.models import Supplier

HEADERS = [
    "Personeelsnummer",
    "Voornaam",
    "Achternaam",
    "E-mailadres",
    "Ministerie",
    "Datum",
    "Locatie",
    "Aanwezig",
]


def csv_file(rows: Sequence[Sequence[object]], headers: Sequence[str] = HEADERS) -> bytes:
    lines = [";".join(headers)] + [";".join("" if v is None else str(v) for v in r) for r in rows]
    return ("\n".join(lines) + "\n").encode("utf-8")


def make_batch(
    supplier: Supplier, content: bytes, name: str = "aanwezigheid.csv", user=None
) -> ImportBatch:
    return import_batch_create(
        file=io.BytesIO(content), file_name=name, supplier=supplier, user=user
    )


@pytest.fixture(autouse=True)
def _english() -> Iterator[None]:
    with translation.override("en"):
        yield


@pytest.fixture
def supplier(db: None) -> Supplier:
    supplier = SupplierFactory(code="ACME")
    ProgrammeFactory(supplier=supplier, name="Objectief selecteren", version="1")
    return supplier
