from __future__ import annotations

from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class DepartmentsConfig(AppConfig):
    name = "departments"
    verbose_name = _("Departments and people")

    def ready(self) -> None:
        from departments.access import ensure_groups

        # Permissions only exist after migrate has run for every app, so the role
        # groups are (re)synchronised afterwards rather than in a data migration.
        post_migrate.connect(ensure_groups, dispatch_uid="departments.ensure_groups")
