"""List downloads: the action list and the committee list as CSV or XLSX."""

from __future__ import annotations

from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_safe

from departments.access import is_htmx
from departments.models import Department
from worklists import services
from worklists.lists import WorkList, work_list
from worklists.models import ExportJob, ExportStatus, ListFormat, ListKind


def _list_page(kind: str, request: HttpRequest) -> str:
    """Where the user came from: the page that shows the same list."""
    if kind == ListKind.COMMITTEES:
        query = urlencode(services.params_to_dict(request.GET), doseq=True)
        return f"{reverse('committees:list')}?{query}" if query else reverse("committees:list")
    code = request.GET.get("department", "")
    if code:
        # No #actions: the error message at the top takes the focus (see base.html).
        return reverse("dashboard:department", args=[code])
    return reverse("home")


def _work_list(request: HttpRequest, kind: str, fmt: str) -> WorkList:
    if kind not in ListKind.values or fmt not in ListFormat.values:
        raise Http404
    try:
        return work_list(
            kind=kind, user=request.user, params=request.GET, today=timezone.localdate()
        )
    except Department.DoesNotExist as error:  # another ministry's action list
        raise Http404 from error


def _attachment(content: bytes, fmt: str, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=services.CONTENT_TYPES[ListFormat(fmt)])
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    # Personal data: no copy in a shared cache or the browser's back button.
    response["Cache-Control"] = "no-store"
    return response


@login_required
def list_download(request: HttpRequest, kind: str, fmt: str) -> HttpResponseBase:
    """GET: the file at once, or (for a long list) a page offering a background job.
    POST: start that job and show its progress."""
    try:
        work = _work_list(request, kind, fmt)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
        return redirect(_list_page(kind, request))
    row_count = work.rows.count()
    if request.method == "POST":
        with transaction.atomic():  # enqueued when this commits
            job = services.export_request(
                user=request.user,  # type: ignore[arg-type]
                kind=kind,
                fmt=fmt,
                params=request.GET,
                row_count=row_count,
            )
        return redirect("worklists:job", pk=job.pk)
    if row_count > services.export_background_rows():
        return render(
            request,
            "worklists/export_large.html",
            {
                "kind": ListKind(kind),
                "fmt": fmt,
                "row_count": row_count,
                "back": _list_page(kind, request),
            },
        )
    today = timezone.localdate()
    content = services.export_render(work=work, fmt=fmt)
    return _attachment(content, fmt, services.export_filename(work, fmt, today))


@require_safe
@login_required
def job_detail(request: HttpRequest, pk: int) -> HttpResponse:
    job = get_object_or_404(ExportJob.objects.of(request.user).defer("content"), pk=pk)
    partial = is_htmx(request)
    response = render(
        request,
        "worklists/_job.html" if partial else "worklists/job.html",
        {"job": job, "keep_hours": settings.EXPORT_KEEP_HOURS},
    )
    if not job.is_finished and not partial:
        # Without JavaScript the browser reloads the page itself until the file is ready.
        response["Refresh"] = "3"
    return response


@require_safe
@login_required
def job_file(request: HttpRequest, pk: int) -> HttpResponse:
    """The prepared file, for the user who asked for it and nobody else."""
    job = get_object_or_404(ExportJob.objects.of(request.user), pk=pk, status=ExportStatus.DONE)
    return _attachment(bytes(job.content or b""), job.fmt, job.filename)
