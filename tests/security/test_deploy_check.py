"""`manage.py check --deploy` passes with the production environment from the README."""

from __future__ import annotations

from tests.security.helpers import PRODUCTION_ENV, run_django, run_python


def test_the_deploy_check_passes_at_warning_level_with_production_settings() -> None:
    result = run_django(
        ["manage.py", "check", "--deploy", "--fail-level", "WARNING"], **PRODUCTION_ENV
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_the_deploy_check_still_catches_a_weak_secret_key() -> None:
    env = {**PRODUCTION_ENV, "SECRET_KEY": "short"}
    result = run_django(["manage.py", "check", "--deploy", "--fail-level", "WARNING"], **env)
    assert result.returncode != 0
    assert "security.W009" in result.stderr


def test_production_defaults_to_a_year_of_hsts_and_https_redirects() -> None:
    result = run_python(
        "from django.conf import settings as s\n"
        "print(s.SECURE_HSTS_SECONDS, s.SECURE_SSL_REDIRECT, s.SESSION_COOKIE_SECURE)",
        **PRODUCTION_ENV,
    )
    assert result.stdout.split() == ["31536000", "True", "True"], result.stderr


def test_hsts_comes_from_the_environment_and_is_off_for_debug() -> None:
    env = {**PRODUCTION_ENV, "SECURE_HSTS_SECONDS": "3600"}
    code = "from django.conf import settings as s\nprint(s.SECURE_HSTS_SECONDS)"
    assert run_python(code, **env).stdout.strip() == "3600"
    assert run_python(code, DEBUG="true").stdout.strip() == "0"
