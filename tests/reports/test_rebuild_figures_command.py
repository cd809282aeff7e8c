"""manage.py rebuild_figures: every stored figure again from the data, idempotent."""

from __future__ import annotations

import datetime
import io

import pytest
from django.core.management import call_command

from reports.models import StoredFigures
from tests.factories import CommitteeFactory, MembershipFactory

pytestmark = pytest.mark.django_db


def rows() -> list[tuple[int, int, int, dict[str, int]]]:
    return sorted(
        (r.department_id, r.year, r.number, r.counts()) for r in StoredFigures.objects.all()
    )


def test_it_repairs_wrong_rows_and_a_second_run_changes_nothing(department) -> None:
    MembershipFactory(
        committee=CommitteeFactory(department=department, interview_date=datetime.date(2025, 5, 1))
    )
    # A row with no data behind it (a past bug, SQL by hand): the rebuild removes it.
    StoredFigures.objects.create(department=department, year=2021, number=1, committees=9)
    out = io.StringIO()

    call_command("rebuild_figures", stdout=out)
    first = rows()
    call_command("rebuild_figures", stdout=io.StringIO())

    assert rows() == first
    [(department_id, year, number, counts)] = first
    assert (department_id, year, number) == (department.pk, 2025, 2)
    assert (counts["committees"], counts["memberships"]) == (1, 1)
    assert "1 rows" in out.getvalue()
