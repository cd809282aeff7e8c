"""The compose file's shape: one way in, through the TLS proxy; every log rotated."""

from __future__ import annotations

from tests.production.deployment import ROOT, load_compose

DOTENV = {"SECRET_KEY": "x", "POSTGRES_PASSWORD": "x", "HEALTH_CHECK_TOKEN": "x"}


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
