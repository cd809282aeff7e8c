"""Selects write their options in Python (training_monitor/widget_options.py), the same
markup as Django's own select template writes through two includes per option."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django import forms
from django.forms.renderers import DjangoTemplates, TemplatesSetting
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from departments.models import Department
from tests.factories import DepartmentFactory


class _Labelled(forms.Select):
    """An option template of its own, which the Python options must still use."""

    option_template_name = "django/forms/widgets/input.html"


def _both(widget: forms.Widget, name: str, value: Any, attrs: dict[str, Any] | None = None):
    ours = widget.render(name, value, attrs=attrs, renderer=TemplatesSetting())
    django = widget.render(name, value, attrs=attrs, renderer=DjangoTemplates())
    return ours, django


CHOICES: list[Any] = [
    ("", "– all –"),
    ("a&b", "Tom & Jerry <b>"),
    (3, 1234567),
    ("safe", mark_safe("<em>safe</em>")),
    ("lazy", _("Status")),
    (
        "Group <1>",
        [("g1", "first"), ("g2", datetime.date(2026, 3, 1))],
    ),
]


@pytest.mark.parametrize("value", [None, "", "a&b", 3, "g2", ["a&b", "g1"]])
def test_a_select_renders_as_djangos_own_template_renders_it(value: Any) -> None:
    widget = forms.Select(choices=CHOICES, attrs={"aria-describedby": 'x"y', "required": True})
    ours, django = _both(widget, "pick", value, attrs={"id": "id_pick", "disabled": False})
    assert ours == django
    assert "<option" in ours


def test_a_multiple_select_renders_as_djangos_own() -> None:
    widget = forms.SelectMultiple(choices=CHOICES)
    ours, django = _both(widget, "many", ["a&b", "g2"])
    assert ours == django
    assert ours.count(" selected") == 2


def test_an_option_template_of_its_own_is_still_used() -> None:
    ours, django = _both(_Labelled(choices=[("x", "X"), ("y", "Y")]), "own", "x")
    assert ours == django
    assert "<input" in ours


@pytest.mark.django_db
def test_a_model_choice_field_renders_as_djangos_own() -> None:
    DepartmentFactory.create_batch(3)
    field = forms.ModelChoiceField(Department.objects.order_by("code"), empty_label="– any –")
    ours, django = _both(field.widget, "department", Department.objects.first().pk)  # type: ignore[union-attr]
    assert ours == django
    assert ours.count("<option") == Department.objects.count() + 1
