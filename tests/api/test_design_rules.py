"""The Logius API Design Rules (ADR), each applicable rule a check against the running app
and its OpenAPI description. Each test's docstring names the rule (its /core/ id, and the
older API-nn number where it has one).

Not checked here, and why:
- /core/interface-language, /core/doc-language (API-04, API-17): the interface and its
  description are in English, consistently: suppliers' and HR systems' developers work in
  English, and the issue allows either language if consistent (README, "API").
- /core/transport/tls: TLS ends at the proxy in front of the app (compose's Caddy);
  SECURE_SSL_REDIRECT and HSTS are tested under tests/security.
- /core/nested-child, /core/resource-operations (API-06, API-10): no child resources or
  operations that are not CRUD on a resource.
- /core/modules/*: no geospatial data, signing or encryption of messages.
"""

from __future__ import annotations

import datetime
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import URLPattern, URLResolver, get_resolver
from openapi_spec_validator import validate

from imports.models import ImportBatch
from tests.factories import SessionFactory
from trainings.models import TrainingSession

pytestmark = pytest.mark.django_db

OPENAPI = "/api/v1/openapi.json"
METHODS = {"get", "put", "post", "patch", "delete"}
KEBAB = re.compile(r"^[a-z][a-z0-9]*(-[a-z0-9]+)*$")
CAMEL = re.compile(r"^[a-z][a-zA-Z0-9]*$")
SEMVER = re.compile(r"^\d+\.\d+\.\d+$")
# Static path segments that name a thing (nouns), and the verbs that must not appear.
VERBS = {"get", "create", "update", "delete", "add", "remove", "import", "apply", "post",
         "put", "list", "send", "register", "cancel", "search", "set", "do"}  # fmt: skip
# Singular on purpose: the client itself ("me"), uncountables ("attendance", and the HR
# side's "compliance" and "training" of one committee or person), the schema document
# and the OAuth token endpoint (RFC 6749's own names).
NOT_COLLECTIONS = {"me", "attendance", "compliance", "training", "openapi.json", "oauth", "token"}
# Plural nouns that do not end in "s".
IRREGULAR_PLURALS = {"people"}


@pytest.fixture
def schema(client):
    return client.get(OPENAPI).json()


def operations(schema):
    for path, item in schema["paths"].items():
        for method, operation in item.items():
            if method in METHODS:
                yield path, method, operation


def api_routes():
    def walk(patterns, prefix=""):
        for entry in patterns:
            route = prefix + str(entry.pattern)
            if isinstance(entry, URLResolver):
                yield from walk(entry.url_patterns, route)
            elif isinstance(entry, URLPattern):
                yield route

    return [route for route in walk(get_resolver().url_patterns) if route.startswith("api/")]


def static_segments(path):
    return [s for s in path.strip("/").split("/") if s and not s.startswith("{")]


# --- naming ----------------------------------------------------------------------------


def test_resources_are_named_with_nouns(schema) -> None:
    """/core/naming-resources (API-05): resources are nouns, never verbs."""
    segments = {seg for path, _m, _o in operations(schema) for seg in static_segments(path)}
    assert segments
    assert not {word for seg in segments for word in seg.split("-")} & VERBS


def test_collections_are_plural_nouns(schema) -> None:
    """/core/naming-collections (API-54): a collection (a segment followed by an id) is
    a plural noun."""
    for path in schema["paths"]:
        parts = path.strip("/").split("/")
        for segment, following in zip(parts, [*parts[1:], None], strict=True):
            # A name followed by an id names a collection (not an id followed by an id:
            # /reports/{quarter}/{kind} is one report of the reports).
            if following and following.startswith("{") and not segment.startswith("{"):
                assert segment.endswith("s") or segment in IRREGULAR_PLURALS, path
        for segment in static_segments(path):
            assert segment.endswith("s") or segment in NOT_COLLECTIONS | IRREGULAR_PLURALS, path


def test_path_segments_are_kebab_case(schema) -> None:
    """/core/path-segments-kebab-case: lower case words joined by hyphens."""
    for path in schema["paths"]:
        for segment in static_segments(path):
            assert KEBAB.match(segment.removesuffix(".json")), path


def test_query_keys_are_lower_camel_case(schema) -> None:
    """/core/query-keys-camel-case."""
    keys = [
        parameter["name"]
        for _p, _m, operation in operations(schema)
        for parameter in operation.get("parameters", [])
        if parameter["in"] == "query"
    ]
    assert "session" in keys
    assert all(CAMEL.match(key) for key in keys)


def test_no_trailing_slashes(client, supplier_api) -> None:
    """/core/no-trailing-slash (API-48): no route ends with a slash, and a URL with one
    is not found (not redirected)."""
    routes = api_routes()
    assert "api/v1/attendance" in routes
    assert not [route for route in routes if route.endswith("/")]
    response = supplier_api.get("/api/v1/me/")
    assert response.status_code == 404
    assert "Location" not in response.headers


def test_implementation_details_stay_hidden(client, supplier_api) -> None:
    """/core/hide-implementation (API-53): no framework, server or storage shows through:
    no file extensions in paths but the schema's, no server banner, no trace in errors,
    and the batch's stored file name is not part of its representation."""
    for route in api_routes():
        assert not re.search(r"\.(py|php|aspx?|jsp|html)$", route)
    response = supplier_api.get("/api/v1/attendance-batches/1")
    assert "Server" not in response.headers
    assert "X-Powered-By" not in response.headers
    assert "Traceback" not in response.content.decode()
    batch = supplier_api.post(
        "/api/v1/attendance", {"records": [{"employee_number": "1", "status": "attended"}]}
    ).json()
    assert "file" not in batch
    assert ".json" not in str(batch)


def test_dates_and_times_are_rfc_3339_with_an_offset(supplier_api) -> None:
    """/core/date-time/format and /core/date-time/timezone: date-times in RFC 3339 with
    their offset, dates without a time."""
    body = supplier_api.post(
        "/api/v1/attendance", {"records": [{"employee_number": "1", "status": "attended"}]}
    ).json()
    received = datetime.datetime.fromisoformat(body["received_at"].replace("Z", "+00:00"))
    assert received.tzinfo is not None
    SessionFactory(supplier=supplier_api.client.supplier, external_id="D-1")
    session = supplier_api.get("/api/v1/sessions/D-1").json()
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", session["date"])


# --- HTTP ------------------------------------------------------------------------------


def test_only_standard_methods(schema, supplier_api) -> None:
    """/core/http-methods (API-03): only GET, POST, PUT, PATCH and DELETE; another method
    is 405 with the allowed ones."""
    for item in schema["paths"].values():
        assert set(item) - {"parameters"} <= METHODS
    response = supplier_api.delete("/api/v1/attendance")
    assert response.status_code == 405
    assert "POST" in response.headers["Allow"]
    assert response.headers["Content-Type"] == "application/problem+json"


def test_safe_methods_change_nothing_and_put_is_idempotent(supplier_api, supplier) -> None:
    """/core/http-safety (API-01): GET changes nothing; PUT twice leaves one session."""
    SessionFactory(supplier=supplier, external_id="SAFE-1")
    before = (TrainingSession.objects.count(), ImportBatch.objects.count())
    supplier_api.get("/api/v1/sessions/SAFE-1")
    supplier_api.get("/api/v1/registrations", {"session": "SAFE-1"})
    assert (TrainingSession.objects.count(), ImportBatch.objects.count()) == before
    body = {"date": "2027-01-11", "place": "Utrecht"}
    first = supplier_api.put("/api/v1/sessions/SAFE-2", body)
    second = supplier_api.put("/api/v1/sessions/SAFE-2", body)
    assert (first.status_code, second.status_code) == (201, 200)
    assert first.json() == second.json()
    assert TrainingSession.objects.filter(external_id="SAFE-2").count() == 1


def test_no_session_state(supplier_api, client) -> None:
    """/core/stateless (API-02): no cookie is set; each request carries its token."""
    responses = [
        supplier_api.get("/api/v1/me"),
        supplier_api.post("/api/v1/attendance", {"records": []}),
        client.get(OPENAPI),
        client.get("/api/v1/me"),
    ]
    assert all("Set-Cookie" not in r.headers for r in responses)
    assert all(not r.cookies for r in responses)


def test_content_types_are_checked(supplier_api) -> None:
    """Validate content types (ADR, Transport Security): a body that is not JSON is 415;
    asking for another format than JSON is 406."""
    response = supplier_api.http.post(
        "/api/v1/attendance",
        "<records/>",
        content_type="application/xml",
        HTTP_AUTHORIZATION=f"Bearer {supplier_api.token}",
    )
    assert response.status_code == 415
    assert response.headers["Content-Type"] == "application/problem+json"
    response = supplier_api.get("/api/v1/me", HTTP_ACCEPT="application/xml")
    assert response.status_code == 406
    assert response.headers["Content-Type"] == "application/problem+json"


# --- errors ----------------------------------------------------------------------------


def test_errors_are_problem_details(client, supplier_api, other_supplier_api, schema) -> None:
    """/core/error-handling/problem-details: every 4xx is application/problem+json with
    status, title and detail (RFC 9457), also the 404 of no view; the schema says so."""
    SessionFactory(supplier=supplier_api.client.supplier, external_id="P-1")
    responses = [
        client.get("/api/v1/me"),  # 401
        supplier_api.get("/api/v1/nothing-here"),  # 404, no view
        other_supplier_api.get("/api/v1/sessions/P-1"),  # 404, another supplier's
        supplier_api.post("/api/v1/attendance", {}),  # 400
        supplier_api.put("/api/v1/sessions/P-2", {"date": "morgen", "place": "Utrecht"}),
    ]
    for response in responses:
        assert response.status_code >= 400
        assert response.headers["Content-Type"] == "application/problem+json"
        body = response.json()
        assert {"type", "title", "status", "detail", "instance"} <= set(body)
        assert body["status"] == response.status_code
    problem = schema["components"]["schemas"]["Problem"]
    assert {"status", "title", "detail"} <= set(problem["required"])


def test_invalid_input_is_400_and_every_operation_says_so(supplier_api, schema) -> None:
    """/core/error-handling/invalid-input: invalid input answers 400, which every
    operation documents."""
    for path, method, operation in operations(schema):
        assert "400" in operation["responses"], (method, path)
    assert supplier_api.get("/api/v1/registrations").status_code == 400


def test_all_errors_come_together(supplier_api) -> None:
    """/core/error-handling/all-errors: every field's problem in one answer."""
    response = supplier_api.put(
        "/api/v1/sessions/ALL-1",
        {"date": "2027-01-11", "start_time": "25:00", "capacity": 0, "place": ""},
    )
    names = {param["name"] for param in response.json()["invalid-params"]}
    assert {"start_time", "capacity", "place"} <= names
    response = supplier_api.post(
        "/api/v1/attendance", {"records": [{"email": 1}, {"status": "nee"}]}
    )
    names = {param["name"] for param in response.json()["invalid-params"]}
    assert {"records.0.email", "records.0.status", "records.1.status"} <= names


def test_401_names_the_scheme_and_titles_are_dutch_unless_english_is_asked(client) -> None:
    """/core/http-response-code: 401 with WWW-Authenticate (Bearer); the title follows
    Accept-Language, Dutch by default."""
    dutch = client.get("/api/v1/me")
    english = client.get("/api/v1/me", HTTP_ACCEPT_LANGUAGE="en")
    assert dutch.status_code == english.status_code == 401
    assert dutch.headers["WWW-Authenticate"].startswith("Bearer")
    assert dutch.json()["title"] == "Log in met een geldig toegangstoken"
    assert english.json()["title"] == "Sign in with a valid access token"


def test_what_a_client_may_not_see_is_404_like_what_does_not_exist(
    supplier_api, other_supplier_api
) -> None:
    """/core/http-response-code: 404 for another client's resource, exactly as for one
    that does not exist (no hint that it exists)."""
    SessionFactory(supplier=supplier_api.client.supplier, external_id="MINE-1")
    theirs = other_supplier_api.get("/api/v1/sessions/MINE-1")
    nothing = other_supplier_api.get("/api/v1/sessions/NOBODYS-1")
    assert theirs.status_code == nothing.status_code == 404
    assert theirs.json()["title"] == nothing.json()["title"]
    assert theirs.json()["detail"] == nothing.json()["detail"]


def test_the_rate_limit_answers_429_with_retry_after(supplier_api, settings) -> None:
    """/core/http-response-code: 429 with Retry-After over the per-client rate limit
    (API_RATE_LIMIT), counted in the "api" cache (Redis when the tests have one)."""
    settings.API_RATE_LIMIT = "3/min"
    statuses = [supplier_api.get("/api/v1/me").status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    limited = supplier_api.get("/api/v1/me")
    assert int(limited.headers["Retry-After"]) > 0
    assert limited.headers["Content-Type"] == "application/problem+json"
    assert limited.headers["API-Version"] == settings.API_VERSION


# --- documentation and versions --------------------------------------------------------


def test_the_openapi_document_is_valid_openapi_3(schema) -> None:
    """/core/doc-openapi (API-16): a valid OpenAPI 3 description with every endpoint,
    the problem schema and the OAuth 2.0 client-credentials scheme and token URL."""
    validate(schema)
    assert schema["openapi"].startswith("3.")
    assert set(schema["paths"]) >= {
        "/me",
        "/sessions/{supplier_ref}",
        "/attendance",
        "/attendance-batches/{batch_id}",
        "/registrations",
    }
    oauth = schema["components"]["securitySchemes"]["oauth2"]
    assert oauth["flows"]["clientCredentials"]["tokenUrl"] == "/api/v1/oauth/token"


def test_the_openapi_document_names_a_contact(schema) -> None:
    """/core/doc-openapi-contact: info.contact with a name, an e-mail address and a URL."""
    assert {"name", "email", "url"} <= set(schema["info"]["contact"])


def test_the_openapi_document_is_public_json_at_the_standard_place(client) -> None:
    """/core/publish-openapi (API-51): openapi.json in the base path, without a token,
    readable by any origin (the one resource that is)."""
    response = client.get(OPENAPI, HTTP_ORIGIN="https://docs.example.org")
    assert response.status_code == 200
    assert "json" in response.headers["Content-Type"]
    assert response.headers["Access-Control-Allow-Origin"] == "*"


def test_the_major_version_is_in_the_uri(schema) -> None:
    """/core/uri-version (API-20): the base path carries v + the major version only."""
    major = schema["info"]["version"].split(".")[0]
    assert [server["url"] for server in schema["servers"]] == [f"/api/v{major}"]


def test_the_version_is_semantic(schema) -> None:
    """/core/semver (API-56): major.minor.patch."""
    assert SEMVER.match(schema["info"]["version"])


def test_every_answer_carries_the_full_version(client, supplier_api, schema, settings) -> None:
    """/core/version-header (API-57): API-Version on every answer, errors and the schema
    and token endpoint included, equal to info.version."""
    responses = [
        client.get(OPENAPI),
        supplier_api.get("/api/v1/me"),
        client.get("/api/v1/me"),
        supplier_api.get("/api/v1/nothing-here"),
        supplier_api.delete("/api/v1/me"),
        client.post("/api/v1/oauth/token", {"grant_type": "client_credentials"}),
    ]
    for response in responses:
        assert response.headers["API-Version"] == schema["info"]["version"]
    assert schema["info"]["version"] == settings.API_VERSION
    for path, method, operation in operations(schema):
        for status, answer in operation["responses"].items():
            assert "API-Version" in answer.get("headers", {}), (method, path, status)


def test_changelog_and_deprecation_policy_are_published() -> None:
    """/core/changelog, /core/deprecation-schedule, /core/transition-period (API-55,
    API-18, API-19): the README has the API's changelog and its deprecation policy."""
    readme = (Path(settings.BASE_DIR) / "README.md").read_text()
    section = readme.split("## API", 1)[1].split("\n## ", 1)[0]
    assert "### Changelog" in section
    assert f"**{settings.API_VERSION}**" in section
    assert "### Deprecation policy" in section
    assert "Sunset" in section
    assert "Deprecation" in section


# --- transport security ----------------------------------------------------------------


def test_the_security_headers_of_an_api(supplier_api) -> None:
    """/core/transport/security-headers: no-store, frame-ancestors 'none', nosniff,
    X-Frame-Options DENY, a JSON Content-Type, and HSTS over HTTPS."""
    response = supplier_api.get("/api/v1/me", secure=True)
    assert response.headers["Cache-Control"] == "no-store"
    assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["Content-Type"] == "application/json"
    assert "max-age" in response.headers["Strict-Transport-Security"]


def test_cors_is_closed(supplier_api, client) -> None:
    """/core/transport/cors: no page of another origin may call the API: no CORS header,
    also not to a preflight request."""
    origin = {"HTTP_ORIGIN": "https://evil.example"}
    answers = [
        supplier_api.get("/api/v1/me", **origin),
        client.options("/api/v1/attendance", HTTP_ACCESS_CONTROL_REQUEST_METHOD="POST", **origin),
        client.post("/api/v1/oauth/token", {"grant_type": "client_credentials"}, **origin),
    ]
    for response in answers:
        assert not [h for h in response.headers if h.lower().startswith("access-control-")]


def test_no_secrets_in_uris(client, supplier_api) -> None:
    """/core/transport/no-sensitive-uris: a token in the query string is not accepted,
    nor client credentials in the token endpoint's query string."""
    assert client.get(f"/api/v1/me?access_token={supplier_api.token}").status_code == 401
    response = client.post(
        "/api/v1/oauth/token?grant_type=client_credentials"
        f"&client_id={supplier_api.client.client_id}&client_secret={supplier_api.secret}"
    )
    assert "access_token" not in response.content.decode()
