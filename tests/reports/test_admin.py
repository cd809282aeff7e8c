from __future__ import annotations

from django.urls import reverse

from reports.models import JobStatus, ReportJob, ReportSnapshot, SelfReportedFigures, Trigger
from reports.services import report_compile
from tests.reports.conftest import World
from tests.reports.test_quarter_labels import readable


def test_adding_a_snapshot_in_the_admin_compiles_the_quarter(
    client, admin_user_, world: World
) -> None:
    client.force_login(admin_user_)
    url = reverse("admin:reports_reportsnapshot_add")
    response = client.post(url, {"kind": "icop", "quarter": "2025Q1"})
    assert response.status_code == 302
    snapshot = ReportSnapshot.objects.get()
    assert snapshot.requested_by == admin_user_
    assert snapshot.files.count() == 3
    client.post(url, {"kind": "icop", "quarter": "2025Q1"})
    assert ReportSnapshot.objects.count() == 1  # nothing changed: the same snapshot


def test_asking_for_a_job_in_the_admin_queues_it_after_the_commit(
    client, admin_user_, world: World, django_capture_on_commit_callbacks
) -> None:
    client.force_login(admin_user_)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("admin:reports_reportjob_add"), {"kind": "all", "quarter": "2025Q1"})
    job = ReportJob.objects.get()
    assert job.status == JobStatus.DONE
    assert job.snapshots.count() == 2


def test_op_staff_do_not_see_the_reports_admin(client, op_user) -> None:
    client.force_login(op_user)
    for name in ("reportsnapshot", "selfreportedfigures"):
        response = client.get(reverse(f"admin:reports_{name}_changelist"))
        assert response.status_code == 302
        assert response.url.startswith(reverse("admin:login"))


def test_the_programme_bureau_does_not_use_the_reports_admin(client, bureau) -> None:
    # The bureau keeps interventions and self-reported figures on the reports pages.
    client.force_login(bureau)
    response = client.get(reverse("admin:reports_intervention_changelist"))
    assert response.status_code == 302


def test_the_admin_shows_quarters_in_words_and_takes_them_back(
    client, admin_user_, world: World
) -> None:
    snapshot, _created = report_compile(
        kind="icop", quarter="2025Q1", requested_by=None, trigger=Trigger.COMMAND
    )
    job = ReportJob.objects.create(
        kind="icop", quarter="2025Q1", trigger=Trigger.PAGE, status=JobStatus.DONE
    )
    figures = SelfReportedFigures.objects.create(
        department=world.ccc, quarter="2025Q1", committees=1, compliant_committees=1,
        memberships=2, trained_memberships=1, people_trained=1,
    )  # fmt: skip
    client.force_login(admin_user_)
    pages = [
        reverse(f"admin:reports_{name}_changelist")
        for name in ("reportsnapshot", "reportjob", "selfreportedfigures")
    ] + [
        reverse("admin:reports_reportsnapshot_change", args=[snapshot.pk]),
        reverse("admin:reports_reportjob_change", args=[job.pk]),
    ]
    for url in pages:
        text = readable(client.get(url).content.decode())
        assert "1e kwartaal 2025" in text, url
        assert "2025Q1" not in text, url

    url = reverse("admin:reports_selfreportedfigures_change", args=[figures.pk])
    assert 'value="1e kwartaal 2025"' in client.get(url).content.decode()
    data = {
        "department": world.ccc.pk, "quarter": "4e kwartaal 2024", "committees": 1,
        "compliant_committees": 1, "memberships": 2, "trained_memberships": 2, "people_trained": 1,
    }  # fmt: skip
    assert client.post(url, data).status_code == 302
    figures.refresh_from_db()
    assert figures.quarter == "2024Q4"
