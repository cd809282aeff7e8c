"""The filters of the sessions page (`/sessions/`)."""

from __future__ import annotations

from typing import Any

import django_filters
from django import forms
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from training_monitor.form_fields import DateInput
from trainings.models import TrainingSession

PLACE_MAX_LENGTH = 100


class SessionFilterForm(forms.Form):
    """Refuses a date range that ends before it starts (the error at "Until")."""

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("date_from"), data.get("date_to")
        if start is not None and end is not None and end < start:
            self.add_error("date_to", _("“Until” is before “From”: choose a later date."))
        return data


class SessionFilter(django_filters.FilterSet):
    """Date range, place and online; the queryset is already scoped and annotated."""

    date_from = django_filters.DateFilter(
        label=_("From"), field_name="date", lookup_expr="gte", widget=DateInput()
    )
    date_to = django_filters.DateFilter(
        label=_("Until"), field_name="date", lookup_expr="lte", widget=DateInput()
    )
    place = django_filters.CharFilter(
        label=_("Place"),
        method="filter_place",
        max_length=PLACE_MAX_LENGTH,
        help_text=_("Part of the place name, e.g. Utrecht."),
        widget=forms.TextInput(attrs={"type": "search"}),
    )
    online = django_filters.ChoiceFilter(
        label=_("Online or on location"),
        method="filter_online",
        choices=[("online", _("Online only")), ("location", _("On location only"))],
        empty_label=_("Both"),
    )
    places = django_filters.ChoiceFilter(
        label=_("Places"),
        method="filter_places",
        choices=[("free", _("With places left"))],
        empty_label=_("Also full sessions"),
    )

    class Meta:
        model = TrainingSession
        fields: list[str] = []
        form = SessionFilterForm

    def filter_place(self, queryset: QuerySet[Any], name: str, value: str) -> QuerySet[Any]:
        return queryset.filter(place__icontains=value.strip())

    def filter_online(self, queryset: QuerySet[Any], name: str, value: str) -> QuerySet[Any]:
        if value == "online":
            return queryset.filter(is_online=True)
        if value == "location":
            return queryset.filter(is_online=False)
        return queryset

    def filter_places(self, queryset: QuerySet[Any], name: str, value: str) -> QuerySet[Any]:
        if value == "free":
            return queryset.filter(Q(capacity__isnull=True) | Q(places_left__gt=0))
        return queryset
