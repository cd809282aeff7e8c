from __future__ import annotations

from django.apps import AppConfig


class DemoConfig(AppConfig):
    """The demo data and `seed_demo`: on top of every other app, and needed by none."""

    name = "demo"
