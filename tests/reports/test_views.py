from __future__ import annotations

import datetime
import io
import re
import zipfile
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from reports.models import JobStatus, ReportJob, ReportSnapshot, SelfReportedFigures, Trigger
from reports.quarters import Quarter
from reports.services import report_compile
from tests.factories import UserFactory, op_staff
from tests.reports.conftest import World
from tests.reports.test_quarter_labels import readable, reading_in


@pytest.fixture
def snapshots(world: World) -> dict[str, ReportSnapshot]:
    return {
        kind: report_compile(
            kind=kind, quarter="2025Q1", requested_by=None, trigger=Trigger.COMMAND
        )[0]
        for kind in ("icop", "regiegroep")
    }


@pytest.fixture
def aaa_staff(world: World) -> Any:
    return op_staff(world.aaa, username="op.aaa")


@pytest.fixture
def bbb_staff(world: World) -> Any:
    """An outsider: O&P staff of another department."""
    return op_staff(world.bbb, username="op.bbb")


class TestIndex:
    def test_the_bureau_sees_every_snapshot_and_can_compile(
        self, client, bureau, snapshots
    ) -> None:
        client.force_login(bureau)
        page = client.get(reverse("reports:index")).content.decode()
        assert '<th scope="row">1e kwartaal 2025</th>' in page
        assert "2025Q1" not in page
        assert reverse("reports:snapshot", args=[snapshots["icop"].pk]) in page
        assert reverse("reports:compile") in page

    def test_in_english_the_quarters_read_q1_2025(self, client, bureau, snapshots) -> None:
        client.force_login(bureau)
        with reading_in(client, "en"):
            page = client.get(reverse("reports:index")).content.decode()
        assert '<th scope="row">Q1 2025</th>' in page
        assert "2025Q1" not in page

    def test_op_staff_see_the_list_but_cannot_compile(self, client, aaa_staff, snapshots) -> None:
        client.force_login(aaa_staff)
        response = client.get(reverse("reports:index"))
        assert response.status_code == 200
        assert reverse("reports:compile") not in response.content.decode()
        assert client.post(reverse("reports:compile"), {"quarter": "2025Q1"}).status_code == 403

    def test_a_user_without_a_role_is_refused(self, client, db) -> None:
        client.force_login(UserFactory())
        assert client.get(reverse("reports:index")).status_code == 403

    def test_anonymous_visitors_are_sent_to_log_in(self, client, db) -> None:
        assert client.get(reverse("reports:index")).status_code == 302


class TestSnapshotPage:
    def test_the_bureau_sees_tables_charts_and_downloads(self, client, bureau, snapshots) -> None:
        client.force_login(bureau)
        page = client.get(reverse("reports:snapshot", args=[snapshots["icop"].pk])).content.decode()
        assert "Ministerie A" in page
        assert "Ministerie B" in page
        assert '<img src="data:image/svg+xml;base64,' in page
        assert "•" in page  # hidden figures show the same mark on the page too
        for fmt in ("xlsx", "csv", "pdf"):
            assert reverse("reports:download", args=[snapshots["icop"].pk, fmt]) in page

    def test_the_page_names_its_quarter_in_words(self, client, bureau, snapshots) -> None:
        client.force_login(bureau)
        page = client.get(reverse("reports:snapshot", args=[snapshots["icop"].pk])).content.decode()
        assert re.search(r"<title>[^<]*1e kwartaal 2025", page)
        assert "<h1>Overzicht voor de ICOP 1e kwartaal 2025</h1>" in page
        # The trend chart's table too (the codes are in the downloads' code column).
        assert "4e kwartaal 2024" in readable(page)
        assert "2025Q1" not in readable(page)
        assert "2024Q4" not in readable(page)

    def test_a_quarter_without_interventions_says_none(self, client, bureau, snapshots) -> None:
        client.force_login(bureau)
        page = client.get(reverse("reports:snapshot", args=[snapshots["icop"].pk])).content.decode()
        assert "Geen in dit kwartaal." in page

    def test_op_staff_read_the_interventions_that_concern_them_not_none(
        self, client, aaa_staff, world, snapshots
    ) -> None:
        from reports.models import Intervention, InterventionKind

        mine = Intervention.objects.create(
            date=datetime.date(2025, 2, 3),
            kind=InterventionKind.COMMUNICATION,
            description="Brief A",
        )
        mine.departments.set([world.aaa])
        other = Intervention.objects.create(
            date=datetime.date(2025, 2, 4),
            kind=InterventionKind.COMMUNICATION,
            description="Brief B",
        )
        other.departments.set([world.bbb])
        client.force_login(aaa_staff)
        page = client.get(reverse("reports:snapshot", args=[snapshots["icop"].pk])).content.decode()
        assert "Brief A" in page
        assert "Brief B" not in page
        assert "Geen in dit kwartaal." not in page

    def test_op_staff_see_only_their_own_department(self, client, aaa_staff, snapshots) -> None:
        client.force_login(aaa_staff)
        page = client.get(reverse("reports:snapshot", args=[snapshots["icop"].pk])).content.decode()
        assert "Ministerie A" in page
        assert "Ministerie B" not in page
        assert "Ministerie C" not in page
        assert "data:image/svg+xml" not in page

    def test_an_outsider_does_not_see_the_other_department(
        self, client, bbb_staff, snapshots
    ) -> None:
        client.force_login(bbb_staff)
        for kind in ("icop", "regiegroep"):
            page = client.get(
                reverse("reports:snapshot", args=[snapshots[kind].pk])
            ).content.decode()
            assert "Ministerie A" not in page
            assert "AAA" not in page

    def test_an_outsiders_download_holds_only_their_department(
        self, client, bbb_staff, snapshots
    ) -> None:
        client.force_login(bbb_staff)
        response = client.get(reverse("reports:download", args=[snapshots["icop"].pk, "csv"]))
        assert response.status_code == 200
        with zipfile.ZipFile(io.BytesIO(response.content)) as archive:
            text = "".join(archive.read(n).decode("utf-8-sig") for n in archive.namelist())
        assert "BBB" in text
        assert "AAA" not in text
        assert "Total" not in text
        assert "Totaal" not in text

    def test_the_bureau_downloads_the_stored_files(self, client, bureau, snapshots) -> None:
        client.force_login(bureau)
        snapshot = snapshots["regiegroep"]
        response = client.get(reverse("reports:download", args=[snapshot.pk, "pdf"]))
        assert response["Content-Type"] == "application/pdf"
        assert response.content == bytes(snapshot.files.get(format="pdf").content)
        assert "regiegroep_2025Q1_v1.pdf" in response["Content-Disposition"]

    def test_the_comparison_shows_both_quarters(self, client, bureau, snapshots) -> None:
        report_compile(kind="icop", quarter="2024Q4", requested_by=None, trigger=Trigger.COMMAND)
        client.force_login(bureau)
        page = client.get(reverse("reports:compare", args=[snapshots["icop"].pk])).content.decode()
        assert "1e kwartaal 2025 vergeleken met 4e kwartaal 2024" in page
        assert "2024Q4" not in page
        assert "2025Q1" not in page
        assert "Ministerie A" in page


class TestCompilePage:
    def test_compiling_creates_a_job_and_shows_its_progress(
        self, client, bureau, world, django_capture_on_commit_callbacks
    ) -> None:
        client.force_login(bureau)
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(reverse("reports:compile"), {"quarter": "2025Q1", "kind": "all"})
        job = ReportJob.objects.get()
        assert response.url == reverse("reports:job", args=[job.pk])
        assert job.requested_by == bureau
        assert job.status == JobStatus.DONE  # eager in tests
        page = client.get(response.url).content.decode()
        assert "<progress" in page
        assert ReportSnapshot.objects.count() == 2

    def test_an_unfinished_job_page_refreshes_itself_without_javascript(
        self, client, bureau, world
    ) -> None:
        job = ReportJob.objects.create(kind="icop", quarter="2025Q1", trigger=Trigger.PAGE)
        client.force_login(bureau)
        response = client.get(reverse("reports:job", args=[job.pk]))
        assert response["Refresh"] == "3"
        assert 'hx-trigger="every 1s"' in response.content.decode()
        partial = client.get(reverse("reports:job", args=[job.pk]), headers={"HX-Request": "true"})
        assert "<html" not in partial.content.decode()

    def test_when_redis_is_down_the_page_says_so_and_keeps_the_request(
        self, client, bureau, world, dead_broker, django_capture_on_commit_callbacks
    ) -> None:
        client.force_login(bureau)
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(
                reverse("reports:compile"), {"quarter": "2025Q1", "kind": "icop"}
            )
        page = client.get(response.url).content.decode()
        assert "De wachtrij is nu niet bereikbaar" in page
        assert "Opnieuw proberen" in page
        assert ReportJob.objects.get().status == JobStatus.NOT_QUEUED

    @pytest.mark.parametrize(
        "typed", ["Q1 2025", "2025-Q1", "1e kwartaal 2025", "eerste kwartaal van 2025"]
    )
    def test_a_quarter_is_taken_as_people_write_it(
        self, client, bureau, world, typed, django_capture_on_commit_callbacks
    ) -> None:
        client.force_login(bureau)
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(reverse("reports:compile"), {"quarter": typed, "kind": "icop"})
        assert response.status_code == 302
        assert ReportJob.objects.get().quarter == "2025Q1"

    @pytest.mark.parametrize(
        ("language", "words"), [("nl", "{n}e kwartaal {y}"), ("en", "Q{n} {y}")]
    )
    def test_the_quarter_the_form_shows_in_words_can_be_sent_back_as_it_is(
        self, client, bureau, world, language, words
    ) -> None:
        last = Quarter.last_ended(timezone.localdate())
        shown = words.format(n=last.number, y=last.year)
        client.force_login(bureau)
        with reading_in(client, language):
            page = client.get(reverse("reports:index")).content.decode()
            value = re.search(r'name="quarter" value="([^"]*)"', page)
            assert value is not None
            assert value.group(1) == shown
            response = client.post(reverse("reports:compile"), {"quarter": shown, "kind": "icop"})
            assert response.status_code == 302
            assert ReportJob.objects.get().quarter == str(last)
            job_page = readable(client.get(response.url).content.decode())
        assert shown in job_page
        assert str(last) not in job_page

    def test_nonsense_gets_a_clear_dutch_message(self, client, bureau, world) -> None:
        client.force_login(bureau)
        response = client.post(reverse("reports:compile"), {"quarter": "lente", "kind": "all"})
        assert response.status_code == 400
        assert "„lente” is geen kwartaal" in response.content.decode()
        assert "4e kwartaal 2025" in response.content.decode()
        assert not ReportJob.objects.exists()

    def test_a_wrong_quarter_is_refused(self, client, bureau, world) -> None:
        client.force_login(bureau)
        response = client.post(reverse("reports:compile"), {"quarter": "2025Q9", "kind": "all"})
        assert response.status_code == 400
        assert not ReportJob.objects.exists()


class TestSelfReported:
    def test_the_bureau_enters_a_quarter_and_entering_again_replaces_it(
        self, client, bureau, world
    ) -> None:
        client.force_login(bureau)
        data = {
            "department": world.ccc.pk,
            "quarter": "2025Q1",
            "committees": 4,
            "compliant_committees": 3,
            "memberships": 10,
            "trained_memberships": 9,
            "people_trained": 6,
        }
        assert client.post(reverse("reports:self_reported"), data).status_code == 302
        assert (
            client.post(reverse("reports:self_reported"), data | {"people_trained": 7}).status_code
            == 302
        )
        figures = SelfReportedFigures.objects.get()
        assert figures.people_trained == 7
        assert figures.entered_by == bureau
        page = client.get(reverse("reports:self_reported")).content.decode()
        assert "De cijfers van CCC over het 1e kwartaal 2025 zijn opgeslagen." in page
        assert "<tr><td>1e kwartaal 2025</td><td>CCC</td>" in page
        assert "2025Q1" not in readable(page)

    def test_more_trained_than_memberships_is_refused(self, client, bureau, world) -> None:
        client.force_login(bureau)
        data = {
            "department": world.ccc.pk,
            "quarter": "2025Q1",
            "committees": 1,
            "compliant_committees": 1,
            "memberships": 2,
            "trained_memberships": 3,
            "people_trained": 0,
        }
        assert client.post(reverse("reports:self_reported"), data).status_code == 200
        assert not SelfReportedFigures.objects.exists()

    def test_op_staff_cannot_enter_figures_for_another_department(
        self, client, bbb_staff, world
    ) -> None:
        client.force_login(bbb_staff)
        data = {
            "department": world.ccc.pk,
            "quarter": "2025Q1",
            "committees": 1,
            "compliant_committees": 1,
            "memberships": 1,
            "trained_memberships": 1,
            "people_trained": 1,
        }
        client.post(reverse("reports:self_reported"), data)
        assert not SelfReportedFigures.objects.exists()
