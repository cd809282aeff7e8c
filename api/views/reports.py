"""For the programme bureau: a quarter's frozen report as JSON.

The figures are the snapshot's, published as its CSV files publish them
(reports.presentation.json_export): the same hidden cells, nothing of what suppression
withheld, no total of our own.
"""

from __future__ import annotations

from django.http import Http404
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.decorators import api_view, permission_classes
from rest_framework.request import Request
from rest_framework.response import Response

from api.permissions import IsBureauClient
from api.serializers.hr import ReportSerializer
from reports.models import ReportKind
from reports.presentation.json_export import export_json
from reports.selectors import snapshot_latest
from reports.services import snapshot_report


@extend_schema(
    operation_id="report_figures",
    parameters=[
        OpenApiParameter(
            "quarter", str, OpenApiParameter.PATH, description="The quarter, e.g. 2025Q4."
        ),
        OpenApiParameter("kind", str, OpenApiParameter.PATH, enum=list(ReportKind.values)),
    ],
    responses={200: ReportSerializer},
    tags=["bureau"],
)
@api_view(["GET"])
@permission_classes([IsBureauClient])
def report_figures(request: Request, quarter: str, kind: str) -> Response:
    """The newest version of a quarter's report: its figures as the CSV files show
    them, small groups hidden (`hidden` names a row's hidden cells; they are null)."""
    snapshot = snapshot_latest(kind=kind, quarter=quarter) if kind in ReportKind.values else None
    if snapshot is None:
        raise Http404
    body = {
        **export_json(snapshot_report(snapshot)),
        "version": snapshot.version,
        "content_hash": snapshot.content_hash,
        "compiled_at": snapshot.created_at,
    }
    return Response(ReportSerializer(body).data)
