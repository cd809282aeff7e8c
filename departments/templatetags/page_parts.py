"""Page parts every template shares: the scroll region around a wide table."""

from __future__ import annotations

import re
from typing import Any

from django import template
from django.template.base import NodeList, Parser, Token
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

register = template.Library()

CAPTION = re.compile(r"<caption\b([^>]*)>")
ID = re.compile(r'\bid="([^"]+)"')


class TableRegionNode(template.Node):
    def __init__(self, nodelist: NodeList, labelledby: template.base.FilterExpression | None):
        self.nodelist = nodelist
        self.labelledby = labelledby

    def render(self, context: template.Context) -> SafeString:
        content: str = self.nodelist.render(context)
        label = self.labelledby.resolve(context) if self.labelledby else ""
        if not label:
            content, label = _caption_id(content, context)
        return format_html(
            '<div class="table-scroll" role="region" tabindex="0" aria-labelledby="{}">{}</div>',
            label,
            # The block is template output: escaped as it was rendered.
            mark_safe(content),
        )


def _caption_id(content: str, context: template.Context) -> tuple[str, str]:
    """The id of the table's caption, given one when it has none."""
    caption = CAPTION.search(content)
    if caption is None:
        raise template.TemplateSyntaxError(
            "table_region: the table needs a <caption> (or give labelledby=)"
        )
    found = ID.search(caption.group(1))
    if found:
        return content, found.group(1)
    # Counted over the whole page: the bottom of the render context outlives the
    # includes (each included template gets a fresh top).
    page: dict[Any, Any] = context.render_context.dicts[0]
    count = int(page.get("table_region_count", 0)) + 1
    page["table_region_count"] = count
    label = f"table-region-{count}"
    start = caption.start() + len("<caption")
    return f'{content[:start]} id="{label}"{content[start:]}', label


@register.tag
def table_region(parser: Parser, token: Token) -> Any:
    """`{% table_region %}<table>…<caption>…</caption>…</table>{% endtable_region %}`

    A wide table scrolls sideways inside this region instead of pushing the page wider
    than the screen (WCAG 1.4.10, reflow at 320 CSS px and 400 % zoom). The region can
    take the keyboard focus, so keyboard users can scroll it too, and is named by the
    table's caption (or by the element `labelledby="id"` names).
    """
    bits = token.split_contents()
    labelledby = None
    for bit in bits[1:]:
        name, _, value = bit.partition("=")
        if name != "labelledby" or not value:
            raise template.TemplateSyntaxError(f"table_region: unknown argument {bit!r}")
        labelledby = parser.compile_filter(value)
    nodelist = parser.parse(("endtable_region",))
    parser.delete_first_token()
    return TableRegionNode(nodelist, labelledby)
