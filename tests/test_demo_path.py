"""The `make demo` path on the embedded SQLite database: migrate, seed, serve, log in.

Runs the real commands in subprocesses against a fresh SQLite file, as a person on a
new machine would (`make test` runs it without DATABASE_URL).
"""

from __future__ import annotations

import http.cookiejar
import os
import re
import socket
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.conf import settings

pytestmark = pytest.mark.demo

PASSWORD = "demo-pad-wachtwoord"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="module")
def demo_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    database = tmp_path_factory.mktemp("demo") / "demo.sqlite3"
    env = {
        **{
            k: v
            for k, v in os.environ.items()
            if k not in {"DATABASE_URL", "DJANGO_SETTINGS_MODULE"}
        },
        "DEBUG": "true",
        "DATABASE_URL": f"sqlite:///{database}",
    }
    manage = [sys.executable, str(Path(settings.BASE_DIR) / "manage.py")]

    def run(*args: str) -> str:
        result = subprocess.run(
            [*manage, *args], env=env, capture_output=True, text=True, check=True, timeout=300
        )
        return result.stdout

    run("migrate", "--verbosity", "0")
    seeded = run("seed_demo", "--scale", "0.1", "--password", PASSWORD)
    assert "op.bzk" in seeded
    assert PASSWORD in seeded
    # A second run (make demo twice) adds nothing.
    assert "nothing was added" in run("seed_demo", "--scale", "0.1", "--password", PASSWORD)

    port = free_port()
    server = subprocess.Popen(
        [*manage, "runserver", "--noreload", f"127.0.0.1:{port}"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(base + "/accounts/login/", timeout=2)  # noqa: S310
                break
            except OSError:
                time.sleep(0.2)
        yield base
    finally:
        server.terminate()
        server.wait(timeout=10)


def logged_in_opener(base: str, username: str) -> urllib.request.OpenerDirector:
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    page = opener.open(base + "/accounts/login/").read().decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
    assert token
    form = {"username": username, "password": PASSWORD, "csrfmiddlewaretoken": token.group(1)}
    response = opener.open(base + "/accounts/login/", urllib.parse.urlencode(form).encode())
    # The home page may send the user on (O&P staff of one department: their dashboard).
    assert response.geturl().startswith(base + "/")
    assert "/accounts/login/" not in response.geturl()
    return opener


def test_the_demo_serves_the_login_page_in_dutch(demo_server: str) -> None:
    page = urllib.request.urlopen(demo_server + "/accounts/login/").read().decode()  # noqa: S310
    assert "Inloggen" in page


def test_op_staff_log_in_and_see_their_department(demo_server: str) -> None:
    opener = logged_in_opener(demo_server, "op.bzk")
    page = opener.open(demo_server + "/").read().decode()
    assert "Binnenlandse Zaken" in page
    assert "Financiën" not in page


def test_the_programme_bureau_sees_all_departments(demo_server: str) -> None:
    opener = logged_in_opener(demo_server, "bureau")
    page = opener.open(demo_server + "/").read().decode()
    assert "Binnenlandse Zaken" in page
    assert "Financiën" in page


def test_the_admin_opens_for_the_administrator(demo_server: str) -> None:
    opener = logged_in_opener(demo_server, "beheer")
    page = opener.open(demo_server + "/admin/committees/selectioncommittee/").read().decode()
    assert "BZK-" in page
    assert opener.open(demo_server + "/static/css/app.css").status == 200
