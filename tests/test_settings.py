"""Settings come from the environment; production refuses to start without a secret."""

from __future__ import annotations

import ast
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


def test_a_secret_may_come_from_the_file_its_file_variable_names(tmp_path) -> None:
    """Compose mounts secrets under /run/secrets; `echo` ends the file with a line end."""
    (tmp_path / "secret_key").write_text("s3cret-from-a-file\n")
    (tmp_path / "token").write_text("token-from-a-file\n")
    result = run_settings(
        "SECRET_KEY + '|' + settings.HEALTH_CHECK_TOKEN",
        SECRET_KEY_FILE=str(tmp_path / "secret_key"),
        HEALTH_CHECK_TOKEN_FILE=str(tmp_path / "token"),
    )
    assert result.stdout.strip() == "s3cret-from-a-file|token-from-a-file", result.stderr


def test_the_database_password_comes_from_its_own_file_not_the_url(tmp_path) -> None:
    (tmp_path / "postgres_password").write_text("pw-from-a-file\n")
    result = run_settings(
        "DATABASES['default']['PASSWORD'] + '@' + settings.DATABASES['default']['HOST']",
        SECRET_KEY="x",
        DATABASE_URL="postgres://training_monitor@db:5432/training_monitor",
        DATABASE_PASSWORD_FILE=str(tmp_path / "postgres_password"),
    )
    assert result.stdout.strip() == "pw-from-a-file@db", result.stderr


def test_uploads_default_to_the_filesystem() -> None:
    result = run_settings("STORAGES['default']['BACKEND']", SECRET_KEY="x")
    assert result.stdout.strip() == "django.core.files.storage.FileSystemStorage"


def test_media_storage_s3_keeps_uploads_private_signed_and_never_overwritten(tmp_path) -> None:
    (tmp_path / "s3_secret").write_text("s3-secret-from-a-file\n")
    result = run_settings(
        "STORAGES['default']",
        SECRET_KEY="x",
        MEDIA_STORAGE="s3",
        S3_BUCKET="tm-uploads",
        S3_ENDPOINT_URL="https://objects.example.nl",
        S3_REGION="nl-1",
        S3_ACCESS_KEY_ID="tm-access",
        S3_SECRET_ACCESS_KEY_FILE=str(tmp_path / "s3_secret"),
        S3_PREFIX="/media/",
    )
    assert result.returncode == 0, result.stderr
    storage = ast.literal_eval(result.stdout.strip())
    assert storage["BACKEND"] == "storages.backends.s3.S3Storage"
    assert storage["OPTIONS"] == {
        "bucket_name": "tm-uploads",
        "endpoint_url": "https://objects.example.nl",
        "region_name": "nl-1",
        "access_key": "tm-access",
        "secret_key": "s3-secret-from-a-file",
        "location": "media",
        "addressing_style": "path",
        "signature_version": "s3v4",
        "default_acl": None,
        "querystring_auth": True,
        "querystring_expire": 300,
        "file_overwrite": False,
    }


def test_media_storage_refuses_an_unknown_kind_or_s3_without_a_bucket() -> None:
    unknown = run_settings("STORAGES", SECRET_KEY="x", MEDIA_STORAGE="nfs")
    assert "MEDIA_STORAGE must be filesystem or s3, not 'nfs'" in unknown.stderr
    no_bucket = run_settings("STORAGES", SECRET_KEY="x", MEDIA_STORAGE="s3")
    assert "MEDIA_STORAGE=s3 needs S3_BUCKET" in no_bucket.stderr


def test_email_goes_to_the_smtp_relay_email_url_names(tmp_path) -> None:
    url = "smtp+tls://tm:pw%2Fx@relay.example.nl:587"
    result = run_settings(
        "EMAIL_BACKEND, settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_USE_TLS, "
        "settings.EMAIL_HOST_USER, settings.EMAIL_HOST_PASSWORD",
        SECRET_KEY="x",
        EMAIL_URL=url,
    )
    assert result.stdout.split() == [
        "django.core.mail.backends.smtp.EmailBackend",
        "relay.example.nl",
        "587",
        "True",
        "tm",
        "pw/x",
    ]
    # A URL with a password may come from a file, as the other secrets.
    secret = tmp_path / "email_url"
    secret.write_text("smtp://relay2.example.nl:25\n")
    from_file = run_settings("EMAIL_HOST", SECRET_KEY="x", EMAIL_URL_FILE=str(secret))
    assert from_file.stdout.strip() == "relay2.example.nl"


def test_production_mails_the_local_relay_and_the_demo_writes_files() -> None:
    production = run_settings("EMAIL_BACKEND, settings.EMAIL_HOST", SECRET_KEY="x")
    assert production.stdout.split() == ["django.core.mail.backends.smtp.EmailBackend", "localhost"]
    demo = run_settings("EMAIL_BACKEND, settings.EMAIL_FILE_PATH", DEBUG="true")
    assert demo.stdout.split() == [
        "django.core.mail.backends.filebased.EmailBackend",
        str(settings.BASE_DIR / "sent-mail"),
    ]
