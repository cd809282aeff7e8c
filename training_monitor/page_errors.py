"""What went wrong on a page, for base.html: one error summary, the title, the focus.

base.html asks `{% page_problems as page_problems %}` once. Every form in the page's context
(a filter's form included) adds its errors, each linked to its field, so no template writes
a summary of its own and every form page behaves the same after a failed submit: the
summary at the top of main, focus on it, the title starting with "Error:".
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, cast

from django import template
from django.contrib.messages import constants
from django.contrib.messages.storage.base import Message
from django.forms import BaseForm, BoundField
from django_filters import FilterSet

register = template.Library()


@dataclass(frozen=True)
class PageError:
    message: str
    label: str = ""
    # The id of the control the summary's link moves to; empty for an error of the
    # whole form (or of a hidden field), which the summary lists without a link.
    target: str = ""


@dataclass(frozen=True)
class PageProblems:
    errors: list[PageError] = field(default_factory=list)
    # A form error or an error message (messages framework): the title says "Error:".
    failed: bool = False


def _forms(values: Iterable[object]) -> list[BaseForm]:
    forms: list[BaseForm] = []
    for value in values:
        form = value.form if isinstance(value, FilterSet) else value
        # The same form may be in the context twice (`form` and a second name).
        if isinstance(form, BaseForm) and form.is_bound and all(form is not f for f in forms):
            forms.append(form)
    return forms


def _target(field: BoundField) -> str:
    if field.is_hidden:
        return ""
    if field.use_fieldset:
        # Radio buttons and checkboxes: the group has no control of its own; the first
        # choice is where the keyboard answers it.
        subwidgets = field.subwidgets
        return str(subwidgets[0].id_for_label) if subwidgets else ""
    return str(field.id_for_label or "")


def form_errors(form: BaseForm) -> list[PageError]:
    """The form's errors in the order of its fields, the form's own errors first."""
    errors = [PageError(message=str(error)) for error in form.non_field_errors()]
    for bound in form:
        errors.extend(
            PageError(message=str(error), label=str(bound.label or ""), target=_target(bound))
            for error in bound.errors
        )
    return errors


@register.simple_tag(takes_context=True)
def page_problems(context: template.Context) -> PageProblems:
    values = cast(dict[str, Any], context.flatten())
    errors = [error for form in _forms(values.values()) for error in form_errors(form)]
    # A refusal that belongs to no form field (a session that just became full): the view
    # puts it in the context as `page_error`.
    if values.get("page_error"):
        errors.insert(0, PageError(message=str(values["page_error"])))
    shown: Iterable[Message] = values.get("messages") or ()
    error_message = any(message.level >= constants.ERROR for message in shown)
    return PageProblems(errors=errors, failed=bool(errors) or error_message)
