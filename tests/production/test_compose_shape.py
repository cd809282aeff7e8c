"""The compose file's shape: one way in, through the TLS proxy; every log rotated; secrets
as files; every documented setting passed through with the app's own default."""

from __future__ import annotations

import json
import re
from pathlib import Path

from tests.production.deployment import ROOT, SECRETS_DIR, load_compose, secrets_in, write_secrets
from tests.security.helpers import run_python

DOTENV: dict[str, str] = {}
APP_SERVICES = (
    "migrate",
    "web",
    "worker-imports",
    "worker-reports",
    "worker-notifications",
    "beat",
)
SECRET_VARIABLES = {
    "SECRET_KEY": "secret_key",
    "DATABASE_PASSWORD": "postgres_password",
    "HEALTH_CHECK_TOKEN": "health_check_token",
    "S3_SECRET_ACCESS_KEY": "s3_secret_access_key",
}
# Settings the README documents that compose rightly does not pass, and why.
NOT_PASSED = {
    "DEBUG": "production never runs in development mode",
    "STATIC_ROOT": "the Dockerfile's ENV, the same for the build and the app",
    "STATICFILES_BACKEND": "the Dockerfile's ENV, the same for the build and the app",
    "BEAT_HEARTBEAT_FILE": "a path inside the beat container, where its healthcheck looks",
}
# Read by settings.py: env.<cast>("NAME", ...) or secret("NAME", ...).
SETTING_NAME = re.compile(r'\b(?:env(?:\.\w+)?|secret)\(\s*"([A-Z][A-Z0-9_]+)"')


def test_only_the_proxy_publishes_ports() -> None:
    services = load_compose(DOTENV)["services"]
    published = {name for name, service in services.items() if service.get("ports")}
    assert published == {"proxy"}
    assert sorted(services["proxy"]["ports"]) == ["443:443", "80:80"]
    assert services["web"]["expose"] == ["8000"]


def test_the_proxy_passes_to_web_with_the_caddyfile_in_the_repository() -> None:
    proxy = load_compose(DOTENV)["services"]["proxy"]
    mount = next(v for v in proxy["volumes"] if v.endswith(":/etc/caddy/Caddyfile:ro"))
    caddyfile = (ROOT / mount.split(":")[0]).read_text()
    assert "reverse_proxy web:8000" in caddyfile
    assert "{$SITE_ADDRESS}" in caddyfile


def test_every_service_rotates_its_log() -> None:
    for name, service in load_compose(DOTENV)["services"].items():
        options = service.get("logging", {}).get("options", {})
        assert options.get("max-size"), name
        assert options.get("max-file"), name


def test_secrets_are_files_mounted_in_every_app_service_never_in_the_environment() -> None:
    compose = load_compose(DOTENV)
    assert {name: secret["file"] for name, secret in compose["secrets"].items()} == {
        name: f"./secrets/{name}" for name in SECRET_VARIABLES.values()
    }
    for name in APP_SERVICES:
        environment = compose["services"][name]["environment"]
        for variable, secret in SECRET_VARIABLES.items():
            assert variable not in environment, name
            assert environment[f"{variable}_FILE"] == SECRETS_DIR + secret, name
        assert sorted(compose["services"][name]["secrets"]) == sorted(SECRET_VARIABLES.values())
        assert "@db:" in environment["DATABASE_URL"]
        assert ":" not in environment["DATABASE_URL"].split("//")[1].split("@")[0]
    db = compose["services"]["db"]
    assert "POSTGRES_PASSWORD" not in db["environment"]
    assert db["environment"]["POSTGRES_PASSWORD_FILE"] == SECRETS_DIR + "postgres_password"
    assert db["secrets"] == ["postgres_password"]


def test_the_secrets_stay_out_of_git_and_the_image() -> None:
    assert "/secrets/" in (ROOT / ".gitignore").read_text().splitlines()
    assert "secrets" in (ROOT / ".dockerignore").read_text().splitlines()


def _documented_settings() -> set[str]:
    names = set(SETTING_NAME.findall((ROOT / "training_monitor" / "settings.py").read_text()))
    readme = (ROOT / "README.md").read_text()
    return {name for name in names if f"`{name}`" in readme or f"`{name}=" in readme}


def test_every_setting_the_readme_documents_is_passed_to_the_app_services() -> None:
    documented = _documented_settings()
    assert {"SECRET_KEY", "LOG_FORMAT", "MEDIA_STORAGE", "S3_BUCKET"} <= documented
    compose = load_compose(DOTENV)
    for name in APP_SERVICES:
        environment = compose["services"][name]["environment"]
        missing = {
            setting
            for setting in documented - NOT_PASSED.keys()
            if setting not in environment and f"{setting}_FILE" not in environment
        }
        assert not missing, f"{name} does not get {sorted(missing)}"


SETTINGS_AS_JSON = (
    "import json\nfrom django.conf import settings\n"
    "print(json.dumps({k: getattr(settings, k) for k in dir(settings) if k.isupper()},"
    " default=str, sort_keys=True))"
)
# What compose sets on purpose, unlike the app's defaults.
SET_ON_PURPOSE = {
    "ALLOWED_HOSTS",
    # CACHE_URL and API_CACHE_URL: the caches and the API's rate limit are in compose's
    # Redis, shared by every process, not one per process.
    "CACHES",
    "CELERY_BROKER_URL",
    "CELERY_TASK_ALWAYS_EAGER",
    "DATABASES",
    "HEALTH_CHECK_TOKEN",
    "MEDIA_ROOT",
}


def test_compose_passes_the_apps_own_defaults_when_the_env_file_sets_nothing(tmp_path) -> None:
    compose = load_compose(DOTENV)
    write_secrets(compose, tmp_path, dict.fromkeys(compose["secrets"], ""))
    secret_key = "compose-defaults-" + "x" * 50
    (tmp_path / "secret_key").write_text(secret_key + "\n")
    service = compose["services"]["worker-reports"]
    given = {k: "" if v is None else str(v) for k, v in service["environment"].items()}
    from_compose = run_python(SETTINGS_AS_JSON, **secrets_in(given, service, tmp_path))
    assert from_compose.returncode == 0, from_compose.stderr
    from_nothing = run_python(SETTINGS_AS_JSON, SECRET_KEY=secret_key)
    assert from_nothing.returncode == 0, from_nothing.stderr
    compose_settings = json.loads(from_compose.stdout.splitlines()[-1])
    default_settings = json.loads(from_nothing.stdout.splitlines()[-1])
    differing = {
        key
        for key in compose_settings.keys() | default_settings.keys()
        if compose_settings.get(key) != default_settings.get(key)
    }
    assert differing <= SET_ON_PURPOSE, {
        key: (compose_settings.get(key), default_settings.get(key))
        for key in differing - SET_ON_PURPOSE
    }
    assert compose_settings["MEDIA_ROOT"] == "/app/media"
    assert Path(default_settings["MEDIA_ROOT"]) == ROOT / "media"
