"""The quarterly compile Celery beat sends (reports.tasks.compile_ended_quarter) runs once.

Beat may send it more than once for the same quarter: after a restart when it was killed
before it saved that it had sent it, and on a new installation whose compile day has
passed this quarter (training_monitor/schedule.py). A quarter whose scheduled compile is
done is not compiled again.
"""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from reports.models import JobStatus, ReportJob, ReportSnapshot, Trigger
from reports.quarters import Quarter
from reports.tasks import compile_ended_quarter

LAST_ENDED = str(Quarter.last_ended(timezone.localdate()))


def test_the_schedule_compiles_the_ended_quarter_into_one_done_job(world: Any) -> None:
    compile_ended_quarter.apply()
    job = ReportJob.objects.get()
    assert (job.quarter, job.trigger, job.status) == (LAST_ENDED, Trigger.SCHEDULE, "done")
    assert job.attempts == 1
    assert ReportSnapshot.objects.filter(quarter=LAST_ENDED).count() == 2


def test_a_quarter_whose_scheduled_compile_is_done_is_not_compiled_twice(
    world: Any, django_assert_num_queries: Any
) -> None:
    compile_ended_quarter.apply()
    done = ReportJob.objects.get()
    # The second time only finds the quarter (its first data: 1 query) and its job (a
    # savepoint around the look-up): no figures, no snapshot, no status change.
    with django_assert_num_queries(4):
        compile_ended_quarter.apply()
    again = ReportJob.objects.get()
    assert again.pk == done.pk
    assert again.attempts == 1
    assert again.finished_at == done.finished_at
    assert ReportSnapshot.objects.filter(quarter=LAST_ENDED).count() == 2


def test_a_failed_scheduled_compile_is_run_again_by_the_next_send(world: Any) -> None:
    failed = ReportJob.objects.create(
        kind="all", quarter=LAST_ENDED, trigger=Trigger.SCHEDULE, status=JobStatus.FAILED
    )
    compile_ended_quarter.apply()
    failed.refresh_from_db()
    assert failed.status == JobStatus.DONE
    assert ReportJob.objects.count() == 1
