from __future__ import annotations

from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "reports"
    verbose_name = _("Reports")

    def ready(self) -> None:
        from departments.touched import on_figures_touched
        from reports import supplier_figures
        from reports.stored import on_touched
        from training_monitor.schedule import install_on_migrate
        from trainings.touched import on_sessions_touched

        # The services of the lower layers (trainings, committees, imports) may not
        # import reports; they call departments.touched, which calls this back so the
        # stored quarterly figures change in the same transaction as the data.
        on_figures_touched("reports.stored", on_touched)
        # Likewise the supplier comparison's figures, for writes to sessions, places and
        # evaluations (trainings.touched).
        on_sessions_touched("reports.supplier_figures", supplier_figures.on_touched)

        # Beat's default schedule (the quarterly compile, the clean-up and retention) is
        # put in django-celery-beat's tables after every migrate and flush; existing
        # entries are left as administrators changed them. Once per migrate: sender.
        post_migrate.connect(
            install_on_migrate, sender=self, dispatch_uid="training_monitor.schedule"
        )
