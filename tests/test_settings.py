"""Settings come from the environment; production refuses to start without a secret."""

from __future__ import annotations

import os
import subprocess
import sys

from django.conf import settings

CHECK = "import django; django.setup(); from django.conf import settings; print(settings.{})"


def run_settings(expression: str, **env: str) -> subprocess.CompletedProcess[str]:
    clean = {
        k: v
        for k, v in os.environ.items()
        if k not in {"SECRET_KEY", "DEBUG", "DATABASE_URL", "CELERY_BROKER_URL"}
    }
    clean.update(env, DJANGO_SETTINGS_MODULE="training_monitor.settings")
    return subprocess.run(
        [sys.executable, "-c", CHECK.format(expression)],
        env=clean,
        capture_output=True,
        text=True,
        cwd=settings.BASE_DIR,
        check=False,
    )


def test_it_refuses_to_start_without_a_secret_key_when_debug_is_off() -> None:
    result = run_settings("SECRET_KEY")
    assert result.returncode != 0
    assert "Set the SECRET_KEY environment variable" in result.stderr


def test_it_starts_with_a_secret_key() -> None:
    result = run_settings("SECRET_KEY", SECRET_KEY="s3cret-from-the-vault")
    assert result.stdout.strip() == "s3cret-from-the-vault"


def test_the_database_defaults_to_an_embedded_sqlite_file() -> None:
    result = run_settings("DATABASES['default']['ENGINE']", DEBUG="true")
    assert result.stdout.strip() == "django.db.backends.sqlite3"


def test_database_url_selects_postgresql() -> None:
    result = run_settings(
        "DATABASES['default']['ENGINE']", DEBUG="true", DATABASE_URL="postgres://u@db:5432/tm"
    )
    assert result.stdout.strip() == "django.db.backends.postgresql"


def test_without_a_broker_tasks_run_in_process() -> None:
    assert run_settings("CELERY_TASK_ALWAYS_EAGER", DEBUG="true").stdout.strip() == "True"
    with_redis = run_settings(
        "CELERY_TASK_ALWAYS_EAGER", DEBUG="true", CELERY_BROKER_URL="redis://127.0.0.1:6379/0"
    )
    assert with_redis.stdout.strip() == "False"


def test_language_and_time_zone() -> None:
    assert settings.LANGUAGE_CODE == "nl"
    assert [code for code, _ in settings.LANGUAGES] == ["nl", "en"]
    assert settings.TIME_ZONE == "Europe/Amsterdam"
    assert settings.USE_TZ is True


def test_the_test_settings_only_swap_the_slow_and_outward_parts() -> None:
    assert settings.PASSWORD_HASHERS == ["django.contrib.auth.hashers.MD5PasswordHasher"]
    assert settings.EMAIL_BACKEND == "django.core.mail.backends.locmem.EmailBackend"
