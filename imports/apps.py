from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ImportsConfig(AppConfig):
    """Attendance files in: reading, matching, writing, and the review of held rows.

    Above trainings and departments: it writes their records, they know nothing of it.
    """

    name = "imports"
    verbose_name = _("Attendance imports")
