"""Limits on what the reports accept: quarters with data only, one active compile per
quarter and kind, and malformed ids that get a form error instead of a 500."""

from __future__ import annotations

import datetime
import threading
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.urls import reverse
from django.utils import timezone, translation

from reports.models import JobStatus, ReportJob, ReportSnapshot, SelfReportedFigures, Trigger
from reports.quarters import Quarter
from reports.selectors import QuarterNotReportable, reportable_quarter, reportable_quarters
from reports.services import job_request, job_retry, report_compile
from reports.tasks import compile_ended_quarter, compile_report_job
from tests.reports.conftest import World
from tests.workers import app_sending_to, redis_url_or_skip

LAST_ENDED = Quarter.last_ended(timezone.localdate())


class TestReportableQuarters:
    def test_they_run_from_the_first_quarter_with_data_to_the_last_ended_one(
        self, world: World
    ) -> None:
        quarters = reportable_quarters()
        assert quarters[0] == LAST_ENDED
        assert quarters[-1] == Quarter(2021, 1)  # the first tender starts in 2021

    def test_without_any_data_there_is_nothing_to_report(self, db: None) -> None:
        assert reportable_quarters() == []
        with translation.override("en"), pytest.raises(QuarterNotReportable, match="no data"):
            reportable_quarter(LAST_ENDED)

    def test_a_quarter_that_has_not_ended_is_refused_with_the_last_ended_one_named(
        self, world: World
    ) -> None:
        with translation.override("nl"), pytest.raises(QuarterNotReportable) as refused:
            reportable_quarter("9999Q3")
        # In words ("3e kwartaal 2026"), as the form reads it back.
        assert f"{LAST_ENDED.number}e kwartaal {LAST_ENDED.year}" in str(refused.value)
        assert str(LAST_ENDED) not in str(refused.value)
        with pytest.raises(QuarterNotReportable):
            reportable_quarter(LAST_ENDED.next())

    def test_a_quarter_before_the_data_is_refused_with_the_range_named(self, world: World) -> None:
        with translation.override("nl"), pytest.raises(QuarterNotReportable) as refused:
            reportable_quarter("1900Q1")
        assert "1e kwartaal 2021" in str(refused.value)


class TestEveryPathChecksTheQuarter:
    def test_the_compile_page_refuses_a_future_quarter_in_dutch(
        self, client, bureau, world: World
    ) -> None:
        client.force_login(bureau)
        response = client.post(reverse("reports:compile"), {"quarter": "9999Q3", "kind": "all"})
        assert response.status_code == 400
        assert "is nog niet afgelopen" in response.content.decode()
        assert not ReportJob.objects.exists()

    def test_the_compile_page_refuses_1900_with_a_clear_message_in_english(
        self, client, bureau, world: World
    ) -> None:
        client.force_login(bureau)
        response = client.post(
            reverse("reports:compile"),
            {"quarter": "1900Q1", "kind": "all"},
            headers={"accept-language": "en"},
            HTTP_ACCEPT_LANGUAGE="en",
        )
        assert response.status_code == 400
        assert "There is no data before Q1 2021" in response.content.decode()
        assert not ReportJob.objects.exists()

    def test_the_service_makes_no_permanent_snapshot_of_a_future_quarter(
        self, world: World
    ) -> None:
        with pytest.raises(QuarterNotReportable):
            report_compile(kind="icop", quarter="9999Q3", requested_by=None, trigger=Trigger.PAGE)
        with pytest.raises(QuarterNotReportable):
            job_request(kind="all", quarter="9999Q3", requested_by=None, trigger=Trigger.PAGE)
        assert not ReportSnapshot.objects.exists()
        assert not ReportJob.objects.exists()

    @pytest.mark.parametrize("command", ["compile_reports", "export_report"])
    @pytest.mark.parametrize("quarter", ["9999Q3", "1900Q1"])
    def test_the_commands_refuse_with_the_message(
        self, world: World, command: str, quarter: str, tmp_path: Any
    ) -> None:
        extra = (
            ["--kind", "icop", "--format", "pdf", "-o", str(tmp_path / "out.pdf")]
            if command == "export_report"
            else []
        )
        # The message names the range: the first quarter with data or the last ended one
        # (commands speak English: "Q1 2021").
        with pytest.raises(CommandError, match=rf"Q1 2021|Q{LAST_ENDED.number} {LAST_ENDED.year}"):
            call_command(command, "--quarter", quarter, *extra)
        assert not ReportSnapshot.objects.exists()

    def test_the_commands_read_a_quarter_as_people_write_it(self, world: World) -> None:
        call_command("compile_reports", "--quarter", "1e kwartaal 2025", "--kind", "icop")
        assert ReportSnapshot.objects.get().quarter == "2025Q1"
        with pytest.raises(CommandError, match=r"geen kwartaal|not a quarter"):
            call_command("compile_reports", "--quarter", "Q5 2025")

    def test_the_admin_refuses_a_future_quarter(self, client, admin_user_, world: World) -> None:
        client.force_login(admin_user_)
        for model in ("reportsnapshot", "reportjob"):
            response = client.post(
                reverse(f"admin:reports_{model}_add"), {"kind": "icop", "quarter": "9999Q3"}
            )
            assert response.status_code == 200
            assert "nog niet afgelopen" in response.content.decode()
        assert not ReportSnapshot.objects.exists()
        assert not ReportJob.objects.exists()

    def test_the_schedule_compiles_nothing_before_there_is_data(self, db: None) -> None:
        compile_ended_quarter.apply()
        assert not ReportJob.objects.exists()
        assert not ReportSnapshot.objects.exists()

    def test_self_reported_figures_for_a_future_quarter_are_refused(
        self, client, bureau, world: World
    ) -> None:
        client.force_login(bureau)
        response = client.post(
            reverse("reports:self_reported"),
            {"department": world.ccc.pk, "quarter": "9999Q3", "committees": 1},
        )
        assert response.status_code == 200
        assert "nog niet afgelopen" in response.content.decode()


class TestOneActiveCompile:
    def test_fifty_requests_on_the_page_give_one_job(
        self, client, bureau, world: World, django_capture_on_commit_callbacks
    ) -> None:
        client.force_login(bureau)
        with django_capture_on_commit_callbacks(execute=False) as queued:
            responses = [
                client.post(reverse("reports:compile"), {"quarter": "2025Q1", "kind": "all"})
                for _ in range(50)
            ]
        job = ReportJob.objects.get()
        assert job.status == JobStatus.QUEUED
        assert {r.url for r in responses} == {reverse("reports:job", args=[job.pk])}
        assert len(queued) == 1  # enqueued once

    def test_a_repeat_request_says_it_joins_the_running_compile(
        self, client, bureau, world: World
    ) -> None:
        ReportJob.objects.create(
            kind="all", quarter="2025Q1", trigger=Trigger.SCHEDULE, status=JobStatus.RUNNING
        )
        client.force_login(bureau)
        response = client.post(
            reverse("reports:compile"), {"quarter": "2025Q1", "kind": "all"}, follow=True
        )
        assert "wordt al gemaakt" in response.content.decode()
        assert ReportJob.objects.count() == 1

    def test_another_kind_or_quarter_or_a_finished_job_gives_a_new_job(self, world: World) -> None:
        first, created = job_request(
            kind="all", quarter="2025Q1", requested_by=None, trigger=Trigger.PAGE
        )
        assert created
        assert job_request(kind="icop", quarter="2025Q1", requested_by=None, trigger="page")[1]
        assert job_request(kind="all", quarter="2024Q4", requested_by=None, trigger="page")[1]
        ReportJob.objects.filter(pk=first.pk).update(status=JobStatus.DONE)
        assert job_request(kind="all", quarter="2025Q1", requested_by=None, trigger="page")[1]

    def test_the_schedule_joins_a_compile_asked_for_on_the_page(self, world: World) -> None:
        asked, _created = job_request(
            kind="all", quarter=LAST_ENDED, requested_by=None, trigger=Trigger.PAGE
        )
        ReportJob.objects.filter(pk=asked.pk).update(status=JobStatus.QUEUED)
        compile_ended_quarter.apply()
        job = ReportJob.objects.get()
        assert job.pk == asked.pk
        assert job.status == JobStatus.DONE

    def test_a_job_stuck_for_too_long_no_longer_blocks_compiling(self, world: World) -> None:
        stuck = ReportJob.objects.create(kind="all", quarter="2025Q1", trigger=Trigger.PAGE)
        ReportJob.objects.filter(pk=stuck.pk).update(
            created_at=timezone.now() - datetime.timedelta(days=1)
        )
        _job, created = job_request(
            kind="all", quarter="2025Q1", requested_by=None, trigger=Trigger.PAGE
        )
        assert created
        stuck.refresh_from_db()
        assert stuck.status == JobStatus.FAILED

    def test_retrying_a_failed_job_while_another_runs_follows_the_running_one(
        self, client, bureau, world: World
    ) -> None:
        failed = ReportJob.objects.create(
            kind="all", quarter="2025Q1", trigger=Trigger.PAGE, status=JobStatus.FAILED
        )
        running = ReportJob.objects.create(
            kind="all", quarter="2025Q1", trigger=Trigger.PAGE, status=JobStatus.RUNNING
        )
        assert job_retry(job=failed) is False
        client.force_login(bureau)
        response = client.post(reverse("reports:job_retry", args=[failed.pk]))
        assert response.url == reverse("reports:job", args=[running.pk])
        failed.refresh_from_db()
        assert failed.status == JobStatus.FAILED

    def test_the_database_refuses_a_second_active_job(self, world: World) -> None:
        from django.db import IntegrityError, transaction

        ReportJob.objects.create(kind="all", quarter="2025Q1", trigger=Trigger.PAGE)
        with pytest.raises(IntegrityError), transaction.atomic():
            ReportJob.objects.create(kind="all", quarter="2025Q1", trigger=Trigger.PAGE)


@pytest.mark.django_db(transaction=True)
def test_requests_at_the_same_moment_give_one_job(world: World) -> None:
    """Eight threads, each its own database connection, ask at once."""
    if connection.vendor != "postgresql":
        pytest.skip("needs a database server for concurrent connections")
    barrier = threading.Barrier(8)
    jobs: list[int] = []
    errors: list[BaseException] = []

    def ask() -> None:
        try:
            barrier.wait()
            job, _created = job_request(
                kind="all", quarter="2025Q1", requested_by=None, trigger=Trigger.PAGE
            )
            jobs.append(job.pk)
        except BaseException as error:  # reported below
            errors.append(error)
        finally:
            connection.close()

    # The task goes to a Redis queue no worker reads: the job stays queued meanwhile.
    queue = "tm-limits-unread"
    with app_sending_to(redis_url_or_skip(), queue):
        threads = [threading.Thread(target=ask) for _ in range(8)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        with compile_report_job.app.connection_for_write() as conn:
            sent = conn.default_channel.queue_purge(queue)
    assert sent == 1
    assert not errors
    assert ReportJob.objects.count() == 1
    assert set(jobs) == {ReportJob.objects.get().pk}


class TestMalformedIds:
    @pytest.mark.parametrize("department", ["9" * 25, "abc", "-1", "1.5", ""])
    def test_a_malformed_department_id_on_self_reported_is_a_form_error(
        self, client, bureau, world: World, department: str
    ) -> None:
        client.force_login(bureau)
        response = client.post(
            reverse("reports:self_reported"),
            {
                "department": department,
                "quarter": "2025Q1",
                "committees": 1,
                "compliant_committees": 1,
                "memberships": 1,
                "trained_memberships": 1,
                "people_trained": 1,
            },
        )
        assert response.status_code == 200
        assert 'aria-invalid="true"' in response.content.decode() or "department" in (
            response.context["form"].errors
        )
        assert not SelfReportedFigures.objects.exists()
