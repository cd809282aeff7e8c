"""The department dashboard's trend chart, drawn by the shared report chart code."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from decimal import Decimal

from django.core.cache import cache
from django.utils.translation import get_language

from reports.presentation.charts import alt_text, render_svg, svg_data_uri
from reports.presentation.tables import Chart, Series

CACHE_SECONDS = 24 * 60 * 60


def trend_chart(
    *,
    labels: Sequence[str],
    series: Sequence[tuple[str, Sequence[Decimal | None]]],
    title: str,
    y_label: str,
) -> dict[str, str]:
    """The chart as an image (`src`, a data: URI) with its text alternative (`alt`).

    `series` holds shares (0 to 1), the same exact values the reports chart.

    Drawing takes far longer than the queries behind it, and the same figures always
    give the same SVG, so the image is cached under a hash of its input and the
    language (the labels hold quarter codes; the drawing reads them as words).
    """
    chart = Chart(
        key="trend",
        title=title,
        x_labels=tuple(labels),
        series=tuple(Series(name=name, values=tuple(values)) for name, values in series),
        kind="line",
        y_label=y_label,
        y_max=1,
        percent=True,
    )
    return {"src": chart_src(chart), "alt": alt_text(chart)}


def chart_src(chart: Chart) -> str:
    """The chart as a data: URI for an <img>, drawn once per figures and language.

    Drawing a chart (matplotlib) takes far longer than reading its figures: 30-90 ms, the
    biggest cost of the pages that show one (the dashboard, a snapshot, the supplier
    comparison). The same figures always give the same SVG, so it is cached under a hash
    of everything the drawing reads: the chart's data and the language (labels may hold
    quarter codes, which the drawing reads as words).
    """
    key = "chart:" + hashlib.sha256(repr((chart.to_dict(), get_language())).encode()).hexdigest()
    src = cache.get(key)
    if src is None:
        src = svg_data_uri(render_svg(chart))
        cache.set(key, src, CACHE_SECONDS)
    return str(src)
