"""The reports pages: snapshots per quarter, compile on demand, downloads, comparison."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, replace
from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from departments.access import (
    Role,
    is_htmx,
    may_compile_reports,
    role_required,
    sees_all_departments,
    user_roles,
)
from departments.models import Department
from reports.annex import annex_report, interventions_for
from reports.charts import chart_src
from reports.comparison_page import comparison_parts
from reports.forms import (
    CompileForm,
    InterventionForm,
    SelfReportedForm,
    SelfReportedKeyForm,
    SupplierPeriodForm,
)
from reports.models import (
    CONTENT_TYPES,
    EXTENSIONS,
    FileFormat,
    Intervention,
    JobStatus,
    ReportJob,
    ReportKind,
    ReportSnapshot,
    SelfReportedFigures,
    Trigger,
    filename_for,
)
from reports.presentation.charts import alt_text, chart_table, report_threshold
from reports.presentation.formatting import display_value, flags_text, suppression_footnote
from reports.presentation.tables import SUPPRESSED, Report, Row, Table
from reports.quarters import Quarter, quarter_label
from reports.services import (
    job_active_twin,
    job_request,
    job_retry,
    report_file_render,
    report_for_departments,
    snapshot_file,
    snapshot_report,
)
from reports.snapshot_page import snapshot_parts
from reports.supplier_comparison import supplier_comparison


def _own_codes(user: Any) -> set[str] | None:
    """None: sees every department; otherwise the codes of the user's departments."""
    if sees_all_departments(user):
        return None
    if Role.OP_STAFF not in user_roles(user):
        raise PermissionDenied
    return set(Department.objects.visible_to(user).values_list("code", flat=True))


def _report_for(request: HttpRequest, snapshot: ReportSnapshot) -> Report:
    report = snapshot_report(snapshot)
    codes = _own_codes(request.user)
    return report if codes is None else _own_rows(request, snapshot, report, codes)


def _own_rows(
    request: HttpRequest, snapshot: ReportSnapshot, report: Report, codes: set[str]
) -> Report:
    """The rows of the user's departments, with the interventions that concern them (read
    now: the report says "none" when there are none, so leaving them out would lie)."""
    mine = interventions_for(user=request.user, quarter=Quarter.parse(snapshot.quarter))
    return replace(report_for_departments(report, codes), interventions=mine)


@dataclass(frozen=True)
class Cell:
    text: str
    numeric: bool
    hidden: bool = False


def table_context(table: Table) -> dict[str, Any]:
    threshold = table.suppression_threshold
    rows = []
    hidden = False
    for row in table.all_rows():
        cells = []
        for column in table.columns:
            value = row.get(column.key)
            hidden = hidden or value is SUPPRESSED
            cells.append(
                Cell(
                    display_value(column, value, threshold),
                    column.kind != "text",
                    value is SUPPRESSED,
                )
            )
        rows.append(
            {
                "cells": cells,
                "flags": flags_text(row.flags) if row.flags else "",
                "total": row is table.total_row,
                # The row's header is its first cell with text: a total row's code cell
                # is empty and its label stands in the next one.
                "header": next((i for i, cell in enumerate(cells) if cell.text), 0),
            }
        )
    return {
        "key": table.key,
        "title": table.title,
        "columns": [
            {"label": c.label, "numeric": c.kind != "text", "help": c.help} for c in table.columns
        ],
        "rows": rows,
        "has_flags": table.has_flags,
        "notes": table.notes,
        "footnote": suppression_footnote(threshold) if hidden else "",
    }


@require_safe
@login_required
def index(request: HttpRequest) -> HttpResponse:
    codes = _own_codes(request.user)
    snapshots = ReportSnapshot.objects.latest_versions().select_related("requested_by")
    by_quarter: dict[str, dict[str, ReportSnapshot]] = defaultdict(dict)
    for snapshot in snapshots.order_by("-quarter", "kind"):
        by_quarter[snapshot.quarter][snapshot.kind] = snapshot
    quarters = [
        {"quarter": quarter, "snapshots": [kinds.get(k) for k in ReportKind.values]}
        for quarter, kinds in by_quarter.items()
    ]
    context: dict[str, Any] = {
        "quarters": quarters,
        "kinds": ReportKind.choices,
        "own_departments": sorted(codes) if codes is not None else None,
        "may_compile": may_compile_reports(request.user),
    }
    if may_compile_reports(request.user):
        context["form"] = CompileForm()
        context["jobs"] = ReportJob.objects.select_related("requested_by")[:10]
    return render(request, "reports/index.html", context)


@require_safe
@login_required
def snapshot_detail(request: HttpRequest, pk: int) -> HttpResponse:
    snapshot = get_object_or_404(ReportSnapshot.objects.select_related("previous"), pk=pk)
    codes = _own_codes(request.user)
    # Tables, charts and explanations, rendered once per figures, language and scope.
    parts = snapshot_parts(snapshot, codes, _figures_context)
    interventions = (
        parts.interventions
        if codes is None
        else interventions_for(user=request.user, quarter=Quarter.parse(snapshot.quarter))
    )
    previous_quarter = (
        ReportSnapshot.objects.latest_versions()
        .filter(kind=snapshot.kind, quarter__lt=snapshot.quarter)
        .order_by("-quarter")
        .first()
    )
    newer = ReportSnapshot.objects.filter(previous=snapshot).first()
    return render(
        request,
        "reports/snapshot.html",
        {
            "snapshot": snapshot,
            "parts": parts,
            "interventions": interventions,
            "formats": FileFormat.choices,
            "previous_quarter": previous_quarter,
            "newer": newer,
            "filtered": codes is not None,
        },
    )


def _figures_context(report: Report) -> dict[str, Any]:
    """The context of reports/_report_figures.html: the tables and charts of `report`."""
    return {"tables": [table_context(t) for t in report.tables], "charts": _charts_context(report)}


@require_safe
@login_required
def snapshot_download(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    if fmt not in FileFormat.values:
        raise Http404
    snapshot = get_object_or_404(ReportSnapshot, pk=pk)
    codes = _own_codes(request.user)
    if codes is None:
        content = bytes(snapshot_file(snapshot=snapshot, fmt=fmt).content)
    else:
        report = _own_rows(request, snapshot, snapshot_report(snapshot), codes)
        content = report_file_render(report=report, fmt=fmt)
    response = HttpResponse(content, content_type=CONTENT_TYPES[fmt])
    name = filename_for(snapshot.kind, snapshot.quarter, fmt, version=snapshot.version)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    if codes is not None:
        # A department's own rows, small figures included: not for shared caches.
        response["Cache-Control"] = "private, no-store"
    return response


@require_safe
@login_required
def snapshot_annex(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    """The justification annex of a report, rendered now from the live data and scoped to
    the reader (see reports.annex): never stored, so retention can remove the names."""
    if fmt not in FileFormat.values:
        raise Http404
    snapshot = get_object_or_404(ReportSnapshot, pk=pk)
    _own_codes(request.user)  # Only readers of reports: the bureau and O&P staff.
    report = annex_report(
        kind=snapshot.kind, quarter=Quarter.parse(snapshot.quarter), user=request.user
    )
    response = HttpResponse(
        report_file_render(report=report, fmt=fmt), content_type=CONTENT_TYPES[fmt]
    )
    name = filename_for(f"{snapshot.kind}_annex", snapshot.quarter, fmt)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    # Names of people: not for shared caches, and gone from here once retention ran.
    response["Cache-Control"] = "private, no-store"
    return response


def _number(value: Any) -> Decimal | None:
    if isinstance(value, int | float | Decimal) and not isinstance(value, bool):
        return Decimal(str(value))
    return None


def _label(table: Table, row: Row) -> str:
    for column in table.columns:
        if column.kind == "text" and column.key != "code":
            return str(row.get(column.key) or "")
    return ""


@require_safe
@login_required
def snapshot_compare(request: HttpRequest, pk: int) -> HttpResponse:
    """This quarter next to the previous quarter's latest snapshot, table by table."""
    snapshot = get_object_or_404(ReportSnapshot, pk=pk)
    other = (
        ReportSnapshot.objects.latest_versions()
        .filter(kind=snapshot.kind, quarter__lt=snapshot.quarter)
        .order_by("-quarter")
        .first()
    )
    if other is None:
        messages.info(request, _("There is no earlier quarter to compare with."))
        return redirect("reports:snapshot", pk=snapshot.pk)
    current, previous = _report_for(request, snapshot), _report_for(request, other)
    before_tables = {t.key: t for t in previous.tables}
    comparisons = []
    for table in current.tables:
        before = before_tables.get(table.key)
        if before is None:
            continue
        numeric = [c for c in table.columns if c.kind != "text" and not c.key.endswith("previous")]
        before_rows = {_label(before, r): r for r in before.all_rows()}
        rows = []
        for row in table.all_rows():
            label = _label(table, row)
            old = before_rows.get(label)
            cells = []
            for column in numeric:
                now_value = row.get(column.key)
                old_value = old.get(column.key) if old else None
                diff = None
                a, b = _number(now_value), _number(old_value)
                if a is not None and b is not None:
                    diff = display_value(column, a - b, table.suppression_threshold)
                cells.append(
                    {
                        "now": display_value(column, now_value, table.suppression_threshold),
                        "before": display_value(column, old_value, table.suppression_threshold)
                        if old
                        else "–",
                        "diff": diff or "–",
                    }
                )
            rows.append({"label": label, "cells": cells})
        comparisons.append({"title": table.title, "columns": numeric, "rows": rows})
    return render(
        request,
        "reports/compare.html",
        {"snapshot": snapshot, "other": other, "comparisons": comparisons},
    )


@require_POST
@role_required(may_compile_reports)
def compile_quarter(request: HttpRequest) -> HttpResponse:
    form = CompileForm(request.POST)
    if not form.is_valid():
        return render(
            request,
            "reports/index.html",
            {"form": form, "quarters": [], "may_compile": True, "jobs": []},
            status=400,
        )
    with transaction.atomic():
        job, created = job_request(
            kind=form.cleaned_data["kind"],
            quarter=form.cleaned_data["quarter"],
            requested_by=request.user,
            trigger=Trigger.PAGE,
        )
    job.refresh_from_db()
    if not created:
        messages.info(
            request,
            _("This report is already being compiled. You follow that compile here."),
        )
    elif job.status == JobStatus.NOT_QUEUED:
        messages.error(request, job.message)
    return redirect("reports:job", pk=job.pk)


@require_safe
@role_required(may_compile_reports)
def job_detail(request: HttpRequest, pk: int) -> HttpResponse:
    job = get_object_or_404(ReportJob, pk=pk)
    template = "reports/_job.html" if is_htmx(request) else "reports/job.html"
    response = render(
        request,
        template,
        {"job": job, "snapshots": job.snapshots.order_by("kind")},
    )
    if not job.is_finished and not job.is_stopped and not is_htmx(request):
        # Without JavaScript the browser reloads the page itself until the job is done.
        response["Refresh"] = "3"
    return response


@require_POST
@role_required(may_compile_reports)
def job_retry_view(request: HttpRequest, pk: int) -> HttpResponse:
    job = get_object_or_404(ReportJob, pk=pk)
    retryable = job.may_retry
    twin = job_active_twin(job=job) if retryable else None
    if twin is not None:
        messages.info(
            request,
            _("This report is already being compiled. You follow that compile here."),
        )
        return redirect("reports:job", pk=twin.pk)
    if retryable and not job_retry(job=job):
        job.refresh_from_db()
        if job.status == JobStatus.NOT_QUEUED:
            messages.error(request, job.message)
    return redirect("reports:job", pk=job.pk)


@login_required
def self_reported(request: HttpRequest) -> HttpResponse:
    """The programme bureau (or a department's O&P staff) enters a quarter's totals."""
    if may_compile_reports(request.user):
        departments = Department.objects.all()
    elif Role.OP_STAFF in user_roles(request.user):
        departments = Department.objects.editable_by(request.user)
    else:
        raise PermissionDenied
    existing = None
    if request.method == "POST":
        # Entering a quarter of a department again replaces its figures. The key is read
        # through a form: a malformed or huge department id is a form error, not a 500.
        key = SelfReportedKeyForm(request.POST, departments=departments)
        if key.is_valid():
            existing = SelfReportedFigures.objects.filter(
                department=key.cleaned_data["department"], quarter=key.cleaned_data["quarter"]
            ).first()
    form = SelfReportedForm(request.POST or None, instance=existing, departments=departments)
    if request.method == "POST" and form.is_valid():
        figures_entered = form.save(commit=False)
        figures_entered.entered_by = request.user  # type: ignore[assignment]
        figures_entered.save()
        messages.success(
            request,
            _("The figures of %(department)s for %(quarter)s are saved.")
            % {
                "department": figures_entered.department.code,
                "quarter": quarter_label(figures_entered.quarter),
            },
        )
        return redirect("reports:self_reported")
    figures = (
        SelfReportedFigures.objects.visible_to(request.user)
        .filter(department__in=departments)
        .select_related("department", "entered_by")[:40]
    )
    return render(request, "reports/self_reported.html", {"form": form, "figures": figures})


@login_required
def interventions(request: HttpRequest) -> HttpResponse:
    """The intervention log: the bureau records what it did to raise participation.

    Everyone with a role reads the interventions that concern their departments; only
    the programme bureau and administrators add them.
    """
    if not user_roles(request.user):
        raise PermissionDenied
    may_add = may_compile_reports(request.user)
    form = InterventionForm(request.POST or None) if may_add else None
    if request.method == "POST":
        if form is None:
            raise PermissionDenied
        if form.is_valid():
            intervention = form.save(commit=False)
            intervention.created_by = request.user  # type: ignore[assignment]
            intervention.save()
            form.save_m2m()
            messages.success(request, _("The intervention is saved."))
            return redirect("reports:interventions")
    log = (
        Intervention.objects.visible_to(request.user)
        .select_related("created_by")
        .prefetch_related("departments")[:200]
    )
    return render(request, "reports/interventions.html", {"form": form, "interventions": log})


def _charts_context(report: Report) -> list[dict[str, Any]]:
    return [
        {
            "title": chart.title,
            "src": chart_src(chart),
            "alt": alt_text(chart),
            "table": table_context(chart_table(chart, report_threshold(report))),
        }
        for chart in report.charts
    ]


@require_safe
@role_required(may_compile_reports)
def suppliers(request: HttpRequest) -> HttpResponse:
    """The supplier comparison for the tender: the programme bureau only.

    Figures over all departments, so O&P staff (who see their own only) get a 403.
    """
    form = SupplierPeriodForm(request.GET)
    if not form.is_valid():
        return render(request, "reports/suppliers.html", {"form": form}, status=400)
    first, last = form.period()
    return render(
        request,
        "reports/suppliers.html",
        {
            "form": form,
            # Tables, chart and explanations, rendered once per stored figures read.
            "parts": comparison_parts(first, last, _figures_context),
            "formats": FileFormat.choices,
            "query": request.GET.urlencode() or f"first={first}&last={last}",
        },
    )


@require_safe
@role_required(may_compile_reports)
def suppliers_download(request: HttpRequest, fmt: str) -> HttpResponse:
    if fmt not in FileFormat.values:
        raise Http404
    form = SupplierPeriodForm(request.GET)
    if not form.is_valid():
        return render(request, "reports/suppliers.html", {"form": form}, status=400)
    report = supplier_comparison(*form.period())
    response = HttpResponse(
        report_file_render(report=report, fmt=fmt), content_type=CONTENT_TYPES[fmt]
    )
    name = f"{report.kind}_{report.quarter}.{EXTENSIONS[fmt]}"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
