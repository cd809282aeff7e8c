"""A snapshot's page renders its figures once per figures, language and reader's scope
(reports.snapshot_page), in the Redis cache as in production, and never shows figures
a retention run changed."""

from __future__ import annotations

import datetime
import os
import uuid
from typing import Any

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from privacy.retention import people_apply_retention
from reports.frozen import snapshots_generation, snapshots_unlocked_for_retention
from reports.models import ReportSnapshot, Trigger
from reports.services import report_compile
from reports.snapshot_page import SnapshotParts, cache_key
from tests.factories import op_staff
from tests.reports.conftest import World
from tests.reports.test_quarter_labels import reading_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def redis_cache(settings: Any) -> None:
    """The cache in Redis (TEST_REDIS_URL), under a prefix of this test's own."""
    url = os.environ.get("TEST_REDIS_URL")
    if not url:
        pytest.skip("TEST_REDIS_URL is not set")
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": url,
            "KEY_PREFIX": f"test-{uuid.uuid4().hex}",
        }
    }


@pytest.fixture
def snapshot(world: World, redis_cache: None) -> ReportSnapshot:
    return report_compile(
        kind="icop", quarter="2025Q1", requested_by=None, trigger=Trigger.COMMAND
    )[0]


def page(client: Any, snapshot: ReportSnapshot) -> str:
    response = client.get(reverse("reports:snapshot", args=[snapshot.pk]))
    assert response.status_code == 200
    return str(response.content.decode())


def test_the_figures_are_rendered_once_and_read_back(client, bureau, snapshot) -> None:
    from django.core.cache import cache

    client.force_login(bureau)
    first = page(client, snapshot)
    with translation.override("nl"):
        parts = cache.get(cache_key(snapshot, None))
    assert isinstance(parts, SnapshotParts)
    assert parts.figures in first
    assert parts.explanations in first
    assert parts.figures in page(client, snapshot)


def test_op_staff_get_their_own_rows_after_the_bureau_filled_the_cache(
    client, bureau, world, snapshot
) -> None:
    client.force_login(bureau)
    everything = page(client, snapshot)
    assert "BBB" in everything
    client.force_login(op_staff(world.aaa, username="op.aaa"))
    own = page(client, snapshot)
    assert "AAA" in own
    assert "Ministerie B" not in own
    # The outsider of another ministry sees their own rows, not AAA's cached ones.
    client.force_login(op_staff(world.bbb, username="op.bbb"))
    other = page(client, snapshot)
    assert "Ministerie A" not in other
    assert "Ministerie B" in other


def test_each_language_has_its_own_rendering(client, bureau, snapshot) -> None:
    client.force_login(bureau)
    dutch = page(client, snapshot)
    with reading_in(client, "en"):
        english = page(client, snapshot)
    assert "Wat de cijfers betekenen" in dutch
    assert "What the figures mean" in english


def test_a_snapshot_retention_changed_is_rendered_again(
    client, bureau, snapshot, django_capture_on_commit_callbacks
) -> None:
    client.force_login(bureau)
    assert "Overgeschreven titel" not in page(client, snapshot)
    data = {**snapshot.data, "title": "Overgeschreven titel"}
    with (
        django_capture_on_commit_callbacks(execute=True),
        transaction.atomic(),
        snapshots_unlocked_for_retention(),
    ):
        ReportSnapshot.objects.filter(pk=snapshot.pk).update(data=data)

    assert "Overgeschreven titel" in page(client, snapshot)


def test_a_rolled_back_retention_keeps_the_renderings(
    bureau, snapshot, django_capture_on_commit_callbacks
) -> None:
    before = snapshots_generation()

    class DryRun(Exception):
        pass

    with (
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(DryRun),
        transaction.atomic(),
        snapshots_unlocked_for_retention(),
    ):
        raise DryRun

    assert snapshots_generation() == before


def test_a_view_takes_a_fixed_number_of_queries_and_writes_nothing(
    client, bureau, snapshot
) -> None:
    client.force_login(bureau)
    page(client, snapshot)  # the session, roles and the rendering cached
    with CaptureQueriesContext(connection) as context:
        page(client, snapshot)
    statements = [q["sql"].split()[0].upper() for q in context.captured_queries]
    # Session, user, roles; the snapshot, the previous quarter's and a newer version.
    assert len(statements) == 6
    assert set(statements) == {"SELECT"}


def test_a_retention_run_renders_snapshots_again_and_a_dry_run_does_not(
    snapshot, django_capture_on_commit_callbacks
) -> None:
    before = snapshots_generation()
    with django_capture_on_commit_callbacks(execute=True):
        people_apply_retention(years=1, today=datetime.date(2040, 1, 1), dry_run=True)
    assert snapshots_generation() == before

    with django_capture_on_commit_callbacks(execute=True):
        people_apply_retention(years=1, today=datetime.date(2040, 1, 1))
    assert snapshots_generation() != before
