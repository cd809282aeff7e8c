"""The /imports/ pages: upload, preview, apply, progress, result and review queue.

Administrators only; everyone else gets 403.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from departments.access import is_htmx, may_import, role_required
from imports.forms import (
    ApplyForm,
    CorrectForm,
    MappingForm,
    MatchForm,
    ProfileForm,
    SessionsUploadForm,
    UploadForm,
)
from imports.models import ImportBatch, ImportProfile, ImportRow
from imports.reading.safety import FileRejected
from imports.selectors import file_problems_of, people_matching, review_queue, row_matches
from imports.services import (
    ImportNotAllowed,
    attendance_import_preview_queue,
    attendance_import_queue,
    attendance_import_retry,
    import_batch_create,
    import_batch_discard,
    import_batch_map_columns,
    import_row_correct,
    import_row_discard,
    import_row_resolve,
)
from imports.sessions import sessions_import

# Imports are for administrators only (departments.access.may_import).
administrator_required = role_required(may_import)


@administrator_required
def import_index(request: HttpRequest) -> HttpResponse:
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        # Only stored and queued here: reading and matching the rows, however many, is
        # the worker's (preview_attendance_import); the page follows its progress.
        with transaction.atomic():
            batch = import_batch_create(
                file=upload,
                file_name=upload.name,
                supplier=form.cleaned_data["supplier"],
                profile=form.cleaned_data["profile"],
                sheet=form.cleaned_data["sheet"],
                department=form.cleaned_data["department"],
                score_scale=form.cleaned_data["score_scale"],
                user=request.user,
            )
            attendance_import_preview_queue(batch=batch)
        return redirect("imports:detail", pk=batch.pk)
    batches = ImportBatch.objects.select_related("supplier", "uploaded_by")[:25]
    return render(
        request,
        "imports/import_index.html",
        {"form": form, "batches": batches, "pending": review_queue().count()},
    )


_BATCH_FOR_PAGE = ("supplier", "profile", "uploaded_by", "duplicate_of")


@require_safe
@administrator_required
def import_detail(request: HttpRequest, pk: int) -> HttpResponse:
    batch = get_object_or_404(ImportBatch.objects.select_related(*_BATCH_FOR_PAGE), pk=pk)
    return _detail_page(request, batch)


def _detail_page(
    request: HttpRequest, batch: ImportBatch, mapping_form: MappingForm | None = None
) -> HttpResponse:
    problems = Paginator(batch.problems, 100).get_page(request.GET.get("page"))
    if mapping_form is None and batch.needs_mapping:
        mapping_form = MappingForm(guesses=batch.column_guesses)
    return render(
        request,
        "imports/import_detail.html",
        {
            "batch": batch,
            "problems": problems,
            "file_problems": file_problems_of(batch),
            "apply_form": ApplyForm(),
            "mapping_form": mapping_form,
            "held": review_queue(batch=batch)[:100],
            "row_matches": row_matches(batch),
        },
    )


@require_POST
@administrator_required
def import_mapping(request: HttpRequest, pk: int) -> HttpResponse:
    """The column-mapping step: save the columns chosen as the supplier's profile for
    files with these headers, and preview the file again with it (in the worker)."""
    batch = get_object_or_404(ImportBatch.objects.select_related(*_BATCH_FOR_PAGE), pk=pk)
    if not batch.needs_mapping:
        messages.info(request, _("The columns of this file need no choosing (any more)."))
        return redirect("imports:detail", pk=batch.pk)
    form = MappingForm(request.POST, guesses=batch.column_guesses)
    if not form.is_valid():
        return _detail_page(request, batch, mapping_form=form)
    with transaction.atomic():
        import_batch_map_columns(batch=batch, columns=form.chosen(), user=request.user)
    messages.success(
        request,
        _(
            "The columns have been saved for this supplier's files with these headers. "
            "The file is being previewed again."
        ),
    )
    return redirect("imports:detail", pk=batch.pk)


@require_POST
@administrator_required
def import_apply(request: HttpRequest, pk: int) -> HttpResponse:
    batch = get_object_or_404(ImportBatch, pk=pk)
    form = ApplyForm(request.POST)
    form.is_valid()
    try:
        with transaction.atomic():
            attendance_import_queue(
                batch=batch, hold_invalid=form.cleaned_data.get("hold_invalid", False)
            )
    except ImportNotAllowed as refused:
        messages.error(request, str(refused.message))
    # The batch is sent to the worker once the transaction commits; when the queue
    # could not be reached it is back to "previewed" with an error the page shows.
    return redirect("imports:detail", pk=batch.pk)


@require_POST
@administrator_required
def import_retry(request: HttpRequest, pk: int) -> HttpResponse:
    """Send a stopped import (its worker was killed or lost) to the worker again, or a
    preview that could not reach the task queue."""
    batch = get_object_or_404(ImportBatch, pk=pk)
    with transaction.atomic():
        retried = attendance_import_retry(batch=batch)
    if retried:
        messages.success(request, _("The file has been sent to the worker again."))
    else:
        messages.info(request, _("This import has not stopped, so there is nothing to retry."))
    return redirect("imports:detail", pk=batch.pk)


@require_POST
@administrator_required
def import_discard(request: HttpRequest, pk: int) -> HttpResponse:
    """Refuse an uploaded file that will not be applied; its file is deleted."""
    batch = get_object_or_404(ImportBatch, pk=pk)
    try:
        with transaction.atomic():
            import_batch_discard(batch=batch, user=request.user)
    except ImportNotAllowed as refused:
        messages.error(request, str(refused.message))
    else:
        messages.success(request, _("The file has been discarded and deleted."))
    return redirect("imports:detail", pk=batch.pk)


@require_safe
@administrator_required
def import_progress(request: HttpRequest, pk: int) -> HttpResponse:
    batch = get_object_or_404(ImportBatch, pk=pk)
    response = render(request, "imports/_import_progress.html", {"batch": batch})
    if not batch.is_working and is_htmx(request):
        response["HX-Refresh"] = "true"  # show the preview or the result
    return response


@require_safe
@administrator_required
def review_queue_page(request: HttpRequest) -> HttpResponse:
    rows = Paginator(review_queue(), 50).get_page(request.GET.get("page"))
    return render(request, "imports/review_queue.html", {"rows": rows})


@administrator_required
def row_action(request: HttpRequest, pk: int) -> HttpResponse:
    row = get_object_or_404(ImportRow.objects.select_related("batch", "batch__supplier"), pk=pk)
    correct_form = CorrectForm(initial=row.data)
    query = request.GET.get("q", "").strip()
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "discard":
                import_row_discard(row=row, user=request.user)
            elif action == "match":
                match_form = MatchForm(request.POST, user=request.user)
                if not match_form.is_valid():
                    raise ImportNotAllowed(" ".join(str(e) for e in match_form.errors["person"]))
                import_row_resolve(
                    row=row, person=match_form.cleaned_data["person"], user=request.user
                )
            elif action == "correct":
                correct_form = CorrectForm(request.POST)
                if not correct_form.is_valid():
                    raise ImportNotAllowed(_("Check the values you entered."))
                import_row_correct(row=row, values=correct_form.values(), user=request.user)
            else:
                raise ImportNotAllowed(_("Unknown action."))
        except ImportNotAllowed as refused:
            messages.error(request, str(refused.message))
        else:
            messages.success(request, _("The row has been dealt with."))
            return redirect("imports:review")
    return render(
        request,
        "imports/import_row.html",
        {
            "row": row,
            "correct_form": correct_form,
            "query": query,
            "people": people_matching(query),
        },
    )


@administrator_required
def profile_create(request: HttpRequest) -> HttpResponse:
    form = ProfileForm(request.POST or None, initial={"supplier": request.GET.get("supplier")})
    if request.method == "POST" and form.is_valid():
        ImportProfile.objects.create(
            supplier=form.cleaned_data["supplier"],
            name=form.cleaned_data["name"],
            mapping=form.mapping(),
            created_by=request.user if request.user.is_authenticated else None,
        )
        messages.success(request, _("The import profile has been saved."))
        return redirect("imports:index")
    return render(request, "imports/profile_form.html", {"form": form})


@administrator_required
def sessions_upload(request: HttpRequest) -> HttpResponse:
    """Upload a supplier's schedule: check it first (nothing is saved), or import it.
    Either way the page shows what was (or would be) new, updated and unchanged, and
    each refused row with its number and the reason."""
    form = SessionsUploadForm(request.POST or None, request.FILES or None)
    result, applied = None, False
    if request.method == "POST" and form.is_valid():
        applied = request.POST.get("action") == "apply"
        profile = form.cleaned_data["profile"]
        upload = form.cleaned_data["file"]
        try:
            result = sessions_import(
                supplier=form.cleaned_data["supplier"],
                source=upload,
                filename=upload.name,
                profile=profile.mapping if profile else None,
                dry_run=not applied,
                hold_invalid=form.cleaned_data["hold_invalid"],
            )
        except FileRejected as refused:
            form.add_error("file", refused.message)
        else:
            _sessions_message(request, result.written, bool(result.problems), applied)
    return render(
        request,
        "imports/sessions_upload.html",
        {"form": form, "result": result, "applied": applied},
    )


def _sessions_message(request: HttpRequest, written: bool, problems: bool, applied: bool) -> None:
    if written:
        messages.success(request, _("The schedule has been imported."))
    elif not applied:
        messages.info(
            request,
            _("Checked only: nothing has been saved. Choose the file again and click Import."),
        )
    elif problems:
        messages.error(
            request,
            _(
                "Nothing has been saved: some rows have a problem. Correct them, or tick "
                "the box to save the good rows."
            ),
        )
