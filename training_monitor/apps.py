from __future__ import annotations

from django.contrib.admin.apps import AdminConfig as DjangoAdminConfig


class AdminConfig(DjangoAdminConfig):
    """django.contrib.admin with the administrators-only site as admin.site."""

    default_site = "training_monitor.admin_site.TrainingMonitorAdminSite"

    def ready(self) -> None:
        super().ready()  # autodiscovers every app's admin
        from training_monitor.admin_site import register_safe_crontab_admin

        register_safe_crontab_admin()
