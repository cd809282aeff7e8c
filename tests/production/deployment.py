"""The compose deployment reproduced without Docker, for the smoke test.

Each app service's command and environment come from docker-compose.yml (with compose's
variable interpolation and a test .env), under the ENV of the Dockerfile, as a container
gets them. What differs from a container, and only that, is overridden: the other
services' host names (db, redis) become the test PostgreSQL and Redis, paths inside the
image (/app/staticfiles, /app/media, /tmp) and the secret files compose mounts under
/run/secrets become a temporary directory, and ports and process counts are made small for
a shared machine.
"""

from __future__ import annotations

import contextlib
import http.cookies
import os
import re
import shlex
import signal
import subprocess
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parents[2]
VENV_BIN = ROOT / ".venv" / "bin"
_VARIABLE = re.compile(r"\$\$|\$\{(\w+)(?:(:?[-?])([^}]*))?\}|\$(\w+)")


def interpolate(value: str, dotenv: dict[str, str]) -> str:
    """Compose's interpolation: $$, ${VAR}, ${VAR:-default}, ${VAR-default}, ${VAR:?error}."""

    def replace(match: re.Match[str]) -> str:
        if match.group(0) == "$$":
            return "$"
        name = match.group(1) or match.group(4)
        operator, argument = match.group(2), match.group(3)
        given = dotenv.get(name)
        if operator and operator.startswith(":") and not given:
            given = None
        if given is not None:
            return given
        if operator and operator.endswith("?"):
            raise ValueError(f"{name}: {argument}")
        return argument if operator else ""

    return _VARIABLE.sub(replace, value)


def _interpolate_all(node: Any, dotenv: dict[str, str]) -> Any:
    if isinstance(node, str):
        return interpolate(node, dotenv)
    if isinstance(node, list):
        return [_interpolate_all(item, dotenv) for item in node]
    if isinstance(node, dict):
        return {key: _interpolate_all(item, dotenv) for key, item in node.items()}
    return node


def load_compose(dotenv: dict[str, str]) -> dict[str, Any]:
    with open(ROOT / "docker-compose.yml") as file:
        return _interpolate_all(yaml.safe_load(file), dotenv)


def dockerfile_env() -> dict[str, str]:
    """The Dockerfile's ENV instructions (KEY=value form, continued lines joined)."""
    text = (ROOT / "Dockerfile").read_text().replace("\\\n", " ")
    env: dict[str, str] = {}
    for line in text.splitlines():
        if line.startswith("ENV "):
            for pair in shlex.split(line[4:]):
                key, _, value = pair.partition("=")
                env[key] = value
    return env


SECRETS_DIR = "/run/secrets/"


def write_secrets(compose: dict[str, Any], directory: Path, values: dict[str, str]) -> None:
    """Each of compose's top-level secrets as a file in `directory`, as README says to
    make them (`echo` ends the value with a line end)."""
    directory.mkdir(parents=True, exist_ok=True)
    for name in compose["secrets"]:
        (directory / name).write_text(values[name] + "\n")


def secrets_in(env: dict[str, str], service: dict[str, Any], directory: Path) -> dict[str, str]:
    """`env` with /run/secrets/<name> paths moved to `directory`; each secret a variable
    names must be mounted in the service, or the container would not find its file."""
    moved = {}
    for key, value in env.items():
        if value.startswith(SECRETS_DIR):
            name = value.removeprefix(SECRETS_DIR)
            assert name in service.get("secrets", []), f"{key}: secret {name} is not mounted"
            value = str(directory / name)
        moved[key] = value
    return moved


def healthcheck_argv(test: list[str]) -> list[str]:
    """A compose healthcheck `test` as the container runs it."""
    kind, *rest = test
    if kind == "CMD-SHELL":
        return ["/bin/sh", "-c", rest[0]]
    assert kind == "CMD", test
    return rest


@dataclass
class Stack:
    """Processes started for the smoke test, each in its own process group."""

    logs: Path
    processes: dict[str, subprocess.Popen[bytes]] = field(default_factory=dict)

    def start(self, name: str, argv: list[str], env: dict[str, str]) -> None:
        log = open(self.logs / f"{name}.log", "wb")  # noqa: SIM115 - the process keeps it
        self.processes[name] = subprocess.Popen(
            argv, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )

    def log(self, name: str) -> str:
        return (self.logs / f"{name}.log").read_text(errors="replace")[-3000:]

    def stop(self, name: str, timeout: float = 15) -> None:
        process = self.processes[name]
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()
        # Children left in the group (a worker's pool) go too.
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)

    def stop_all(self) -> None:
        for name in list(self.processes):
            self.stop(name)


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


@dataclass
class Browser:
    """HTTP as a browser behind the TLS proxy: Host, X-Forwarded-Proto, cookies by hand
    (the session cookie is Secure, which a cookie jar would not send over plain HTTP)."""

    base: str
    host: str
    cookies: dict[str, str] = field(default_factory=dict)

    def request(self, path: str, data: dict[str, str] | None = None) -> tuple[int, str, Any]:
        headers = {
            "Host": self.host,
            "X-Forwarded-Proto": "https",
            "Referer": f"https://{self.host}{path}",
            "Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items()),
        }
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        request = urllib.request.Request(  # noqa: S310 - a fixed http URL
            self.base + path, data=body, headers=headers
        )
        opener = urllib.request.build_opener(_NoRedirect)
        try:
            response = opener.open(request, timeout=30)
        except urllib.error.HTTPError as error:
            response = error
        for header in response.headers.get_all("Set-Cookie") or []:
            for name, morsel in http.cookies.SimpleCookie(header).items():
                self.cookies[name] = morsel.value
        return response.status, response.read().decode(errors="replace"), response.headers

    def log_in(self, username: str, password: str) -> None:
        status, page, _ = self.request("/accounts/login/")
        assert status == 200, page
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
        assert token, page
        data = {"csrfmiddlewaretoken": token.group(1), "username": username}
        status, page, _ = self.request("/accounts/login/", {**data, "password": password})
        assert status == 302, page
        assert "sessionid" in self.cookies
