"""The privacy pages: the public privacy note and the subject-access download."""

from __future__ import annotations

import json
import logging

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.views.decorators.http import require_safe

from departments.access import role_required, sees_all_departments
from departments.models import Person
from privacy.subject_access import person_subject_access_export

logger = logging.getLogger(__name__)


@require_safe
@role_required(sees_all_departments)
def person_subject_access(request: HttpRequest, pk: int) -> HttpResponse:
    """Everything held on one person as a JSON file (AVG subject access).

    The programme bureau and administrators answer these requests; O&P staff do not.
    """
    person = get_object_or_404(
        Person.objects.visible_to(request.user).select_related("department"), pk=pk
    )
    export = person_subject_access_export(person=person)
    # Who exported whom, by id only: the log must not hold the personal data itself.
    logger.info("Subject-access export: person_id=%s user_id=%s", person.pk, request.user.pk)
    response = HttpResponse(
        json.dumps(export, indent=2, ensure_ascii=False, default=str),
        content_type="application/json; charset=utf-8",
    )
    stamp = timezone.localdate().isoformat()
    response["Content-Disposition"] = (
        f'attachment; filename="inzageverzoek-persoon-{person.pk}-{stamp}.json"'
    )
    response["Cache-Control"] = "no-store"
    return response


@require_safe
def privacy_note(request: HttpRequest) -> HttpResponse:
    """The privacy note: public, so anyone can read it before logging in."""
    return render(request, "privacy/note.html", {"retention_years": settings.RETENTION_YEARS})
