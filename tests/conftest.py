from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.core.cache import cache

from departments.models import Department
from tests.factories import DepartmentFactory, administrator, bureau_user, op_staff
from tests.smtp import SmtpServer
from training_monitor.celery import app as celery_app


@pytest.fixture(autouse=True)
def _empty_cache() -> None:
    """Each test starts with an empty cache: the dashboard keeps a department's part under
    its data version, which the services raise but the factories (writing around them)
    do not, and the reference ministries keep their ids from test to test."""
    cache.clear()


@pytest.fixture
def department(db: None) -> Department:
    return DepartmentFactory(code="AAA")


@pytest.fixture
def other_department(db: None) -> Department:
    return DepartmentFactory(code="ZZZ")


@pytest.fixture
def op_user(department: Department):
    return op_staff(department, username="op.aaa")


@pytest.fixture
def outsider(other_department: Department):
    """O&P staff of another department: must never see `department`'s data."""
    return op_staff(other_department, username="op.zzz")


@pytest.fixture
def bureau(db: None):
    return bureau_user()


@pytest.fixture
def admin_user_(db: None):
    return administrator()


@pytest.fixture
def dead_broker() -> Iterator[None]:
    """Point Celery at a port where nothing listens, as when Redis is down."""
    app = celery_app
    saved = {key: app.conf[key] for key in ("broker_url", "task_always_eager")}
    app.conf.update(broker_url="redis://127.0.0.1:1/0", task_always_eager=False)
    app._pool = None  # the connection pool was made for the old URL
    app.amqp._producer_pool = None
    yield
    app.conf.update(saved)
    app._pool = None
    app.amqp._producer_pool = None


@pytest.fixture
def smtp_server(settings: Any) -> Iterator[SmtpServer]:
    """A real SMTP server (aiosmtpd) on a free port; Django sends to it meanwhile."""
    server = SmtpServer()
    controller = server.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = server.host
    settings.EMAIL_PORT = server.port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    try:
        yield server
    finally:
        controller.stop()
