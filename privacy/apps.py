from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PrivacyConfig(AppConfig):
    """Privacy (AVG): the retention period, the subject-access export and the privacy note.

    Its own app because it reads and scrubs every other app's records, while
    `departments` (the ground floor) must depend on none of them.
    """

    name = "privacy"
    verbose_name = _("Privacy")
