"""Run Django in a fresh process with a given environment (settings read it at import)."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys

from django.conf import settings

# What the README documents for production; the tests add or override per case.
PRODUCTION_ENV = {
    "SECRET_KEY": secrets.token_urlsafe(50),
    "ALLOWED_HOSTS": "training-monitor.example.nl",
    "CSRF_TRUSTED_ORIGINS": "https://training-monitor.example.nl",
    "DATABASE_URL": "postgres://training_monitor@127.0.0.1:5432/training_monitor",
    "CELERY_BROKER_URL": "redis://127.0.0.1:6379/0",
    "STATICFILES_BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage",
    "HEALTH_CHECK_TOKEN": secrets.token_urlsafe(32),
}
# The browser tests set DJANGO_ALLOW_ASYNC_UNSAFE, which the deploy check rightly rejects.
CLEARED = {
    "SECRET_KEY",
    "DEBUG",
    "DATABASE_URL",
    "CELERY_BROKER_URL",
    "DJANGO_SETTINGS_MODULE",
    "DJANGO_ALLOW_ASYNC_UNSAFE",
}


def run_django(args: list[str], **env: str) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if k not in CLEARED and not k.startswith("OIDC_")}
    clean.update(env, DJANGO_SETTINGS_MODULE="training_monitor.settings")
    return subprocess.run(
        [sys.executable, *args],
        env=clean,
        capture_output=True,
        text=True,
        cwd=settings.BASE_DIR,
        check=False,
        timeout=120,
    )


def run_python(code: str, **env: str) -> subprocess.CompletedProcess[str]:
    return run_django(["-c", "import django; django.setup()\n" + code], **env)
