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
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.conf import settings

pytestmark = pytest.mark.demo

PASSWORD = "demo-pad-wachtwoord"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass(frozen=True)
class Demo:
    base: str
    run: Callable[..., str]  # manage.py in the demo's environment


@pytest.fixture(scope="module")
def demo_server(demo: Demo) -> str:
    return demo.base


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Demo]:
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
    # Scale 0.2: small and quick (4 s), and FIN's O&P staff have untrained members to act on.
    seeded = run("seed_demo", "--scale", "0.2", "--password", PASSWORD)
    assert "op.bzk" in seeded
    assert PASSWORD in seeded
    # A second run (make demo twice) adds nothing.
    assert "nothing was added" in run("seed_demo", "--scale", "0.2", "--password", PASSWORD)

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
        yield Demo(base, run)
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


def test_op_staff_see_the_upcoming_sessions(demo_server: str) -> None:
    opener = logged_in_opener(demo_server, "op.bzk")
    page = opener.open(demo_server + "/sessions/").read().decode()
    assert "Sessies" in page
    assert re.search(r"nog \d+ plaats", page)  # places left


def post_form(opener: urllib.request.OpenerDirector, url: str, **fields: str) -> str:
    """GET the form at `url`, POST it back with its CSRF token and `fields`; the answer."""
    page = opener.open(url).read().decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
    assert token
    form = {"csrfmiddlewaretoken": token.group(1), **fields}
    return str(opener.open(url, urllib.parse.urlencode(form).encode()).read().decode())


def test_op_staff_cancel_a_registration_and_register_the_member_again(demo_server: str) -> None:
    # FIN's untrained members of upcoming committees are all registered in the demo data:
    # cancel one place from the committee page, then register the member again.
    opener = logged_in_opener(demo_server, "op.fin")
    dashboard = opener.open(demo_server + "/").read().decode()
    committee = re.findall(r'href="(/committees/\d+/)"', dashboard)[0]
    page = opener.open(demo_server + committee).read().decode()
    cancel = re.search(r'href="(/committees/\d+/members/\d+/registrations/\d+/cancel/)"', page)
    assert cancel
    post_form(opener, demo_server + cancel.group(1))
    page = opener.open(demo_server + committee).read().decode()
    register = re.search(r'href="(/committees/\d+/members/\d+/register/)"', page)
    assert register, "the member has no place now, so the page offers to register them"
    choice = opener.open(demo_server + register.group(1)).read().decode()
    session = re.search(r'name="session" value="(\d+)"', choice)
    assert session

    answer = post_form(opener, demo_server + register.group(1), session=session.group(1))

    member = register.group(1).split("/members/")[1].split("/")[0]
    assert register.group(1) not in answer
    assert re.search(rf"/members/{member}/registrations/\d+/cancel/", answer)


def test_a_dry_run_lists_the_reminders_of_the_demo_data(demo: Demo) -> None:
    listed = demo.run("send_reminders", "--dry-run")
    count = re.search(r"(\d+) new messages would be queued", listed)
    assert count
    assert int(count.group(1)) > 0
