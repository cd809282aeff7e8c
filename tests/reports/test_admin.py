from __future__ import annotations

from django.urls import reverse

from reports.models import JobStatus, ReportJob, ReportSnapshot
from tests.reports.conftest import World


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
