"""The production smoke test: what the image and the compose file run, run here.

There is no Docker daemon on this machine, so no image is built and no container started.
Instead the same scripts run with the same environment (see deployment.py): the build
(scripts/build.sh assets: translations, collectstatic with the manifest storage), then
each compose service's command (scripts/run.sh migrate, web, worker, beat) against the test
PostgreSQL and Redis, with DEBUG off as in production. Everything started is stopped,
process group and all, also when a check fails.
"""

from __future__ import annotations

import os
import re
import socket
import subprocess
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import redis
from django.conf import settings
from django.contrib.auth.hashers import PBKDF2PasswordHasher, make_password
from django.core.management import call_command
from django.db import connection
from django.test import RequestFactory, override_settings
from django.views.defaults import server_error
from django_celery_beat.models import PeriodicTask

from imports.models import ImportBatch, ImportStatus
from reports.models import JobStatus, ReportJob
from tests.factories import (
    CommitteeFactory,
    DepartmentFactory,
    MembershipFactory,
    ProgrammeFactory,
    SupplierFactory,
    TenderFactory,
    administrator,
    bureau_user,
    op_staff,
)
from tests.imports.conftest import csv_file
from tests.production.deployment import (
    ROOT,
    VENV_BIN,
    Browser,
    Stack,
    _NoRedirect,
    dockerfile_env,
    healthcheck_argv,
    load_compose,
    secrets_in,
    write_secrets,
)
from tests.reference_data import reference_data_load
from tests.test_url_permissions import urls_for, walk
from tests.workers import database_url, redis_url_or_skip
from trainings.models import Supplier, TrainingCompletion

# django_db: the test database is set up (the deployment's processes use it); each test
# only reads, the fixture writes and flushes at the end.
pytestmark = [pytest.mark.production, pytest.mark.django_db]

PASSWORD = "wachtwoord-123"  # tests/factories.py
TOKEN = "smoke-health-token"
# The .env: nothing is required any more, the secrets are files (written per run, below).
DOTENV: dict[str, str] = {}
SECRETS = {
    "secret_key": "smoke-test-secret-key-that-is-long-enough-for-check-deploy-0123456789",
    "health_check_token": TOKEN,
    # MEDIA_STORAGE=filesystem: no object storage.
    "s3_secret_access_key": "",
}
# A stylesheet from the manifest: the name carries the content's hash.
HASHED_CSS = re.compile(r'href="(/static/[\w/.-]+\.[0-9a-f]{12}\.css)"')
# One worker service per queue; here one worker process consumes all their queues (two
# cores), with the environment of worker-reports and the queues of all three.
WORKERS = ("worker-imports", "worker-reports", "worker-notifications")
APP_SERVICES = ("migrate", "web", *WORKERS, "beat")


@dataclass
class Deployment:
    stack: Stack
    compose: dict[str, Any]
    envs: dict[str, dict[str, str]]
    base: str
    host: str
    static_root: Path
    users: dict[str, str]

    def browser(self, user: str | None = None) -> Browser:
        browser = Browser(self.base, self.host)
        if user:
            browser.log_in(self.users[user], PASSWORD)
        return browser


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def service_envs(
    compose: dict[str, Any],
    database: str,
    broker: str,
    overrides: dict[str, str],
    secrets: Path,
) -> dict[str, dict[str, str]]:
    """Each app service's environment as its container gets it, db and redis swapped and
    the secret files in `secrets` instead of /run/secrets."""
    envs = {}
    for name in APP_SERVICES:
        env = {
            "PATH": f"{VENV_BIN}:{os.environ['PATH']}",
            "HOME": overrides["HOME"],
            "LANG": "C.UTF-8",
            # Docker sets HOSTNAME to the container's host name, which Celery names itself by.
            "HOSTNAME": socket.gethostname(),
            **dockerfile_env(),
        }
        service = compose["services"][name]
        given = {k: "" if v is None else str(v) for k, v in service["environment"].items()}
        env.update(secrets_in(given, service, secrets))
        # The password is the secret's, not part of the URL.
        assert env["DATABASE_URL"].startswith("postgres://training_monitor@db:5432/")
        assert "db" in compose["services"]
        assert env["CELERY_BROKER_URL"].startswith("redis://redis:6379/")
        for cache in ("API_CACHE_URL", "CACHE_URL"):
            assert env[cache].startswith("redis://redis:6379/"), cache
        # The caches are in compose's Redis: here the test's.
        env.update(
            DATABASE_URL=database, CELERY_BROKER_URL=broker, API_CACHE_URL=broker, CACHE_URL=broker
        )
        env.update(overrides)
        assert env.get("DEBUG", "false") == "false"
        envs[name] = env
    return envs


def create_users() -> dict[str, str]:
    department = DepartmentFactory(code="SMK")
    # A tender gives the quarters from 2021 on data, so the compile below may ask for one.
    TenderFactory().departments.add(department)
    # A committee with a member, so that every page with an id has something to show.
    MembershipFactory(committee=CommitteeFactory(department=department))
    # A supplier with a programme, for the attendance list the import test uploads.
    ProgrammeFactory(supplier=SupplierFactory(code="SMOKE"), name="Rookproef", version="1")
    users = {
        "op": op_staff(department, username="smoke.op"),
        "bureau": bureau_user(),
        "admin": administrator(),
    }
    for user in users.values():
        # Production has no MD5 hasher (the test settings' fast one): hash as it does.
        user.password = make_password(PASSWORD, hasher=PBKDF2PasswordHasher())
        user.save(update_fields=["password"])
    return {role: user.username for role, user in users.items()}


def wait_until(condition: Any, seconds: float, what: str, log: Any = str) -> None:
    """Wait for `condition()`; on timeout fail with `log()` (a process's log)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.3)
    raise AssertionError(f"waited {seconds} s for {what}\n{log()}")


def _web_answers(deployment_base: str, host: str) -> bool:
    try:
        return Browser(deployment_base, host).request("/health/live")[0] == 200
    except OSError:
        return False


def _start(stack: Stack, compose: dict[str, Any], envs: dict[str, dict[str, str]]) -> None:
    """Build and migrate, then start worker, beat and web with their compose commands."""
    build = subprocess.Popen(
        ["scripts/build.sh", "assets", envs["web"]["STATIC_ROOT"]],
        cwd=ROOT,
        env=envs["web"],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    migrate = subprocess.run(
        compose["services"]["migrate"]["command"],
        cwd=ROOT,
        env=envs["migrate"],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert migrate.returncode == 0, migrate.stdout + migrate.stderr
    queues = ",".join(envs[name]["CELERY_WORKER_QUEUES"] for name in WORKERS)
    worker_env = {**envs["worker-reports"], "CELERY_WORKER_QUEUES": queues}
    stack.start("worker", compose["services"]["worker-reports"]["command"], worker_env)
    stack.start("beat", compose["services"]["beat"]["command"], envs["beat"])
    output = build.communicate(timeout=120)[0].decode(errors="replace")
    assert build.returncode == 0, output
    stack.start("web", compose["services"]["web"]["command"], envs["web"])


@pytest.fixture(scope="module")
def deployment(django_db_setup, django_db_blocker, tmp_path_factory) -> Iterator[Deployment]:
    broker = redis_url_or_skip()
    redis.Redis.from_url(broker).flushdb()  # no task left over from an earlier run
    tmp = tmp_path_factory.mktemp("production")
    with django_db_blocker.unblock():
        password = connection.settings_dict.get("PASSWORD") or ""
        # The test database's password comes from the secret file, as in compose.
        database = database_url().replace(f":{password}@", "@") if password else database_url()
        users = create_users()
    compose = load_compose(DOTENV)
    write_secrets(compose, tmp / "secrets", {**SECRETS, "postgres_password": password})
    port = free_port()
    overrides = {
        "HOME": str(tmp),
        "STATIC_ROOT": str(tmp / "staticfiles"),  # /app/staticfiles in the image
        "MEDIA_ROOT": str(tmp / "media"),  # the media volume, shared by web and worker
        "WEB_BIND": f"127.0.0.1:{port}",
        "WEB_WORKERS": "1",
        "CELERY_WORKER_CONCURRENCY": "1",
        "BEAT_HEARTBEAT_FILE": str(tmp / "celerybeat-heartbeat"),
    }
    envs = service_envs(compose, database, broker, overrides, tmp / "secrets")
    host = envs["web"]["ALLOWED_HOSTS"].split(",")[0]
    stack = Stack(tmp)
    started = time.monotonic()
    try:
        _start(stack, compose, envs)
        base = f"http://127.0.0.1:{port}"
        wait_until(lambda: _web_answers(base, host), 30, "web", lambda: stack.log("web"))
        print(f"deployment up in {time.monotonic() - started:.0f} s")  # noqa: T201
        yield Deployment(stack, compose, envs, base, host, tmp / "staticfiles", users)
    finally:
        stack.stop_all()
        with django_db_blocker.unblock():
            call_command("flush", interactive=False, verbosity=0)
            # flush also empties what the data migrations loaded (the ministries and their
            # aliases), which the tests after this module rely on, as on any migrated
            # database.
            reference_data_load()


def test_the_image_and_compose_run_the_scripts_this_test_runs(deployment) -> None:
    """Otherwise this test would check something other than what is deployed."""
    dockerfile = (ROOT / "Dockerfile").read_text()
    runs = re.findall(r"^RUN (.*)$", dockerfile, flags=re.MULTILINE)
    assert "scripts/build.sh install" in runs
    assert "scripts/build.sh assets" in runs
    assert 'CMD ["scripts/run.sh", "web"]' in dockerfile
    services = deployment.compose["services"]
    for name in APP_SERVICES:
        role = "worker" if name in WORKERS else name
        assert services[name]["command"] == ["scripts/run.sh", role]


def test_each_queue_has_its_worker_service_with_a_grace_period(deployment) -> None:
    """Every queue a task is routed to is consumed, and a deploy lets the task finish."""
    services = deployment.compose["services"]
    assert "worker" not in services
    queues = [deployment.envs[name]["CELERY_WORKER_QUEUES"] for name in WORKERS]
    assert sorted(queues) == sorted(settings.CELERY_QUEUE_TIME_LIMITS)
    routed = {route["queue"] for route in settings.CELERY_TASK_ROUTES.values()}
    assert routed <= set(queues)
    for name in WORKERS:
        assert services[name]["stop_grace_period"] == "120s"
        assert deployment.envs[name]["CELERY_WORKER_CONCURRENCY"]


PAGES = {
    "op": ["/", "/committees/", "/reports/", "/departments/SMK/"],
    "bureau": ["/", "/reports/", "/departments/what-if-strict/"],
    "admin": ["/admin/", "/imports/"],
}


@pytest.mark.parametrize("user", list(PAGES))
def test_main_pages_render_with_debug_off_and_hashed_static_files(deployment, user) -> None:
    browser = deployment.browser(user)
    for path in PAGES[user]:
        status, page, headers = browser.request(path)
        if status == 302 and path == "/":  # home sends O&P staff to their own dashboard
            status, page, _ = browser.request(urllib_path(headers["Location"]))
        assert status == 200, f"{path}: {status}\n{page[:500]}\n{deployment.stack.log('web')}"
        css = HASHED_CSS.search(page)
        assert css, f"{path} does not link the hashed stylesheet"
        status, _css, headers = browser.request(css.group(1))
        assert status == 200
        assert headers["Content-Type"].startswith("text/css")
        assert "max-age=315360000" in headers["Cache-Control"]  # WhiteNoise: hashed = immutable


# Not visited: logging out would end the session the other pages need; the health page
# needs its token (tested below).
NOT_VISITED = {"accounts/logout/", "health/"}


def every_page(django_db_blocker) -> list[str]:
    """Each URL pattern of the project once per id it can take (the admin's: every
    model's list and add page), filled with the smoke department's committee, member and
    person, so a template that needs a static file the manifest lacks shows up as a 500."""
    from django.contrib import admin
    from django.urls import get_resolver

    from committees.models import CommitteeMembership

    with django_db_blocker.unblock():
        membership = CommitteeMembership.objects.select_related("committee").get(
            committee__department__code="SMK"
        )
    values = {
        "pk": [str(membership.committee_id), str(membership.person_id)],
        "person_pk": [str(membership.person_id)],
        "membership_pk": [str(membership.pk)],
        "code": ["SMK"],
        "kind": ["untrained"],
        "fmt": ["csv"],
        "*": ["1"],
    }
    patterns = [p for p in walk(get_resolver().url_patterns) if not p.startswith("admin/")]
    pages = [url for p in patterns if p not in NOT_VISITED for url in urls_for(p, values)]
    for model in admin.site._registry:
        meta = model._meta
        pages += [
            f"/admin/{meta.app_label}/{meta.model_name}/",
            f"/admin/{meta.app_label}/{meta.model_name}/add/",
        ]
    return pages


@pytest.mark.parametrize("user", list(PAGES))
def test_every_page_answers_without_a_server_error_and_pages_use_the_manifest(
    deployment, django_db_blocker, user
) -> None:
    browser = deployment.browser(user)
    failures = []
    answered: dict[str, int] = {}
    for path in every_page(django_db_blocker):
        status, page, headers = browser.request(path)
        answered[path] = status
        html = status == 200 and headers.get("Content-Type", "").startswith("text/html")
        if status >= 500:
            failures.append(f"{path}: {status}")
        elif html and "<link" in page and not HASHED_CSS.search(page):
            failures.append(f"{path}: no hashed stylesheet")
    assert not failures, "\n".join(failures) + "\n" + deployment.stack.log("web")[-3000:]
    # The pages were really shown, not refused: each role's own pages answered 200.
    shown = {path for path, status in answered.items() if status == 200}
    assert {"/committees/", "/people/", "/reports/"} <= shown
    # The public pages: the accessibility statement and the password reset (OIDC is off).
    assert {"/toegankelijkheid/", "/privacy/", "/accounts/password/reset/"} <= shown
    if user == "admin":  # the lists of the project's own models (axes' are superusers')
        own = ("departments", "committees", "trainings", "reports", "django_celery_beat")
        lists = {p for p in answered if p.startswith("/admin/") and not p.endswith("/add/")}
        own_lists = {p for p in lists if p.split("/")[2] in own}
        assert len(own_lists) > 10
        assert own_lists <= shown


def test_the_access_log_has_no_query_strings(deployment) -> None:
    status, _, _ = deployment.browser("op").request("/committees/?q=Jansen")
    assert status == 200
    line = '"GET /committees/?[removed] HTTP/1.1" 200'
    # gunicorn writes the access line after the response: wait for it.
    wait_until(lambda: line in deployment.stack.log("web"), 10, "the access line")
    assert "Jansen" not in deployment.stack.log("web")


def test_the_error_pages_render(deployment) -> None:
    status, page, _ = deployment.browser("op").request("/no-such-page/")
    assert status == 404
    assert HASHED_CSS.search(page)
    status, page, _ = Browser(deployment.base, "evil.example").request("/")
    assert status == 400
    assert "<html" in page
    # A 500 cannot be caused from outside on purpose; render it as Django does, with the
    # settings and static files of the running deployment.
    storages = {
        "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
        "staticfiles": {"BACKEND": deployment.envs["web"]["STATICFILES_BACKEND"]},
    }
    with override_settings(DEBUG=False, STATIC_ROOT=deployment.static_root, STORAGES=storages):
        response = server_error(RequestFactory().get("/"))
    assert response.status_code == 500
    assert HASHED_CSS.search(response.content.decode())


def _seconds(duration: str) -> float:
    return float(duration.removesuffix("s"))


@pytest.mark.parametrize("service", ["web", *WORKERS, "beat"])
def test_the_compose_healthchecks_pass_run_verbatim(deployment, service) -> None:
    healthcheck = deployment.compose["services"][service]["healthcheck"]
    argv = healthcheck_argv(healthcheck["test"])
    for _ in range(3):  # the compose retries: a worker or beat may still be starting
        result = subprocess.run(
            argv,
            cwd=ROOT,
            env=deployment.envs[service],
            capture_output=True,
            text=True,
            timeout=_seconds(healthcheck["timeout"]) + 5,
            check=False,
        )
        if result.returncode == 0:
            break
        time.sleep(2)
    assert result.returncode == 0, result.stdout + result.stderr + deployment.stack.log(service)


def test_the_proxys_health_check_of_web_passes(deployment) -> None:
    """Caddy checks each web replica itself (health_uri); a check web refuses would take
    every replica out and the site would answer 503. Run it as Caddy sends it."""
    proxy = deployment.compose["services"]["proxy"]
    mount = next(v for v in proxy["volumes"] if v.endswith(":/etc/caddy/Caddyfile:ro"))
    caddyfile = (ROOT / mount.split(":")[0]).read_text()
    uri = re.search(r"^\s*health_uri (\S+)$", caddyfile, re.MULTILINE)
    host = re.search(r"health_headers \{\s*Host (\S+)\s*\}", caddyfile)
    assert uri, "the proxy's health check must name its path"
    assert host, "the proxy's health check must send a Host that Django accepts"
    site = host.group(1).replace("{$SITE_ADDRESS}", proxy["environment"]["SITE_ADDRESS"])
    status, _page, _ = Browser(deployment.base, site).request(uri.group(1))
    assert status == 200
    # Caddy's default Host would be refused: the header is needed.
    assert Browser(deployment.base, "web:8000").request(uri.group(1))[0] == 400


def test_health_gives_the_full_picture_with_the_token_in_the_header_only(deployment) -> None:
    browser = deployment.browser()
    assert browser.request(f"/health/?token={TOKEN}")[0] == 404
    assert browser.request("/health/ready")[0] == 200
    request = urllib.request.Request(  # noqa: S310 - a fixed http URL
        deployment.base + "/health/",
        headers={"Host": deployment.host, "Authorization": f"Bearer {TOKEN}"},
    )
    with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
        assert response.status == 200
        assert response.read().decode().count("1 worker(s) on queue") == len(WORKERS)


def test_a_report_compile_goes_through_the_real_worker(deployment, django_db_blocker) -> None:
    browser = deployment.browser("bureau")
    status, page, headers = browser.request(
        "/reports/compile/",
        {"csrfmiddlewaretoken": browser.cookies["csrftoken"], "quarter": "2026Q3", "kind": "all"},
    )
    assert status == 302, page
    job_path = urllib_path(headers["Location"])

    def done() -> bool:
        with django_db_blocker.unblock():
            job = ReportJob.objects.get(pk=int(job_path.rstrip("/").rpartition("/")[2]))
        assert job.status not in {JobStatus.FAILED, JobStatus.NOT_QUEUED}, job.message
        return job.status == JobStatus.DONE

    wait_until(done, 60, "the compile", lambda: deployment.stack.log("worker"))
    status, page, _ = browser.request(job_path)
    assert status == 200


IMPORT_ROWS = 3


def upload(browser: Browser, path: str, fields: dict[str, str], name: str, content: bytes) -> Any:
    """POST a form with one file, multipart/form-data, as the import page's form sends it."""
    boundary = "smoke-test-boundary-7f3a"
    parts = [
        f'--{boundary}\r\nContent-Disposition: form-data; name="{key}"\r\n\r\n{value}\r\n'.encode()
        for key, value in fields.items()
    ]
    parts.append(
        f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="{name}"\r\n'
        f"Content-Type: text/csv\r\n\r\n".encode()
        + content
        + f"\r\n--{boundary}--\r\n".encode()
    )
    request = urllib.request.Request(  # noqa: S310 - a fixed http URL
        browser.base + path,
        data=b"".join(parts),
        headers={
            "Host": browser.host,
            "X-Forwarded-Proto": "https",
            "Referer": f"https://{browser.host}{path}",
            "Cookie": "; ".join(f"{k}={v}" for k, v in browser.cookies.items()),
            "Content-Type": f"multipart/form-data; boundary={boundary}",
        },
    )
    try:
        return urllib.request.build_opener(_NoRedirect).open(request, timeout=30)
    except urllib.error.HTTPError as error:
        return error


def test_an_import_goes_through_the_pages_and_the_real_worker(
    deployment, django_db_blocker
) -> None:
    with django_db_blocker.unblock():
        supplier = Supplier.objects.get(code="SMOKE")  # made by create_users, committed
    rows = [
        [f"{880000 + n}", "Rook", f"Proef{n}", f"rook{n}@example.nl", "SMK", "03-03-2025",
         "Utrecht", "ja"]
        for n in range(IMPORT_ROWS)
    ]  # fmt: skip
    browser = deployment.browser("admin")
    assert browser.request("/imports/")[0] == 200  # the form, and its CSRF cookie
    token = browser.cookies["csrftoken"]
    fields = {"csrfmiddlewaretoken": token, "supplier": str(supplier.pk), "sheet": ""}
    response = upload(browser, "/imports/", fields, "rookproef.csv", csv_file(rows))
    assert response.status == 302, response.read().decode(errors="replace")
    detail = urllib_path(response.headers["Location"])
    batch_id = int(detail.rstrip("/").rpartition("/")[2])
    assert browser.request(detail)[0] == 200  # the preview
    status, page, _ = browser.request(f"{detail}apply/", {"csrfmiddlewaretoken": token})
    assert status == 302, page

    def applied() -> bool:
        with django_db_blocker.unblock():
            batch = ImportBatch.objects.get(pk=batch_id)
        assert batch.status not in {ImportStatus.FAILED, ImportStatus.REJECTED}, batch.error
        return batch.status == ImportStatus.APPLIED

    wait_until(applied, 60, "the import", lambda: deployment.stack.log("worker"))
    with django_db_blocker.unblock():
        batch = ImportBatch.objects.get(pk=batch_id)
        completions = TrainingCompletion.objects.filter(import_rows__batch=batch).distinct()
        assert batch.counts["new"] == batch.rows_done == IMPORT_ROWS
        assert completions.count() == IMPORT_ROWS
        assert set(completions.values_list("person__email", flat=True)) == {
            f"rook{n}@example.nl" for n in range(IMPORT_ROWS)
        }
    assert browser.request(detail)[0] == 200  # the result


def urllib_path(location: str) -> str:
    return re.sub(r"^https?://[^/]+", "", location)


# Each line starts with its time in UTC with the offset, or is a further line of the record
# above it (indented, as a traceback is); a bare line (a banner, a warning on stderr) fails.
LOG_LINE = re.compile(r"^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+00:00 |\s)")
# The logger that writes each process's own lines, with the project's formatter.
OWN_LOGGER = {
    "web": " INFO gunicorn.access ",
    "worker": " INFO celery.",
    "beat": " INFO celery.beat ",
}


@pytest.mark.parametrize("process", list(OWN_LOGGER))
def test_every_log_line_starts_with_a_utc_time_with_its_offset(deployment, process) -> None:
    """Read while the processes run: Celery's shutdown notice is a bare line (README)."""
    log = (deployment.stack.logs / f"{process}.log").read_text(errors="replace")
    assert OWN_LOGGER[process] in log, log[-3000:]
    bare = [line for line in log.splitlines() if not LOG_LINE.match(line)]
    assert not bare, "\n".join(bare[:20])


def test_beat_schedules_the_quarterly_compile_and_retention(deployment, django_db_blocker) -> None:
    env = deployment.envs["beat"]
    wait_until(lambda: Path(env["BEAT_HEARTBEAT_FILE"]).exists(), 20, "beat's first tick")
    # Beat runs the database scheduler, and its schedule is what migrate put in that
    # database (the one beat's DATABASE_URL names): read it from there.
    assert "Schedule read from the database" in deployment.stack.log("beat")
    assert env["DATABASE_URL"] == database_url()
    with django_db_blocker.unblock():
        entries = {
            task.name: (task.task, str(task.crontab), task.enabled)
            for task in PeriodicTask.objects.select_related("crontab")
        }
    amsterdam = "(m/h/dM/MY/d) Europe/Amsterdam"
    assert entries == {
        "compile-ended-quarter-reports": (
            "reports.tasks.compile_ended_quarter",
            f"0 6 5 1,4,7,10 * {amsterdam}",
            True,
        ),
        "forget-old-list-downloads": (
            "worklists.tasks.forget_old_list_downloads",
            f"15 * * * * {amsterdam}",
            True,
        ),
        "send-daily-reminders": (
            "worklists.tasks.send_daily_reminders",
            f"0 7 * * * {amsterdam}",
            True,
        ),
        "send-pending-notifications": (
            "notifications.tasks.send_pending_notifications",
            f"*/5 * * * * {amsterdam}",
            True,
        ),
        "apply-retention": ("privacy.tasks.apply_retention", f"30 3 1 * * {amsterdam}", True),
    }
