"""For HR and recruitment systems: a ministry's client reads and registers committees.

A department client acts as its service user, who has the O&P role in its ministry, so
`visible_to(user)` scopes it exactly as the pages scope that ministry's O&P staff: a
committee or person of another ministry is a 404, as if it did not exist. Writes go
through the pages' form and services (committees.forms, committees.services), so the
enforcement rule refuses, asks and warns with the pages' own messages.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.decorators import api_view, permission_classes
from rest_framework.request import Request
from rest_framework.response import Response

from api.authentication import request_client
from api.idempotency import idempotent
from api.permissions import IsDepartmentClient
from api.serializers.hr import (
    CommitteeInSerializer,
    ComplianceSerializer,
    PersonTrainingSerializer,
    RegisteredSerializer,
)
from committees.forms import CommitteeForm
from committees.models import SelectionCommittee
from committees.selectors import (
    MemberRow,
    committee_member_rows,
    committees_with_compliance,
    with_training_state,
)
from committees.services import committee_register
from departments.models import Person, normalise_employee_number
from trainings.models import TrainingCompletion
from trainings.selectors import person_completions

# The fields the pages' committee form checks and normalises for a new committee.
FORM_FIELDS = ("vacancy_reference", "vacancy_title", "interview_date", "notes", "justification")


def _member(row: MemberRow) -> dict[str, Any]:
    membership = row.membership
    registration = row.registration if row.registration_visible else None
    return {
        "name": membership.person.full_name,
        # A member lent by another ministry is named, as on the page, and no more.
        "employee_number": membership.person.employee_number if row.person_visible else None,
        "role": membership.role,
        "requires_training": bool(getattr(membership, "requires_training", False)),
        "state": row.state,
        "trained_on": row.completion.session.date if row.completion else None,
        "registered_for": registration.session.date if registration else None,
        "registered_in_time": row.registration_in_time,
    }


def compliance_body(committee: SelectionCommittee, rows: list[MemberRow]) -> dict[str, Any]:
    """The committee (annotated by `with_compliance`) and its members' training."""
    return {
        "id": committee.pk,
        "ministry": committee.department.code,
        "vacancy_reference": committee.vacancy_reference,
        "vacancy_title": committee.vacancy_title,
        "interview_date": committee.interview_date,
        "status": committee.status,
        "enforcement_mode": committee.department.enforcement_mode,
        "compliant": committee.is_compliant,  # type: ignore[attr-defined]
        "incomplete": committee.is_incomplete,  # type: ignore[attr-defined]
        "required_members": committee.required_count,  # type: ignore[attr-defined]
        "trained_members": committee.trained_count,  # type: ignore[attr-defined]
        "members": [_member(row) for row in rows],
    }


def _compliance(request: Request, pk: int) -> dict[str, Any]:
    committee = get_object_or_404(committees_with_compliance(request.user), pk=pk)
    rows = committee_member_rows(committee, user=request.user, waiting=False)
    return compliance_body(committee, rows)


@extend_schema(
    operation_id="committee_compliance",
    responses={200: ComplianceSerializer},
    tags=["hr"],
)
@api_view(["GET"])
@permission_classes([IsDepartmentClient])
def committee_compliance(request: Request, id: int) -> Response:
    """Whether a committee of your ministry complies, and each member's training."""
    return Response(ComplianceSerializer(_compliance(request, id)).data)


def _training(completion: TrainingCompletion) -> dict[str, Any]:
    session = completion.session
    return {
        "date": session.date,
        "status": completion.status,
        "supplier": session.supplier.name,
        "programme": session.programme.name if session.programme else "",
        "version": session.programme.version if session.programme else "",
        "online": session.is_online,
        "place": "" if session.is_online else session.place,
        "session_cancelled": session.cancelled,
        "source": completion.source,
        "awaiting_confirmation": completion.awaiting_confirmation,
    }


@extend_schema(
    operation_id="person_training",
    parameters=[OpenApiParameter("employee_number", str, OpenApiParameter.PATH)],
    responses={200: PersonTrainingSerializer},
    tags=["hr"],
)
@api_view(["GET"])
@permission_classes([IsDepartmentClient])
def person_training(request: Request, employee_number: str) -> Response:
    """A person of your ministry: trained today or not, and every training place."""
    people = Person.objects.visible_to(request.user).filter(
        employee_number=normalise_employee_number(employee_number)
    )
    person = get_object_or_404(
        with_training_state(people, timezone.localdate()).select_related("department")
    )
    body = {
        "employee_number": person.employee_number,
        "name": person.full_name,
        "ministry": person.department.code,
        "trained": person.is_trained,  # type: ignore[attr-defined]
        "awaiting_confirmation": person.is_awaiting,  # type: ignore[attr-defined]
        "trainings": [_training(c) for c in person_completions(person)],
    }
    return Response(PersonTrainingSerializer(body).data)


def _members(
    request: Request, members: list[dict[str, Any]]
) -> tuple[list[tuple[Person, str]], dict[str, str]]:
    """The members by employee number, among the people the client may see, and the
    entries not found: someone of another ministry is "not found", like someone who
    does not exist. One query."""
    numbers = [normalise_employee_number(m["employee_number"]) for m in members]
    found = {
        person.employee_number: person
        for person in Person.objects.visible_to(request.user).filter(employee_number__in=numbers)
    }
    missing = {
        f"members.{index}.employee_number": _("No one with this employee number was found.")
        for index, number in enumerate(numbers)
        if number not in found
    }
    return [
        (found[n], m["role"]) for n, m in zip(numbers, members, strict=True) if n in found
    ], missing


def _checked(
    request: Request, data: dict[str, Any]
) -> tuple[dict[str, Any], list[tuple[Person, str]]]:
    """The committee's fields through the pages' form (its checks, words and clean-up)
    and the members found; every error at once, before anything is written."""
    department = request_client(request).department
    form = CommitteeForm(
        {
            "department": department.pk if department else None,
            **{name: data[name] for name in FORM_FIELDS},
        },
        user=request.user,
    )
    errors: dict[str, Any] = {}
    if not form.is_valid():
        errors.update({name: list(messages) for name, messages in form.errors.items()})
    members, missing = _members(request, data["members"])
    errors.update(missing)
    if errors:
        raise ValidationError(errors)
    return form.cleaned_data, members


@extend_schema(
    operation_id="committee_register",
    request=CommitteeInSerializer,
    parameters=[
        OpenApiParameter(
            "Idempotency-Key",
            str,
            OpenApiParameter.HEADER,
            description="A key of your own (e.g. a UUID): a retry with the same key and body "
            "answers the first answer and registers nothing again.",
        )
    ],
    responses={
        201: RegisteredSerializer,
        422: OpenApiResponse(description="The Idempotency-Key was used for another request."),
    },
    tags=["hr"],
)
@api_view(["POST"])
@permission_classes([IsDepartmentClient])
def committees(request: Request) -> Response:
    """Register a committee of your ministry with its members, and confirm it if you
    like: the ministry's rule applies as on the committee page (a refusal, or a
    justification asked, is a 400 with the page's message on `status` or
    `justification`; in advisory mode the warning comes back in `warnings`)."""
    return idempotent(request, lambda: _register(request))


def _register(request: Request) -> Response:
    incoming = CommitteeInSerializer(data=request.data)
    incoming.is_valid(raise_exception=True)
    data = incoming.validated_data
    fields, members = _checked(request, data)
    registration = committee_register(
        department=fields["department"],
        vacancy_reference=fields["vacancy_reference"],
        vacancy_title=fields["vacancy_title"],
        interview_date=fields["interview_date"],
        notes=fields["notes"],
        justification=fields["justification"],
        status=data["status"],
        members=members,
        user=request.user,
    )
    pk = registration.committee.pk
    body = {**_compliance(request, pk), "warnings": list(registration.warnings)}
    location = reverse("api:committee_compliance", args=[pk])
    return Response(
        RegisteredSerializer(body).data,
        status=status.HTTP_201_CREATED,
        headers={"Location": location},
    )
