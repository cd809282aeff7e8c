"""The figures part of the supplier comparison's page, rendered once per content.

The page reads the stored figures of its period (one query), but then built the report,
hid small figures and rendered three tables on every view: two thirds of its time. All
of that is a function of what it read: the stored rows, the period, the language and
the three settings the comparison reads (REPORT_SUPPRESSION_THRESHOLD,
REPORT_MIN_RESPONSES, LATE_CANCELLATION_DAYS). So the rendering is cached under a hash
of exactly those, and `VERSION`, raised when the rendering changes. Any write that
changes a figure changes the rows read, hence the key: nothing stale can be served.
The downloads build the report from the same rows (`supplier_comparison`).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.core.cache import cache
from django.template.loader import render_to_string
from django.utils.translation import get_language

from reports.figures import min_responses, threshold
from reports.meetings import late_cancellation_days
from reports.presentation.tables import Report
from reports.quarters import Quarter
from reports.supplier_comparison import supplier_comparison
from reports.supplier_figures import stored_supplier_rows

# Raise when the page's figures part renders differently (template, formatting, charts).
VERSION = 1
CACHE_SECONDS = 24 * 60 * 60


@dataclass(frozen=True)
class ComparisonParts:
    quarter: str
    figures: str
    explanations: str


def comparison_parts(
    first: Quarter, last: Quarter, context: Callable[[Report], dict[str, Any]]
) -> ComparisonParts:
    """The rendered comparison from `first` to `last` (1 query: the stored rows);
    `context` gives the template context of a report's tables and charts."""
    rows = stored_supplier_rows(first, last)
    read = (
        VERSION,
        str(first),
        str(last),
        get_language(),
        threshold(),
        min_responses(),
        late_cancellation_days(),
        rows,
    )
    key = "supplier-comparison-page:" + hashlib.sha256(repr(read).encode()).hexdigest()
    parts = cache.get(key)
    if isinstance(parts, ComparisonParts):
        return parts
    report = supplier_comparison(first, last, rows=rows)
    parts = ComparisonParts(
        quarter=report.quarter,
        figures=render_to_string("reports/_report_figures.html", context(report)),
        explanations=render_to_string("reports/_explanations.html", {"report": report}),
    )
    cache.set(key, parts, CACHE_SECONDS)
    return parts
