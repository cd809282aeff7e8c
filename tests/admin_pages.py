"""Every page of the Django admin, each with one object: for the admin's language and
accessibility tests (tests/test_admin_dutch.py, tests/browser/test_admin_accessibility.py).

`admin_sample_objects` makes one object for every registered ModelAdmin, with the
factories where there is one; `admin_pages` lists each admin's changelist, add page and
change page, the history pages and the attendance import with counts, problems and
skipped rows. A model added to the admin without a sample here fails the tests.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib import admin
from django.contrib.auth.models import User
from django.core.files.base import ContentFile
from django.db import models
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone
from django_celery_beat.models import (
    ClockedSchedule,
    CrontabSchedule,
    IntervalSchedule,
    PeriodicTask,
    SolarSchedule,
)
from simple_history.admin import SimpleHistoryAdmin

from api.services import api_client_register
from committees.models import CommitteeStatus
from committees.services import committee_update
from departments.models import DepartmentAlias
from imports.models import ImportBatch, ImportProfile, ImportRow, ImportStatus, RowOutcome
from notifications.models import Notification, NotificationPreference
from reports.models import Intervention, ReportJob, ReportSnapshot, SelfReportedFigures
from tests.factories import (
    CompletionFactory,
    DepartmentFactory,
    EvaluationFactory,
    MembershipFactory,
    PersonFactory,
    SessionFactory,
    SupplierFactory,
    TenderFactory,
)
from trainings.models import CompletionStatus, WaitlistEntry

COUNTS = {
    "total": 12,
    "new": 7,
    "updated": 2,
    "unchanged": 1,
    "review": 1,
    "rejected": 1,
    "skipped": 2,
}


@dataclass(frozen=True)
class AdminPage:
    name: str
    url: str


def _import_batch(user: User, supplier: Any) -> ImportBatch:
    batch = ImportBatch.objects.create(
        supplier=supplier,
        file=ContentFile(b"Personeelsnummer;Datum\n", name="aanwezigheid.csv"),
        file_name="aanwezigheid.csv",
        file_size=24,
        sha256="a" * 64,
        uploaded_by=user,
        status=ImportStatus.APPLIED,
        applied_at=timezone.now(),
        counts=COUNTS,
        problems=[
            {
                "row": None,
                "column": None,
                "field": None,
                "code": "unknown_column",
                "message": "De kolom Opmerking is onbekend.",
            },
            {
                "row": 4,
                "column": "Datum",
                "field": "date",
                "code": "invalid_date",
                "message": "Dit is geen datum.",
            },
        ],
        skipped_rows=[
            {
                "row": 13,
                "last_row": 14,
                "reason": "total",
                "text": "Totaal | 12",
                "message": "Totaal",
            }
        ],
        rows_done=12,
    )
    return batch


def _committee_with_history(user: User) -> Any:
    """A committee whose status went from planned to confirmed: its history shows it."""
    membership = MembershipFactory(person__last_name="Jansen")
    committee = membership.committee
    CompletionFactory(person=membership.person, status=CompletionStatus.ATTENDED)
    committee_update(committee=committee, user=user, status=CommitteeStatus.CONFIRMED)
    return committee


def admin_sample_objects(user: User) -> dict[type[models.Model], models.Model]:
    """One object of every model in the admin."""
    department = DepartmentFactory(code="BZK")
    department.staff.add(user)
    committee = _committee_with_history(user)
    membership = committee.memberships.get()
    completion = membership.person.completions.get()
    session = completion.session
    full = SessionFactory(date=timezone.localdate() + datetime.timedelta(days=30), capacity=1)
    CompletionFactory(session=full, status=CompletionStatus.REGISTERED)
    supplier = session.supplier
    batch = _import_batch(user, supplier)
    crontab = CrontabSchedule.objects.create(minute="0", hour="6")
    snapshot = ReportSnapshot.objects.create(
        kind="icop",
        quarter="2025Q1",
        version=1,
        content_hash="b" * 64,
        data={},
        created_at=timezone.now(),
        trigger="page",
        requested_by=user,
    )
    access = {"user_agent": "Firefox", "http_accept": "text/html", "path_info": "/accounts/login/"}
    samples: list[models.Model] = [
        user.groups.get(),
        user,
        AccessAttempt.objects.create(
            username="onbekend",
            ip_address="127.0.0.1",
            get_data="",
            post_data="",
            failures_since_start=1,
            **access,
        ),
        AccessLog.objects.create(username=user.username, ip_address="127.0.0.1", **access),
        AccessFailureLog.objects.create(username="onbekend", ip_address="127.0.0.1", **access),
        PeriodicTask.objects.create(
            name="Herinneringen", task="notifications.remind", crontab=crontab
        ),
        ClockedSchedule.objects.create(clocked_time=timezone.now()),
        SolarSchedule.objects.create(event="sunrise", latitude=52.08, longitude=4.31),
        IntervalSchedule.objects.create(every=10, period=IntervalSchedule.MINUTES),
        crontab,
        department,
        DepartmentAlias.objects.create(department=department, name="Min. BZK (test)"),
        membership.person,
        supplier,
        api_client_register(name="Koppeling leverancier", kind="supplier", supplier=supplier)[0],
        TenderFactory(),
        session.programme,
        EvaluationFactory(session=session, person=membership.person),
        WaitlistEntry.objects.create(session=full, person=PersonFactory(), created_by=user),
        committee,
        membership,
        completion,
        session,
        ImportProfile.objects.create(
            supplier=supplier, name="Standaard", mapping={"Pnr": "employee_number"}, created_by=user
        ),
        batch,
        ImportRow.objects.create(
            batch=batch,
            row_number=4,
            outcome=RowOutcome.REJECTED,
            raw={"Personeelsnummer": "123", "Datum": "31-02-2025"},
            data={"employee_number": "123"},
            problems=[
                {"row": 4, "column": "Datum", "code": "invalid_date", "message": "Geen datum."}
            ],
        ),
        Intervention.objects.create(date=datetime.date(2025, 1, 5), description="Nieuwsbrief"),
        SelfReportedFigures.objects.create(
            department=department,
            quarter="2025Q1",
            committees=4,
            compliant_committees=3,
            memberships=12,
            trained_memberships=10,
            people_trained=9,
            entered_by=user,
        ),
        snapshot,
        ReportJob.objects.create(kind="icop", quarter="2025Q1", trigger="page", requested_by=user),
        Notification.objects.create(
            key="sample:1",
            recipient_email="persoon@example.nl",
            subject="Herinnering",
            body_text="Tekst",
            message_id="<sample@example.nl>",
            attachments=[
                {"filename": "sessie.ics", "mimetype": "text/calendar", "content_base64": "QkVH"}
            ],
        ),
        NotificationPreference.objects.create(user=user),
    ]
    SupplierFactory()  # a second supplier, so a list filter shows
    return {type(sample): sample for sample in samples}


def admin_pages(objects: dict[type[models.Model], models.Model], user: User) -> list[AdminPage]:
    """Every registered admin's changelist, add page (where the administrator may add),
    change page and import and export pages (django-import-export); the history page of
    every admin with django-simple-history's history (and one version of it), and
    Django's own history page once."""
    request = RequestFactory().get("/admin/")
    request.user = user
    pages = [
        AdminPage("admin-index", reverse("admin:index")),
        AdminPage("admin-app-committees", reverse("admin:app_list", args=["committees"])),
    ]
    plain_history = False
    for model, model_admin in admin.site._registry.items():
        prefix = f"admin:{model._meta.app_label}_{model._meta.model_name}"
        label = f"{model._meta.app_label}-{model._meta.model_name}"
        obj = objects[model]
        pages.append(AdminPage(f"{label}-list", reverse(f"{prefix}_changelist")))
        if model_admin.has_add_permission(request):
            pages.append(AdminPage(f"{label}-add", reverse(f"{prefix}_add")))
        pages.append(AdminPage(f"{label}-change", reverse(f"{prefix}_change", args=[obj.pk])))
        # django-import-export's pages (the completions' import and export).
        for extra in ("import", "export"):
            if hasattr(model_admin, f"{extra}_action"):
                pages.append(AdminPage(f"{label}-{extra}", reverse(f"{prefix}_{extra}")))
        history = reverse(f"{prefix}_history", args=[obj.pk])
        if isinstance(model_admin, SimpleHistoryAdmin):
            pages.append(AdminPage(f"{label}-history", history))
            version = obj.history.earliest("history_date")
            pages.append(
                AdminPage(
                    f"{label}-version",
                    reverse(f"{prefix}_simple_history", args=[obj.pk, version.pk]),
                )
            )
        elif not plain_history:
            plain_history = True
            pages.append(AdminPage(f"{label}-history", history))
    return pages
