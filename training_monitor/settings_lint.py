"""Settings for `make lint-migrations`: the test settings plus django-migration-linter.

The linter is a development tool, so it is not in INSTALLED_APPS of the real settings.
"""

from __future__ import annotations

from .settings_test import *  # noqa: F403
from .settings_test import INSTALLED_APPS

INSTALLED_APPS = [*INSTALLED_APPS, "django_migration_linter"]

MIGRATION_LINTER_OPTIONS = {
    # Only our apps: third-party migrations are their maintainers' concern.
    "include_apps": [
        "departments",
        "committees",
        "trainings",
        "imports",
        "reports",
        "privacy",
        "worklists",
        "api",
    ],
    "no_cache": True,
    # Reviewed by hand: the unique index on report jobs locks a table of a few hundred
    # rows (one per compile request) for milliseconds; nothing reads it in between.
    # trainings 0009 drops TrainingCompletion.import_batch, which the release before it
    # writes while applying an import: the README's upgrade notes say to stop the imports
    # worker before migrating to it.
    # reports 0003: report files are a handful of rows per quarter; its new NOT NULL columns
    # are filled in the same migration, and the unique constraint replaces a narrower one
    # on the same rows. Old code that stores a file after it fails loudly (no hash) and
    # the compile is retried by the new code.
    "ignore_name": [
        "0002_one_active_job_per_quarter",
        "0003_report_file_hash_language_renderer",
        "0009_import_links_on_rows",
    ],
}
