"""Retention (AVG) leaves the frozen reports exactly as they were."""

from __future__ import annotations

import datetime
import json

import pytest
from django.utils import timezone

from departments.models import Person
from privacy.retention import ANONYMOUS_NAME, people_apply_retention
from reports.models import ReportFile, ReportSnapshot, Trigger
from reports.services import content_hash, report_compile
from tests.factories import PersonFactory
from tests.reports.conftest import World

pytestmark = pytest.mark.django_db

FUTURE = timezone.localdate() + datetime.timedelta(days=9 * 366)


def test_retention_keeps_every_frozen_figure_and_a_recompile_gives_the_same_hash(
    world: World,
) -> None:
    snapshots = [
        report_compile(kind=kind, quarter="2025Q1", requested_by=None, trigger=Trigger.PAGE)[0]
        for kind in ("regiegroep", "icop")
    ]
    before = {s.pk: (s.content_hash, json.dumps(s.data, sort_keys=True)) for s in snapshots}
    files_before = {f.pk: bytes(f.content) for f in ReportFile.objects.all()}
    names = [world.chair.last_name, world.a_old.last_name, world.b_person.last_name]
    lonely = PersonFactory(department=world.aaa)

    result = people_apply_retention(years=7, today=FUTURE)

    assert result.anonymised >= 4
    assert not Person.objects.filter(pk=lonely.pk).exists()
    world.chair.refresh_from_db()
    assert world.chair.first_name == ANONYMOUS_NAME
    for snapshot in ReportSnapshot.objects.all():
        digest, data = before[snapshot.pk]
        assert snapshot.content_hash == digest == content_hash(snapshot.data)
        assert json.dumps(snapshot.data, sort_keys=True) == data
        assert not any(name in data for name in names)  # aggregates only
    assert {f.pk: bytes(f.content) for f in ReportFile.objects.all()} == files_before
    # The live figures still add up to the same: compiling again changes nothing.
    for kind in ("regiegroep", "icop"):
        _snapshot, created = report_compile(
            kind=kind, quarter="2025Q1", requested_by=None, trigger=Trigger.PAGE
        )
        assert not created
