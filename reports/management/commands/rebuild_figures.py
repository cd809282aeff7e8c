"""Recompute every stored quarterly figure from the data (reports.stored, and the
supplier comparison's: reports.supplier_figures).

Run after a deploy that changes how a figure is counted, or as a repair when data were
changed past the services (SQL by hand). Idempotent: a second run changes nothing.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from reports.stored import figures_rebuild


class Command(BaseCommand):
    help = "Recompute the stored quarterly figures of every department and supplier from the data."

    def handle(self, *args: Any, **options: Any) -> None:
        rows = figures_rebuild()
        self.stdout.write(
            f"Stored figures rebuilt: {rows} rows "
            "(quarter x department, quarter x supplier x programme version)."
        )
