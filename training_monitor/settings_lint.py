"""Settings for `make lint-migrations`: the test settings plus django-migration-linter.

The linter is a development tool, so it is not in INSTALLED_APPS of the real settings.
"""

from __future__ import annotations

from .settings_test import *  # noqa: F403
from .settings_test import INSTALLED_APPS

INSTALLED_APPS = [*INSTALLED_APPS, "django_migration_linter"]

MIGRATION_LINTER_OPTIONS = {
    # Only our apps: third-party migrations are their maintainers' concern.
    "include_apps": ["departments", "committees", "trainings", "reports"],
    "no_cache": True,
}
