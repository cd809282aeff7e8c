from __future__ import annotations

from django.contrib.admin.apps import AdminConfig as DjangoAdminConfig


class AdminConfig(DjangoAdminConfig):
    """django.contrib.admin with the administrators-only site as admin.site."""

    default_site = "training_monitor.admin_site.TrainingMonitorAdminSite"
