"""The figures part of a snapshot's page, rendered once and kept in the cache.

A snapshot never changes (a change in the data is a new version), yet its page used to
rebuild the report from the frozen data, format every cell and draw every chart on each
view: some 50-150 ms at the Rijk's scale, nearly all of it the same work each time.

What the frozen figures alone decide (the title, the tables, the charts and the
explanations, and the interventions frozen with them) is rendered once and cached under:

* the snapshot's content hash, the hash of exactly the figures rendered;
* the language (labels, number formats);
* the reader's scope: None for everyone's rows, else the codes of the reader's
  departments (O&P staff see their own rows only, unsuppressed);
* `reports.frozen.snapshots_generation()`, which changes whenever a transaction that may
  change snapshots (retention, the one path the database lets do so) commits: a
  changed snapshot never shows the figures it had;
* `VERSION`, raised when this rendering changes, so a deploy never serves the old HTML.

What may change without a new snapshot is not cached: the version links, who requested
it, and the interventions O&P staff see, which are read live for their departments.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.core.cache import cache
from django.template.loader import render_to_string
from django.utils.translation import get_language

from reports.frozen import snapshots_generation
from reports.models import ReportSnapshot
from reports.presentation.tables import Intervention, Report
from reports.services import report_for_departments, snapshot_report

# Raise when the page's figures part renders differently (template, formatting, charts).
VERSION = 1
CACHE_SECONDS = 24 * 60 * 60


@dataclass(frozen=True)
class SnapshotParts:
    """The rendered figures of one snapshot for one language and scope."""

    title: str
    quarter: str
    figures: str
    explanations: str
    interventions: tuple[Intervention, ...]


def cache_key(snapshot: ReportSnapshot, codes: set[str] | None) -> str:
    scope = "all" if codes is None else ",".join(sorted(codes))
    parts = (VERSION, snapshot.content_hash, get_language(), scope, snapshots_generation())
    return "snapshot-page:" + hashlib.sha256(repr(parts).encode()).hexdigest()


def snapshot_parts(
    snapshot: ReportSnapshot,
    codes: set[str] | None,
    context: Callable[[Report], dict[str, Any]],
) -> SnapshotParts:
    """The figures part of `snapshot`'s page for a reader who sees `codes` (None: all);
    `context` gives the template context of a report's tables and charts."""
    key = cache_key(snapshot, codes)
    parts = cache.get(key)
    if isinstance(parts, SnapshotParts):
        return parts
    report = snapshot_report(snapshot)
    if codes is not None:
        report = report_for_departments(report, codes)
    parts = SnapshotParts(
        title=report.title,
        quarter=report.quarter,
        figures=render_to_string("reports/_report_figures.html", context(report)),
        explanations=render_to_string("reports/_explanations.html", {"report": report}),
        interventions=report.interventions,
    )
    cache.set(key, parts, CACHE_SECONDS)
    return parts
