"""The Logius API Design Rules, checked for the HR systems' and the programme bureau's
endpoints against the running app and its schema (api-core's test_design_rules.py checks
the foundation and the suppliers' side). Each test names its rule: the old number and
the rule's id in https://gitdocumentatie.logius.nl/publicatie/api/adr/."""

from __future__ import annotations

import datetime
import re
from typing import Any

import pytest

from committees.models import CommitteeMembership, SelectionCommittee
from reports.models import ReportKind, SelfReportedFigures, Trigger
from reports.quarters import Quarter
from reports.services import report_compile
from tests.factories import (
    CommitteeFactory,
    CompletionFactory,
    DepartmentFactory,
    MembershipFactory,
    PersonFactory,
)

pytestmark = pytest.mark.django_db

# Paths as the schema writes them: relative to its server, /api/v1.
OPERATIONS = {
    "committee_compliance": ("get", "/committees/{id}/compliance"),
    "person_training": ("get", "/people/{employee_number}/training"),
    "committee_register": ("post", "/committees"),
    "report_figures": ("get", "/reports/{quarter}/{kind}"),
}
KEBAB = re.compile(r"^[a-z]+(-[a-z]+)*$")


@pytest.fixture
def schema(client) -> dict[str, Any]:
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    return dict(response.json())


@pytest.fixture
def world(department, settings) -> dict[str, str]:
    """One of each resource, and the URL that reads it."""
    committee = CommitteeFactory(department=department)
    member = MembershipFactory(committee=committee, role="chair")
    CompletionFactory(person=member.person, session__date=datetime.date(2025, 1, 1))
    PersonFactory(department=department, employee_number="E1")
    settings.REPORT_SUPPRESSION_THRESHOLD = 5
    for code, size in (("AAA", 3), ("BBB", 30), ("CCC", 40)):
        SelfReportedFigures.objects.update_or_create(
            department=DepartmentFactory(code=code, in_tender=False),
            quarter="2025Q1",
            defaults={
                "committees": 3,
                "compliant_committees": 1,
                "memberships": size,
                "trained_memberships": 1,
                "people_trained": 1,
            },
        )
    report_compile(
        kind=ReportKind.ICOP, quarter=Quarter(2025, 1), requested_by=None, trigger=Trigger.COMMAND
    )
    return {
        "compliance": f"/api/v1/committees/{committee.pk}/compliance",
        "training": f"/api/v1/people/{member.person.employee_number}/training",
        "report": "/api/v1/reports/2025Q1/icop",
    }


def _operation(schema: dict[str, Any], operation_id: str) -> dict[str, Any]:
    method, path = OPERATIONS[operation_id]
    operation = schema["paths"][path][method]
    assert operation["operationId"] == operation_id
    return dict(operation)


def _gets(world, department_api, bureau_api):
    yield department_api.get(world["compliance"])
    yield department_api.get(world["training"])
    yield bureau_api.get(world["report"])


def test_api_16_51_every_endpoint_is_described_in_the_public_openapi_document(schema) -> None:
    """API-16 (/core/doc-openapi), API-51 (/core/publish-openapi), API-20
    (/core/uri-version): OpenAPI 3, at /api/v1/openapi.json, each operation under the
    server /api/v1 with its security scheme and responses."""
    assert schema["openapi"].startswith("3.")
    assert [server["url"] for server in schema["servers"]] == ["/api/v1"]
    for operation_id in OPERATIONS:
        operation = _operation(schema, operation_id)
        assert operation["security"] == [{"oauth2": []}]
        assert {"200", "201"} & set(operation["responses"])
        assert {"401", "403", "404"} <= set(operation["responses"])


def test_api_05_54_48_resources_are_plural_nouns_in_kebab_case_without_trailing_slash(
    schema,
) -> None:
    """API-05 (/core/naming-resources), API-54 (/core/naming-collections), API-48
    (/core/no-trailing-slash), /core/path-segments-kebab-case: collections are plural
    English nouns (committees, people, reports); compliance and training are the
    sub-resource of one committee or person; no path ends with a slash."""
    collections = {"committees", "people", "reports"}
    for _method, path in OPERATIONS.values():
        assert not path.endswith("/")
        literal = [s for s in path.split("/") if s and not s.startswith("{")]
        assert literal[0] in collections
        assert all(KEBAB.match(segment) for segment in literal)


def test_api_48_a_trailing_slash_is_not_found_not_redirected(world, department_api) -> None:
    """API-48 (/core/no-trailing-slash): the URI with a slash is another, unknown URI."""
    response = department_api.get(world["compliance"] + "/")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/problem+json"


def test_api_06_a_committees_compliance_is_a_child_of_the_committee(schema) -> None:
    """API-06 (/core/nested-child): compliance and training are nested under their
    committee and person."""
    assert "/committees/{id}/compliance" in schema["paths"]
    assert "/people/{employee_number}/training" in schema["paths"]


def test_api_03_only_standard_methods_and_others_answer_405(world, department_api) -> None:
    """API-03 (/core/http-methods): GET reads, POST creates; anything else is a 405."""
    for method in ("put", "patch", "delete"):
        response = getattr(department_api.http, method)(
            world["compliance"], HTTP_AUTHORIZATION=f"Bearer {department_api.token}"
        )
        assert response.status_code == 405
        assert response["Content-Type"] == "application/problem+json"
    response = department_api.http.delete(
        "/api/v1/committees", HTTP_AUTHORIZATION=f"Bearer {department_api.token}"
    )
    assert response.status_code == 405


def test_api_01_reading_changes_nothing(world, department_api, bureau_api) -> None:
    """API-01 (/core/http-safety): the GETs are safe, no row and no history is written."""
    before = (
        SelectionCommittee.history.count(),
        CommitteeMembership.history.count(),
        SelectionCommittee.objects.count(),
    )
    assert [r.status_code for r in _gets(world, department_api, bureau_api)] == [200] * 3
    after = (
        SelectionCommittee.history.count(),
        CommitteeMembership.history.count(),
        SelectionCommittee.objects.count(),
    )
    assert after == before


def test_api_57_every_answer_carries_the_full_version(
    world, department_api, bureau_api, other_department_api, supplier_api
) -> None:
    """API-57 (/core/version-header): API-Version on answers and errors alike."""
    responses = [
        *_gets(world, department_api, bureau_api),
        other_department_api.get(world["compliance"]),  # 404
        supplier_api.get(world["training"]),  # 403
        department_api.post("/api/v1/committees", {}),  # 400
    ]
    assert [r.status_code for r in responses] == [200, 200, 200, 404, 403, 400]
    assert {r["API-Version"] for r in responses} == {"1.0.0"}


def test_errors_are_problem_details_that_hide_the_implementation(
    world, department_api, other_department_api, supplier_api
) -> None:
    """/core/error-handling/problem-details (RFC 9457: status, title, detail) and API-53
    (/core/hide-implementation): no framework, database or stack in an error."""
    for response in (
        other_department_api.get(world["compliance"]),
        supplier_api.get(world["report"]),
        department_api.post("/api/v1/committees", {"members": "x"}),
        department_api.get("/api/v1/reports/2025Q1/icop"),
    ):
        assert response.status_code >= 400
        assert response["Content-Type"] == "application/problem+json"
        body = response.json()
        assert {"type", "title", "status", "detail"} <= set(body)
        assert body["status"] == response.status_code
        text = response.content.decode().lower()
        for word in ("traceback", "django", "psycopg", "rest_framework", "sql"):
            assert word not in text


def test_invalid_input_is_a_400_with_every_error_at_once(department_api, schema) -> None:
    """/core/error-handling/invalid-input and /core/error-handling/all-errors: a body with
    several mistakes answers 400 once, naming each field in invalid-params."""
    assert "400" in _operation(schema, "committee_register")["responses"]
    response = department_api.post(
        "/api/v1/committees",
        {
            "vacancy_title": "Beleidsmedewerker",
            "interview_date": "16-06-2025",
            "members": [{"employee_number": "E1", "role": "boss"}],
        },
    )
    assert response.status_code == 400
    names = {p["name"] for p in response.json()["invalid-params"]}
    assert names == {"vacancy_reference", "interview_date", "members.0.role"}


def _properties(schema: dict[str, Any], name: str) -> dict[str, Any]:
    return dict(schema["components"]["schemas"][name]["properties"])


def test_dates_are_dates_and_moments_are_utc(schema, world, bureau_api) -> None:
    """/core/date-time/format, /core/date-time/date-omit-time-portion and
    /core/date-time/timezone: a day is a `date`, a moment a `date-time` in UTC."""
    assert _properties(schema, "Compliance")["interview_date"]["format"] == "date"
    assert _properties(schema, "Training")["date"]["format"] == "date"
    assert _properties(schema, "Report")["compiled_at"]["format"] == "date-time"
    body = bureau_api.get(world["report"]).json()
    for moment in (body["compiled_at"], body["generated_at"]):
        assert moment.endswith("Z")
        assert datetime.datetime.fromisoformat(moment).utcoffset() == datetime.timedelta(0)


def test_api_50_cors_stays_closed(world, department_api) -> None:
    """API-50 (/core/transport/cors): no CORS header, also for an Origin that asks."""
    response = department_api.get(world["compliance"], HTTP_ORIGIN="https://example.org")
    assert response.status_code == 200
    assert not [h for h in response.headers if h.lower().startswith("access-control-")]
