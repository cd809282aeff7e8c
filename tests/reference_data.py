"""The reference data the data migrations load (the ministries, their old names and their
enforcement history), loaded again where a test needs it after a flush.

A transactional test (a live server, a worker) ends with a flush, which empties these
tables too; the tests after it that seed the demo need the ministries back.
"""

from __future__ import annotations

import importlib

from django.apps import apps as django_apps

from departments.models import Department

# The data migrations that load reference data, and their forward functions.
REFERENCE_DATA = (
    ("departments.migrations.0002_load_ministries", "load"),
    ("departments.migrations.0004_old_names_and_agencies", "add"),
    ("departments.migrations.0008_seed_enforcement_history", "seed"),
)


def reference_data_load() -> None:
    for module, loader in REFERENCE_DATA:
        getattr(importlib.import_module(module), loader)(django_apps, None)


def reference_data_ensure() -> None:
    """Load the reference data unless a flush left the ministries empty."""
    if not Department.objects.exists():
        reference_data_load()
