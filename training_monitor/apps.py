from __future__ import annotations

from django.contrib.admin.apps import AdminConfig as DjangoAdminConfig


class AdminConfig(DjangoAdminConfig):
    """django.contrib.admin with the administrators-only site as admin.site."""

    default_site = "training_monitor.admin_site.TrainingMonitorAdminSite"

    def ready(self) -> None:
        super().ready()  # autodiscovers every app's admin
        from training_monitor.admin_packages import register_package_admins
        from training_monitor.admin_site import register_safe_crontab_admin

        register_safe_crontab_admin()
        # Auth's, axes' and celery-beat's admins, with what they leave English in Dutch.
        register_package_admins()
