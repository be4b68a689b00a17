"""The OpenAPI document tells the truth about /api/v1 errors: problem details, as really sent."""

from __future__ import annotations

import datetime as dt
import json
import uuid
from collections.abc import Iterator
from typing import Any

import jsonschema_rs
import pytest

from app.domains.people.rules import old_format_code
from tests.api.contract import check_generated
from tests.factories.staff import create_staff
from tests.web.conftest import csrf_from, sign_in

PROBLEM_JSON = "application/problem+json"
PROBLEM_REF = {"$ref": "#/components/schemas/ProblemDetails"}
BASE = "http://127.0.0.1:8000"

# Every /api/v1 operation and the error statuses it can give: a new operation fails here until its errors
# are documented (`responses=problems(...)` in app/api/v1/responses.py).
_ERRORS = {
    ("get", "/api/v1/me"): {401},
    ("post", "/api/v1/persons"): {400, 401, 403, 409, 415, 422},
    ("get", "/api/v1/persons/{person_id}"): {401, 403, 404},
    ("get", "/api/v1/persons"): {401, 403, 422},
    ("get", "/api/v1/persons/{person_id}/access-log"): {401, 403, 404, 422},
    ("get", "/api/v1/cases/{case_id}"): {401, 403, 404},
    ("get", "/api/v1/cases/{case_id}/entries"): {401, 403, 404, 422},
    ("post", "/api/v1/cases/{case_id}/entries"): {400, 401, 403, 404, 409, 415, 422},
    ("post", "/api/v1/households"): {400, 401, 403, 409, 415, 422},
    ("get", "/api/v1/households/{household_id}"): {401, 403, 404},
    ("post", "/api/v1/households/{household_id}/members"): {400, 401, 403, 404, 409, 415, 422},
    ("get", "/api/v1/persons/{person_id}/household"): {401, 403, 404, 422},
    ("get", "/api/v1/assistance-statuses"): {401, 403, 422},
    ("get", "/api/v1/benefit-types"): {401, 403, 422},
    ("get", "/api/v1/benefit-types/{benefit_type_id}"): {401, 403, 404},
    ("get", "/api/v1/providers"): {422},  # public: no sign-in (PUBLIC, app/main.py)
    ("get", "/api/v1/citizen/me"): {401},
    ("get", "/api/v1/citizen/applications"): {401},
    ("get", "/api/v1/citizen/applications/{application_id}"): {401, 404},
    ("get", "/api/v1/citizen/queue-entries/{entry_id}"): {401, 404},
    ("get", "/api/v1/citizen/decisions/{decision_id}/document"): {401, 404},
    ("get", "/api/v1/citizen/queue-entries"): {401},
    ("get", "/api/v1/citizen/access-log"): {401},
    ("post", "/api/v1/citizen/complaints"): {400, 401, 403, 409, 413, 415, 422},
    ("post", "/api/v1/provider-applications"): {400, 401, 403, 409, 415, 422},
    ("get", "/api/v1/provider-applications"): {401},
    ("get", "/api/v1/provider-applications/{registration_id}"): {401, 404},
    ("patch", "/api/v1/provider-applications/{registration_id}"): {400, 401, 403, 404, 409, 415, 422},
    ("post", "/api/v1/oauth/token"): {400, 401},  # errors per RFC 6749 §5.2 (OAUTH_OPERATIONS)
}
# Every operation may also be rate-limited (429 with Retry-After).
DOCUMENTED_ERRORS = {operation: codes | {429} for operation, codes in _ERRORS.items()}
# The operations anyone may call without signing in (listed in PUBLIC, app/main.py).
PUBLIC_OPERATIONS = {("get", "/api/v1/providers")}
# The OAuth2 token endpoint: its 400 and 401 are the RFC's `{"error": …}` JSON, which OAuth2 client
# libraries read (app/api/v1/oauth.py); only its 429 is problem details.
OAUTH_OPERATIONS = {("post", "/api/v1/oauth/token")}
OAUTH_ERROR_REF = {"$ref": "#/components/schemas/OAuthErrorOut"}


@pytest.fixture
def api(client, social_worker) -> Any:
    """A signed-in social worker (may view and register persons) sending the CSRF header."""
    sign_in(client, social_worker)
    client.headers["x-csrftoken"] = csrf_from(client.get("/").text)
    return client


@pytest.fixture
def openapi(client) -> dict[str, Any]:
    return client.get("/api/schema/openapi.json").json()


def _operations(openapi: dict[str, Any]) -> Iterator[tuple[str, str, dict[str, Any]]]:
    for path, item in openapi["paths"].items():
        for method, operation in item.items():
            if method in {"get", "put", "post", "patch", "delete"}:
                yield method, path, operation


def _error_codes(operation: dict[str, Any]) -> set[int]:
    return {int(code) for code in operation["responses"] if code.isdigit() and int(code) >= 400}


# --- the document -----------------------------------------------------------------------------------------


def test_every_operation_documents_its_errors_as_problem_details(openapi) -> None:
    found = {}
    for method, path, operation in _operations(openapi):
        found[(method, path)] = _error_codes(operation)
        for code in found[(method, path)]:
            response = operation["responses"][str(code)]
            assert response["description"], (method, path, code)
            if (method, path) in OAUTH_OPERATIONS and code != 429:
                assert response["content"] == {"application/json": {"schema": OAUTH_ERROR_REF}}
                continue
            assert response["content"] == {PROBLEM_JSON: {"schema": PROBLEM_REF}}, (method, path, code)
        if (method, path) in OAUTH_OPERATIONS:
            assert 429 in found[(method, path)]
            continue
        if (method, path) not in PUBLIC_OPERATIONS:
            assert 401 in found[(method, path)], "every API call needs a signed-in user"
        assert 429 in found[(method, path)], "every API call is rate-limited"
        if "requestBody" in operation:
            assert {400, 415, 422} <= found[(method, path)], (method, path)
        if any(p["in"] == "path" for p in operation.get("parameters", [])):
            assert 404 in found[(method, path)], (method, path)
    assert found == DOCUMENTED_ERRORS


def test_no_operation_documents_litestars_default_error_shape(openapi) -> None:
    def objects(node: Any) -> Iterator[dict[str, Any]]:
        if isinstance(node, dict):
            yield node
            for value in node.values():
                yield from objects(value)
        elif isinstance(node, list):
            for value in node:
                yield from objects(value)

    for node in objects(openapi):
        assert not {"status_code", "extra"} <= set(node.get("properties", {})), node
    for method, path, operation in _operations(openapi):
        for code, response in operation["responses"].items():
            if int(code) >= 400 and not ((method, path) in OAUTH_OPERATIONS and code in {"400", "401"}):
                assert "application/json" not in response.get("content", {}), (method, path, code)


def test_problem_details_schema_describes_the_body(openapi) -> None:
    schemas = openapi["components"]["schemas"]
    problem = schemas["ProblemDetails"]
    assert sorted(problem["required"]) == ["instance", "status", "title", "type"]
    assert set(problem["properties"]) == {
        "type",
        "title",
        "status",
        "instance",
        "detail",
        "errors",
        "existing",
    }
    assert problem["properties"]["status"]["type"] == "integer"
    assert sorted(schemas["FieldError"]["required"]) == ["field", "message"]


# --- real responses against the document --------------------------------------------------------------------


class Contract:
    """Checks a real answer: a documented error status of the operation, problem+json, valid body."""

    def __init__(self, openapi: dict[str, Any]) -> None:
        self.openapi = openapi
        self.validator = jsonschema_rs.Draft202012Validator(
            {**PROBLEM_REF, "components": openapi["components"]}
        )

    def check(self, answer: Any, method: str, path: str, status: int) -> dict[str, Any]:
        assert answer.status_code == status, answer.text
        assert str(status) in self.openapi["paths"][path][method]["responses"], (method, path, status)
        assert answer.headers["content-type"].split(";")[0] == PROBLEM_JSON
        body = answer.json()
        errors = [e.message for e in self.validator.iter_errors(body)]
        assert not errors, (body, errors)
        assert body["status"] == status
        return body


@pytest.fixture
def contract(openapi) -> Contract:
    return Contract(openapi)


PERSON = "/api/v1/persons/{person_id}"


def test_401_matches_the_document(client, contract) -> None:
    contract.check(client.get("/api/v1/me"), "get", "/api/v1/me", 401)
    contract.check(client.get(f"/api/v1/persons/{uuid.uuid4()}"), "get", PERSON, 401)
    answer = client.post("/api/v1/persons", json={"first_name": "A", "last_name": "B"})
    contract.check(answer, "post", "/api/v1/persons", 401)


def test_403_without_csrf_header_matches_the_document(api, contract) -> None:
    del api.headers["x-csrftoken"]
    answer = api.post("/api/v1/persons", json={"first_name": "Anna", "last_name": "Liepa"})
    contract.check(answer, "post", "/api/v1/persons", 403)


def test_403_without_permission_matches_the_document(client, contract, rw_sessions, tenant_a) -> None:
    username = f"acc-{uuid.uuid4().hex[:8]}"
    create_staff(rw_sessions, {tenant_a: ["accountant"]}, username=username)
    sign_in(client, username)
    client.headers["x-csrftoken"] = csrf_from(client.get("/").text)
    answer = client.post("/api/v1/persons", json={"first_name": "Anna", "last_name": "Liepa"})
    body = contract.check(answer, "post", "/api/v1/persons", 403)
    assert body.get("detail")


def test_404_matches_the_document(api, contract) -> None:
    contract.check(api.get(f"/api/v1/persons/{uuid.uuid4()}"), "get", PERSON, 404)


def test_409_matches_the_document(api, contract) -> None:
    code = old_format_code(dt.date(1975, 5, 17), 321)
    payload = {"first_name": "Anna", "last_name": "Liepa", "personal_code": code}
    created = api.post("/api/v1/persons", json=payload)
    assert created.status_code == 201
    body = contract.check(api.post("/api/v1/persons", json=payload), "post", "/api/v1/persons", 409)
    assert body["existing"] == f"/api/v1/persons/{created.json()['id']}"


@pytest.mark.parametrize(
    "payload",
    [
        {"first_name": 5},
        {"first_name": "Anna", "last_name": ""},
        {"first_name": "Anna", "last_name": "Liepa", "unknown": 1},
        {"first_name": "Anna", "last_name": "Liepa", "personal_code": "00000000000"},
        [],
    ],
)
def test_422_matches_the_document(api, contract, payload) -> None:
    body = contract.check(api.post("/api/v1/persons", json=payload), "post", "/api/v1/persons", 422)
    assert body["detail"]


def test_malformed_json_is_a_documented_400(api, contract) -> None:
    answer = api.post(
        "/api/v1/persons", content=b'{"first_name": ', headers={"content-type": "application/json"}
    )
    contract.check(answer, "post", "/api/v1/persons", 400)


@pytest.mark.parametrize(
    ("content", "content_type"),
    [
        (b"first_name=Anna&last_name=Liepa", "application/x-www-form-urlencoded"),
        (b'{"first_name": "Anna", "last_name": "Liepa"}', "text/plain"),
        (b'{"first_name": "Anna", "last_name": "Liepa"}', None),
    ],
)
def test_a_body_that_is_not_json_is_415(api, contract, content, content_type) -> None:
    headers = {"content-type": content_type} if content_type else {}
    answer = api.post("/api/v1/persons", content=content, headers={**headers, "accept-language": "en"})
    body = contract.check(answer, "post", "/api/v1/persons", 415)
    assert "media type" in body["detail"]


def test_json_with_a_charset_is_accepted(api) -> None:
    answer = api.post(
        "/api/v1/persons",
        content=json.dumps(
            {"first_name": "Anna", "last_name": "Liepa", "personal_code": "161175-19997"}
        ).encode(),
        headers={"content-type": "application/json; charset=utf-8"},
    )
    assert answer.status_code == 201, answer.text


# --- generated requests (schemathesis), in process ----------------------------------------------------------


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("POST", "/api/v1/persons"),
        ("GET", PERSON),
        ("GET", "/api/v1/persons"),
        ("GET", "/api/v1/persons/{person_id}/access-log"),
        ("POST", "/api/v1/citizen/complaints"),
        ("GET", "/api/v1/citizen/decisions/{decision_id}/document"),
    ],
)
def test_generated_requests_get_documented_answers(api, openapi, method, path) -> None:
    """Schema-driven requests, signed in with the CSRF header: never a 5xx, every answer as documented."""
    check_generated(api, path, method, base_url=BASE, openapi=openapi)
