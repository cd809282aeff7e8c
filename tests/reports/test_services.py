from __future__ import annotations

import io
import time
import zipfile
from typing import Any

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from reports.models import (
    ImmutableError,
    JobStatus,
    ReportFile,
    ReportJob,
    ReportSnapshot,
    Trigger,
)
from reports.services import job_request, job_retry, job_run, report_compile
from reports.tasks import compile_report_job
from tests.factories import CompletionFactory
from tests.reports.conftest import World


def compile_icop(user=None) -> tuple[ReportSnapshot, bool]:
    return report_compile(kind="icop", quarter="2025Q1", requested_by=user, trigger=Trigger.PAGE)


class TestCompile:
    def test_compiling_stores_the_figures_the_hash_and_three_files(self, world: World) -> None:
        snapshot, created = compile_icop()
        assert created
        assert snapshot.version == 1
        assert snapshot.previous is None
        assert len(snapshot.content_hash) == 64
        assert snapshot.data["quarter"] == "2025Q1"
        files = {f.format: bytes(f.content) for f in snapshot.files.all()}
        assert set(files) == {"xlsx", "csv", "pdf"}
        assert files["pdf"].startswith(b"%PDF")
        assert files["xlsx"].startswith(b"PK")

    def test_compiling_again_without_changes_returns_the_same_snapshot(self, world: World) -> None:
        first, _ = compile_icop()
        again, created = compile_icop()
        assert not created
        assert again.pk == first.pk
        assert ReportSnapshot.objects.count() == 1

    def test_a_correction_gives_a_new_version_and_leaves_the_old_one_alone(
        self, world: World
    ) -> None:
        first, _ = compile_icop()
        old_data, old_hash = first.data, first.content_hash
        old_pdf = bytes(ReportFile.objects.get(snapshot=first, format="pdf").content)
        # A completion registered late: the untrained member of c1 did attend in January.
        member = (
            world.chair.memberships.get().committee.memberships.exclude(person=world.chair).get()
        )
        CompletionFactory(person=member.person, session=world.q1_session)
        second, created = compile_icop()
        assert created
        assert second.version == 2
        assert second.previous == first
        assert second.content_hash != old_hash
        first.refresh_from_db()
        assert first.data == old_data
        assert first.content_hash == old_hash
        assert bytes(ReportFile.objects.get(snapshot=first, format="pdf").content) == old_pdf

    def test_a_snapshot_can_never_be_changed(self, world: World) -> None:
        snapshot, _ = compile_icop()
        snapshot.quarter = "2024Q4"
        with pytest.raises(ImmutableError):
            snapshot.save()

    def test_hidden_figures_show_one_neutral_mark_in_every_export(self, world: World) -> None:
        snapshot, _ = compile_icop()
        files = {f.format: bytes(f.content) for f in snapshot.files.all()}
        with zipfile.ZipFile(io.BytesIO(files["csv"])) as archive:
            csv = archive.read("icop_2025Q1_departments.csv").decode("utf-8-sig")
        aaa = next(line for line in csv.splitlines() if line.startswith("AAA;"))
        assert aaa.split(";")[3:6] == ["•", "•", "•"]
        sheet = next(
            ws
            for ws in load_workbook(io.BytesIO(files["xlsx"])).worksheets
            if any(c.value == "AAA" for c in ws["A"])
        )
        row = next(r for r in sheet.iter_rows(values_only=True) if r[0] == "AAA")
        assert row[3:6] == ("•", "•", "•")

    def test_every_export_names_the_quarter_in_words_and_spreadsheets_keep_its_code(
        self, world: World
    ) -> None:
        snapshot, _ = compile_icop()
        files = {f.format: bytes(f.content) for f in snapshot.files.all()}
        # The trend's table: "Kwartaal" in words, then its code for sorting, then figures.
        with zipfile.ZipFile(io.BytesIO(files["csv"])) as archive:
            tables = [archive.read(name).decode("utf-8-sig") for name in archive.namelist()]
        [trend] = [table.splitlines() for table in tables if "Kwartaal (code)" in table]
        assert trend[0].split(";")[:2] == ["Kwartaal", "Kwartaal (code)"]
        assert [line.split(";")[:2] for line in trend[1:]][-2:] == [
            ["4e kwartaal 2024", "2024Q4"],
            ["1e kwartaal 2025", "2025Q1"],
        ]
        book = load_workbook(io.BytesIO(files["xlsx"]))
        explanation = [c for row in book.worksheets[0].iter_rows(values_only=True) for c in row]
        assert "1e kwartaal 2025" in explanation
        assert "2025Q1" not in explanation
        [sheet] = [ws for ws in book.worksheets if ws["B1"].value == "Kwartaal (code)"]
        assert (sheet["A1"].value, sheet[f"A{sheet.max_row}"].value) == (
            "Kwartaal",
            "1e kwartaal 2025",
        )
        assert sheet[f"B{sheet.max_row}"].value == "2025Q1"
        pdf = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(files["pdf"])).pages)
        assert "1e kwartaal 2025" in " ".join(pdf.split())
        assert "2025Q1" not in pdf
        assert "2024Q4" not in pdf


class TestJobs:
    def test_a_job_compiles_both_reports_and_records_its_progress(
        self, world: World, django_capture_on_commit_callbacks, bureau
    ) -> None:
        with django_capture_on_commit_callbacks(execute=True):
            job, _created = job_request(
                kind="all", quarter="2025Q1", requested_by=bureau, trigger=Trigger.PAGE
            )
        job.refresh_from_db()
        assert job.status == JobStatus.DONE
        assert job.progress == 100
        assert sorted(job.snapshots.values_list("kind", flat=True)) == ["icop", "regiegroep"]
        assert job.snapshots.first().requested_by == bureau  # type: ignore[union-attr]

    def test_nothing_is_queued_before_the_transaction_commits(
        self, world: World, django_capture_on_commit_callbacks
    ) -> None:
        with django_capture_on_commit_callbacks(execute=False) as callbacks:
            job_request(kind="icop", quarter="2025Q1", requested_by=None, trigger=Trigger.PAGE)
        assert len(callbacks) == 1
        assert ReportSnapshot.objects.count() == 0

    def test_a_redelivered_job_does_not_compile_twice(self, world: World) -> None:
        job = ReportJob.objects.create(kind="icop", quarter="2025Q1", trigger=Trigger.PAGE)
        job_run(job_id=job.pk)
        job_run(job_id=job.pk)  # the broker delivers the message again
        compile_report_job.apply(args=(job.pk,))
        assert ReportSnapshot.objects.count() == 1
        job.refresh_from_db()
        assert job.attempts == 1

    def test_a_job_that_crashed_half_way_can_run_again(self, world: World) -> None:
        job = ReportJob.objects.create(
            kind="all", quarter="2025Q1", trigger=Trigger.PAGE, status=JobStatus.RUNNING
        )
        job_run(job_id=job.pk)
        job.refresh_from_db()
        assert job.status == JobStatus.DONE
        assert ReportSnapshot.objects.count() == 2

    def test_a_job_told_to_stop_waits_with_its_first_report_and_goes_on_with_the_second(
        self, world: World, monkeypatch
    ) -> None:
        compiled: list[str] = []
        original = report_compile

        def counting(**kwargs: Any) -> Any:
            compiled.append(kwargs["kind"])
            return original(**kwargs)

        monkeypatch.setattr("reports.services.report_compile", counting)
        job = ReportJob.objects.create(kind="all", quarter="2025Q1", trigger=Trigger.PAGE)
        asked = iter([False, True])  # one report, then stop
        job_run(job_id=job.pk, should_stop=lambda: next(asked))
        job.refresh_from_db()
        assert (job.status, job.progress, compiled) == (JobStatus.QUEUED, 52, ["regiegroep"])

        job_run(job_id=job.pk, should_stop=lambda: False)
        job.refresh_from_db()
        assert (job.status, job.progress, job.attempts) == (JobStatus.DONE, 100, 2)
        assert compiled == ["regiegroep", "icop"]
        assert ReportSnapshot.objects.count() == 2

    def test_a_failing_compile_marks_the_job_failed(self, world: World, monkeypatch) -> None:
        def boom(**kwargs: object) -> None:
            raise RuntimeError("kapot")

        monkeypatch.setattr("reports.services.report_compile", boom)
        job = ReportJob.objects.create(kind="icop", quarter="2025Q1", trigger=Trigger.PAGE)
        with pytest.raises(RuntimeError):
            job_run(job_id=job.pk)
        job.refresh_from_db()
        assert job.status == JobStatus.FAILED
        assert "kapot" in job.message

    def test_the_task_is_late_acknowledged_and_time_limited(self) -> None:
        assert compile_report_job.acks_late
        assert compile_report_job.time_limit
        assert compile_report_job.soft_time_limit


def test_when_redis_is_down_asking_fails_fast_and_keeps_the_request(
    world: World, dead_broker: None, django_capture_on_commit_callbacks
) -> None:
    started = time.monotonic()
    with django_capture_on_commit_callbacks(execute=True):
        job, _created = job_request(
            kind="icop", quarter="2025Q1", requested_by=None, trigger=Trigger.PAGE
        )
    elapsed = time.monotonic() - started
    assert elapsed < 5
    job.refresh_from_db()
    assert job.status == JobStatus.NOT_QUEUED
    assert "probeer het zo opnieuw" in job.message  # Dutch by default
    assert ReportJob.objects.filter(pk=job.pk).exists()
    assert job_retry(job=job) is False  # still down; still kept
    assert ReportJob.objects.get(pk=job.pk).status == JobStatus.NOT_QUEUED


def test_a_job_kept_while_redis_was_down_runs_when_retried(world: World) -> None:
    job = ReportJob.objects.create(
        kind="icop", quarter="2025Q1", trigger=Trigger.PAGE, status=JobStatus.NOT_QUEUED
    )
    assert job_retry(job=job) is True  # eager in tests: runs in-process
    job.refresh_from_db()
    assert job.status == JobStatus.DONE
