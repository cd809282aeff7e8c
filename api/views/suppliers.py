"""The supplier endpoints: sessions, attendance batches and registrations.

Every query is narrowed to the client's supplier: another supplier's session or batch is
"not found" (404), never "forbidden", so its existence is not given away.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework.decorators import api_view, permission_classes
from rest_framework.exceptions import ValidationError
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response

from api.authentication import request_client
from api.idempotency import idempotent
from api.permissions import IsSupplierClient
from api.problems import Problem
from api.records import records_from
from api.serializers.suppliers import (
    AttendanceBatchInSerializer,
    AttendanceBatchSerializer,
    RegistrationSerializer,
    RegistrationsSerializer,
    SessionInSerializer,
    SessionOutSerializer,
)
from imports.models import ImportBatch, ImportRow, ImportSource
from imports.services import ImportNotAllowed, attendance_records_import
from imports.sessions import SessionField, session_put
from trainings.models import CompletionStatus, Supplier, TrainingCompletion, TrainingSession

SUPPLIER = [IsAuthenticated, IsSupplierClient]
MAX_REF_LENGTH = 100
# The schedule import's field names, as the API names them (invalid-params).
_SESSION_FIELD_NAMES = {
    SessionField.DATE: "date",
    SessionField.START: "start_time",
    SessionField.END: "end_time",
    SessionField.PLACE: "place",
    SessionField.ONLINE_LINK: "online_link",
    SessionField.PROGRAMME: "programme.name",
    SessionField.CAPACITY: "capacity",
    SessionField.SESSION_ID: "supplier_ref",
    SessionField.DEPARTMENT: "ministry",
}
IDEMPOTENCY_HEADER = OpenApiParameter(
    "Idempotency-Key",
    str,
    OpenApiParameter.HEADER,
    description="A key of your own (e.g. a UUID): a retry with the same key and body "
    "answers the first answer and imports nothing again.",
)


def _supplier(request: Request) -> Supplier:
    supplier = request_client(request).supplier
    assert supplier is not None  # noqa: S101 - IsSupplierClient and the check constraint
    return supplier


def _own_sessions(request: Request) -> QuerySet[TrainingSession]:
    return TrainingSession.objects.filter(
        supplier=_supplier(request), entered_by_hand=False
    ).select_related("programme", "department")


def _checked_ref(supplier_ref: str) -> str:
    if not supplier_ref.strip() or len(supplier_ref) > MAX_REF_LENGTH:
        raise ValidationError({"supplier_ref": [_("Give a reference of 1 to 100 characters.")]})
    return supplier_ref


@extend_schema(
    operation_id="session_get",
    responses={200: SessionOutSerializer},
    tags=["suppliers"],
    methods=["GET"],
)
@extend_schema(
    operation_id="session_put",
    request=SessionInSerializer,
    responses={
        200: OpenApiResponse(SessionOutSerializer, "Updated (or unchanged)."),
        201: OpenApiResponse(SessionOutSerializer, "Created."),
    },
    tags=["suppliers"],
    methods=["PUT"],
)
@api_view(["GET", "PUT"])
@permission_classes(SUPPLIER)
def session(request: Request, supplier_ref: str) -> Response:
    """One of your sessions, by your own reference. PUT creates or updates it (upcoming
    or past): putting the same session twice changes nothing."""
    if request.method == "GET":
        found = get_object_or_404(_own_sessions(request), external_id=supplier_ref)
        return Response(SessionOutSerializer(found).data)
    return _session_put(request, _checked_ref(supplier_ref))


def _session_put(request: Request, supplier_ref: str) -> Response:
    serializer = SessionInSerializer(data=request.data)
    serializer.is_valid(raise_exception=True)
    data: dict[str, Any] = serializer.validated_data
    programme = data.get("programme") or {}
    result = session_put(
        supplier=_supplier(request),
        external_id=supplier_ref,
        values={
            SessionField.DATE: data["date"],
            SessionField.START: data.get("start_time"),
            SessionField.END: data.get("end_time"),
            SessionField.PLACE: data.get("place"),
            SessionField.ONLINE_LINK: data.get("online_link"),
            SessionField.PROGRAMME: programme.get("name"),
            SessionField.CAPACITY: data.get("capacity"),
            SessionField.DEPARTMENT: data.get("ministry"),
        },
        programme_version=programme.get("version", ""),
    )
    if result.problems:
        errors: dict[str, list[str]] = {}
        for problem in result.problems:
            name = _SESSION_FIELD_NAMES.get(SessionField(problem.field), "non_field_errors")
            errors.setdefault(name if problem.field else "non_field_errors", []).append(
                problem.message
            )
        raise ValidationError(errors)
    assert result.session is not None  # noqa: S101 - no problems: a session
    created = result.outcome == "created"
    headers = {"Location": reverse("api:session", args=[supplier_ref])} if created else {}
    return Response(
        SessionOutSerializer(result.session).data, status=201 if created else 200, headers=headers
    )


@extend_schema(
    operation_id="attendance_post",
    request=AttendanceBatchInSerializer,
    parameters=[IDEMPOTENCY_HEADER],
    responses={
        202: OpenApiResponse(
            AttendanceBatchSerializer, "Accepted: follow the Location to the batch."
        ),
        409: OpenApiResponse(description="These records were already imported."),
        422: OpenApiResponse(description="The Idempotency-Key was used for another request."),
    },
    tags=["suppliers"],
)
@api_view(["POST"])
@permission_classes(SUPPLIER)
def attendance(request: Request) -> Response:
    """A batch of attendance records, imported like an attendance list: matched to people
    and sessions; what cannot be matched waits in the programme bureau's review queue.
    The answer comes at once (202); the batch's URL tells how it went."""
    return idempotent(request, lambda: _attendance_accept(request))


def _attendance_accept(request: Request) -> Response:
    records, scale = records_from(request.data)
    client = request_client(request)
    try:
        batch = attendance_records_import(
            records=records, supplier=_supplier(request), user=client.user, score_scale=scale
        )
    except ImportNotAllowed as refused:
        raise Problem(status=409, slug="already-imported", detail=refused.message) from None
    location = reverse("api:attendance_batch", args=[batch.pk])
    return Response(batch_json(batch, waiting=0), status=202, headers={"Location": location})


def batch_json(batch: ImportBatch, *, waiting: int) -> dict[str, Any]:
    status = "stopped" if batch.is_stopped else batch.status
    return {
        "id": batch.pk,
        "status": status,
        "status_label": batch.status_label,
        "received_at": batch.created_at,
        "applied_at": batch.applied_at,
        "records": batch.rows_done,
        "counts": batch.counts,
        "waiting_for_review": waiting,
        "problems": [
            {
                "index": None if problem.get("row") is None else problem["row"] - 1,
                "field": problem.get("column"),
                "code": problem.get("code", ""),
                "message": problem.get("message", ""),
            }
            for problem in batch.problems
        ],
    }


@extend_schema(
    operation_id="attendance_batch_get",
    responses={200: AttendanceBatchSerializer},
    tags=["suppliers"],
)
@api_view(["GET"])
@permission_classes(SUPPLIER)
def attendance_batch(request: Request, batch_id: int) -> Response:
    """A batch you sent: its status, counts (once applied) and the problem of each record
    that was refused or waits for review ("index": its place in your request, from 0)."""
    batch = get_object_or_404(
        ImportBatch.objects.filter(supplier=_supplier(request), source=ImportSource.API),
        pk=batch_id,
    )
    waiting = ImportRow.objects.pending_review().filter(batch=batch).count()
    return Response(batch_json(batch, waiting=waiting))


@extend_schema(
    operation_id="registrations_list",
    parameters=[
        OpenApiParameter("session", str, required=True, description="Your session reference.")
    ],
    responses={200: RegistrationsSerializer},
    tags=["suppliers"],
)
@api_view(["GET"])
@permission_classes(SUPPLIER)
def registrations(request: Request) -> Response:
    """Who is registered for one of your sessions, so that you know whom to expect."""
    ref = request.query_params.get("session", "")
    if not ref:
        raise ValidationError({"session": [_("Give your session reference: ?session=...")]})
    found = get_object_or_404(_own_sessions(request), external_id=ref)
    registered = (
        TrainingCompletion.objects.filter(session=found, status=CompletionStatus.REGISTERED)
        .select_related("person__department")
        .order_by("person__last_name", "person__first_name", "pk")
    )
    return Response(
        {"session": ref, "registrations": RegistrationSerializer(registered, many=True).data}
    )
