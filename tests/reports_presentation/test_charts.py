"""SVG charts: reproducible, accessible, and available as a table."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

import pytest
from defusedxml import ElementTree
from django.utils import translation

from reports.presentation.charts import COLOURS, chart_table, describe, render_svg, report_tables
from reports.presentation.suppression import suppress
from reports.presentation.tables import SUPPRESSED, Chart, Column, Report, Row, Series, Table

from .conftest import trend_chart

SVG = "{http://www.w3.org/2000/svg}"


def relative_luminance(colour: str) -> float:
    def channel(hex_pair: str) -> float:
        value = int(hex_pair, 16) / 255
        return value / 12.92 if value <= 0.03928 else ((value + 0.055) / 1.055) ** 2.4

    red, green, blue = (channel(colour[i : i + 2]) for i in (1, 3, 5))
    return 0.2126 * red + 0.7152 * green + 0.0722 * blue


def test_the_same_chart_gives_byte_identical_svg() -> None:
    assert render_svg(trend_chart()) == render_svg(trend_chart())


def test_the_svg_is_an_image_with_a_title_and_a_description() -> None:
    root = ElementTree.fromstring(render_svg(trend_chart()).encode())

    assert root.get("role") == "img"
    title, desc = root[0], root[1]
    assert title.tag == f"{SVG}title"
    assert title.text == "Share trained per quarter"
    assert desc.tag == f"{SVG}desc"
    assert root.get("aria-labelledby") == f"{title.get('id')} {desc.get('id')}"


def test_the_description_summarises_every_series_and_intervention() -> None:
    text = describe(trend_chart())

    assert "Rijksbreed" in text
    assert "Defensie" in text
    assert "Reminder letter" in text
    # Quarters in words, not in their codes.
    assert "from Q1 2025 to Q4 2025" in text
    assert "Intervention in Q2 2025: Reminder letter." in text
    assert "2025Q" not in text


def test_the_chart_names_its_quarters_in_words_in_dutch() -> None:
    with translation.override("nl"):
        svg = render_svg(trend_chart())

    assert "van 1e kwartaal 2025 tot en met 4e kwartaal 2025" in svg  # the <desc>
    assert ">2e kwartaal 2025<" in svg  # a tick label, kept as text
    assert "2025Q" not in svg


def test_text_in_the_chart_stays_text() -> None:
    svg = render_svg(trend_chart())

    assert "Reminder letter" in svg  # svg.fonttype "none": no glyph outlines
    assert "<text" in svg


def test_two_charts_on_one_page_get_different_ids() -> None:
    first = ElementTree.fromstring(render_svg(trend_chart()).encode())
    second = ElementTree.fromstring(render_svg(replace(trend_chart(), key="other")).encode())

    assert first.get("id") != second.get("id")


def test_titles_with_markup_characters_are_escaped() -> None:
    chart = replace(trend_chart(), title='<script>alert("x")</script> & co')

    root = ElementTree.fromstring(render_svg(chart).encode())

    assert root[0].text == '<script>alert("x")</script> & co'


@pytest.mark.parametrize("colour", COLOURS)
def test_every_series_colour_has_three_to_one_contrast_on_white(colour: str) -> None:
    assert 1.05 / (relative_luminance(colour) + 0.05) >= 3


def test_a_bar_chart_renders() -> None:
    chart = Chart(
        "bars", "People", ("A", "B"), (Series("x", (3, 4)), Series("y", (5, 6))), "bar", "n"
    )

    assert "<svg" in render_svg(chart)


def test_the_chart_table_holds_the_same_figures() -> None:
    chart = trend_chart()

    table = chart_table(chart)

    assert [column.label for column in table.columns] == [
        "Quarter",
        "Rijksbreed",
        "Defensie",
        "Interventions",
    ]
    assert [row.get("series-0") for row in table.rows] == list(chart.series[0].values)
    assert table.rows[1].get("interventions") == "Reminder letter"
    assert table.columns[1].kind == "percent"
    assert [row.get("x") for row in table.rows] == ["Q1 2025", "Q2 2025", "Q3 2025", "Q4 2025"]


def test_a_spreadsheet_gets_the_quarter_code_right_after_the_quarter() -> None:
    with translation.override("nl"):
        table = chart_table(trend_chart(), quarter_codes=True)

    assert [column.label for column in table.columns][:4] == [
        "Quarter",
        "Kwartaal (code)",
        "Rijksbreed",
        "Defensie",
    ]
    assert [(row.get("x"), row.get("x-code")) for row in table.rows][:2] == [
        ("1e kwartaal 2025", "2025Q1"),
        ("2e kwartaal 2025", "2025Q2"),
    ]
    assert table.rows[1].get("interventions") == "Reminder letter"


def test_a_chart_of_other_labels_gets_no_code_column() -> None:
    chart = Chart("bars", "People", ("Alfa BV", "2025Q1"), (Series("x", (3, 4)),), "bar", "n")

    table = chart_table(chart, quarter_codes=True)

    assert [column.key for column in table.columns] == ["x", "series-0"]
    assert [row.get("x") for row in table.rows] == ["Alfa BV", "Q1 2025"]


def test_a_hidden_figure_is_a_gap_in_the_chart_and_hidden_in_the_table() -> None:
    chart = Chart(
        "counts", "People", ("Q1", "Q2"), (Series("x", (12, SUPPRESSED)),), "line", "people"
    )

    table = chart_table(chart)

    assert table.rows[1].get("series-0") is SUPPRESSED
    assert table.columns[1].kind == "int"
    assert table.notes
    assert "<svg" in render_svg(chart)


def test_the_chart_tables_footnote_names_the_threshold_its_report_used() -> None:
    chart = Chart("counts", "People", ("Q1", "Q2"), (Series("x", (12, SUPPRESSED)),), "line", "n")
    table = suppress(Table("t", "T", (Column("n", "N", "int"),), (Row({"n": 20}),)), threshold=10)
    report = Report("icop", "2025Q1", "R", datetime.now(UTC), tables=(table,), charts=(chart,))

    notes = report_tables(report)[-1].notes

    assert any("10" in note for note in notes)
    assert not any("5" in note for note in notes)
