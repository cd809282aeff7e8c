from __future__ import annotations

from django import forms

from notifications.models import NotificationPreference


class PreferenceForm(forms.ModelForm[NotificationPreference]):
    class Meta:
        model = NotificationPreference
        fields = ["weekly_digest"]
