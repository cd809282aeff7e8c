"""The <option>s of every select, written in Python (templates/django/forms/widgets/select.html).

Django's select template includes `select_option.html` per option, which includes
`attrs.html`: two template includes per option, about 50 µs each. The hand-entry form lists
some 500 sessions at --scale 50, so its page spent 25 ms on its options alone. This writes the
same markup, character for character (tests/test_widget_options.py compares the two), at a
few µs an option. An option with a template of its own is still rendered by that template.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, cast

from django import template
from django.utils.formats import localize
from django.utils.html import conditional_escape, escape
from django.utils.safestring import SafeData, SafeString, mark_safe
from django.utils.timezone import template_localtime  # type: ignore[attr-defined]

register = template.Library()

OPTION_TEMPLATE = "django/forms/widgets/select_option.html"


def _formatted(value: Any) -> str:
    """`{{ value|stringformat:'s' }}` (the filter keeps a safe value safe)."""
    text = str(value)
    return text if isinstance(value, SafeData) else str(escape(text))


def _shown(value: Any) -> str:
    """`{{ value }}`: in local time, localised, then escaped unless already safe."""
    return str(conditional_escape(localize(template_localtime(value))))


def flat_attrs(attrs: dict[str, Any]) -> str:
    """`attrs.html`: ` name="value"`, a bare ` name` for True, nothing for False."""
    parts = []
    for name, value in attrs.items():
        if value is True:
            parts.append(f" {_shown(name)}")
        elif value is not False:
            parts.append(f' {_shown(name)}="{_formatted(value)}"')
    return "".join(parts)


def _option(option: dict[str, Any], context: template.Context) -> str:
    if option["template_name"] != OPTION_TEMPLATE:
        # What `{% include option.template_name with widget=option %}` does.
        # A tag renders inside a template: the context has one.
        engine = cast(template.Template, context.template).engine
        with context.push(widget=option):
            included = engine.get_template(option["template_name"])
            return str(included.render(context))
    return (
        f'<option value="{_formatted(option["value"])}"'
        f"{flat_attrs(option['attrs'])}>{_shown(option['label'])}</option>\n"
    )


@register.simple_tag(takes_context=True)
def select_options(
    context: template.Context, optgroups: Iterable[tuple[Any, list[dict[str, Any]], int]]
) -> SafeString:
    """The inside of `select.html`: its optgroups and options, with its whitespace (and
    the line end that ends `select_option.html`)."""
    html = []
    for group_name, group_choices, _index in optgroups:
        if group_name:
            html.append(f'\n  <optgroup label="{_shown(group_name)}">')
        html.extend(f"\n  {_option(option, context)}" for option in group_choices)
        if group_name:
            html.append("\n  </optgroup>")
    return mark_safe("".join(html))  # every value above is escaped
