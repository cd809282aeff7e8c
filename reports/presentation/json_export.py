"""The report's figures as JSON, for the API (`GET /api/v1/reports/{quarter}/{kind}`).

It publishes what the CSV files publish and nothing more: the same tables (the report's,
then each chart's figures, `charts.report_tables`), the same total rows, each number
rounded as the CSV rounds it (`formatting.rounded`; percentages in percent), and a hidden
figure as `null` with its column named in the row's `hidden`. What suppression hid is
kept in the snapshot beside each hidden cell (`Row.withheld`) for a ministry's own
readers; this module never reads it, and adds no total or figure of its own, so a hidden
cell cannot be worked out from the JSON any more than from the CSV.
"""

from __future__ import annotations

from datetime import UTC, date
from decimal import Decimal
from typing import Any

from .charts import report_tables, report_threshold
from .formatting import require_suppressed, rounded, suppression_footnote
from .tables import CellValue, Column, Report, Row, Suppressed, Table


def _value(value: CellValue, column: Column) -> str | int | float | None:
    if value is None or isinstance(value, Suppressed):
        return None
    if isinstance(value, str):
        return value
    if isinstance(value, date):
        return value.isoformat()
    if column.kind == "int":
        return int(value)
    shown: Decimal = rounded(value, column.decimals, percent=column.kind == "percent")
    # The rounded decimal, as a JSON number: 53.8, not 53.84615384615385.
    return float(shown)


def _row(row: Row, columns: tuple[Column, ...]) -> dict[str, Any]:
    return {
        "cells": {column.key: _value(row.get(column.key), column) for column in columns},
        "hidden": [c.key for c in columns if isinstance(row.get(c.key), Suppressed)],
        "flags": sorted(row.flags),
    }


def _column(column: Column) -> dict[str, Any]:
    return {
        "key": column.key,
        "label": column.label,
        "kind": column.kind,
        "help": column.help,
        # Percentages are given in percent (25.0 is 25%), rounded as the CSV shows them.
        "decimals": column.decimals if column.kind in ("percent", "decimal") else 0,
    }


def _table(table: Table) -> dict[str, Any]:
    return {
        "key": table.key,
        "title": table.title,
        "columns": [_column(column) for column in table.columns],
        "rows": [_row(row, table.columns) for row in table.rows],
        "total": _row(table.total_row, table.columns) if table.total_row is not None else None,
        "notes": list(table.notes),
    }


def export_json(report: Report) -> dict[str, Any]:
    """The published figures of `report` as plain JSON types."""
    require_suppressed(report.tables)
    threshold = report_threshold(report)
    return {
        "kind": report.kind,
        "quarter": report.quarter,
        "title": report.title,
        # In UTC, as the API's design rules ask of a response (/core/date-time/timezone).
        "generated_at": report.generated_at.astimezone(UTC).isoformat().replace("+00:00", "Z"),
        "suppression_threshold": threshold,
        "hidden_note": suppression_footnote(threshold),
        "tables": [_table(table) for table in report_tables(report)],
        "explanations": [
            {"figure": e.figure, "explanation": e.explanation} for e in report.explanations
        ],
        "interventions": [
            {"on": i.on.isoformat(), "title": i.title, "description": i.description}
            for i in report.interventions
        ],
    }
