"""{% table_region %}: a wide table scrolls in its own labelled, focusable region."""

from __future__ import annotations

import re

import pytest
from django.template import Context, Template, TemplateSyntaxError

LOAD = "{% load page_parts %}"


def render(source: str, **context: object) -> str:
    return Template(LOAD + source).render(Context(context))


def test_the_region_is_named_by_the_tables_caption_and_takes_the_focus() -> None:
    html = render(
        '{% table_region %}<table><caption id="people-caption">Mensen</caption></table>'
        "{% endtable_region %}"
    )
    assert html.startswith(
        '<div class="table-scroll" role="region" tabindex="0" aria-labelledby="people-caption">'
    )
    assert html.endswith("</table></div>")


def test_a_caption_without_an_id_gets_one_unique_on_the_page() -> None:
    table = "{% table_region %}<table><caption>{{ title }}</caption></table>{% endtable_region %}"
    html = render(table + table, title="Naleving")
    labels = re.findall(r'aria-labelledby="([^"]+)"', html)
    ids = re.findall(r'<caption id="([^"]+)"', html)
    assert labels == ids
    assert len(set(ids)) == 2


def test_the_ids_stay_unique_across_included_templates() -> None:
    part = Template(
        LOAD + "{% table_region %}<table><caption>x</caption></table>{% endtable_region %}"
    )
    html = Template("{% include part %}{% include part %}").render(Context({"part": part}))
    assert len(set(re.findall(r'<caption id="([^"]+)"', html))) == 2


def test_labelledby_names_another_element_such_as_a_heading() -> None:
    html = render(
        '{% table_region labelledby="rows-heading" %}<table></table>{% endtable_region %}'
    )
    assert 'aria-labelledby="rows-heading"' in html


def test_the_labelledby_value_is_escaped() -> None:
    html = render(
        "{% table_region labelledby=heading %}<table></table>{% endtable_region %}",
        heading='x" onfocus="alert(1)',
    )
    assert 'onfocus="' not in html


def test_a_table_without_caption_or_labelledby_is_refused() -> None:
    with pytest.raises(TemplateSyntaxError, match="caption"):
        render("{% table_region %}<table></table>{% endtable_region %}")


def test_an_unknown_argument_is_refused() -> None:
    with pytest.raises(TemplateSyntaxError, match="unknown argument"):
        render("{% table_region label='x' %}<table></table>{% endtable_region %}")
