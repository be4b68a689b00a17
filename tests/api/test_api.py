"""The /api/v1 surface: authentication, CSRF, problem details, OpenAPI, health."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from sqlalchemy import func, select

from app.audit.models import ChangeLog
from app.db import sync_tenant_uow
from app.domains.people.models import Person
from app.domains.people.rules import old_format_code
from tests.factories.staff import create_staff
from tests.web.conftest import csrf_from, sign_in


@pytest.fixture
def api(client, social_worker) -> Any:
    sign_in(client, social_worker)
    client.headers["x-csrftoken"] = csrf_from(client.get("/").text)
    return client


def _problem(answer: Any, status: int) -> dict[str, Any]:
    assert answer.status_code == status, answer.text
    assert answer.headers["content-type"].startswith("application/problem+json")
    body = answer.json()
    assert body["status"] == status and body["title"]
    return body  # type: ignore[no-any-return]


def test_unauthenticated_api_call_gets_401_problem(client) -> None:
    _problem(client.get("/api/v1/me"), 401)


def test_me_names_the_user_and_municipality(api, tenant_a) -> None:
    body = api.get("/api/v1/me").json()
    assert body["full_name"] == "Līga Kalniņa"
    assert body["municipality_id"] == str(tenant_a)
    assert "people:person:create" in body["permissions"]


def test_register_person_writes_person_and_audit(api, rw_sessions, tenant_a) -> None:
    code = old_format_code(__import__("datetime").date(1984, 3, 7), 123)
    answer = api.post(
        "/api/v1/persons", json={"first_name": "Ģirts", "last_name": "Ķēniņš", "personal_code": code}
    )
    assert answer.status_code == 201, answer.text
    person_id = uuid.UUID(answer.json()["id"])
    assert answer.json()["birth_date"] == "1984-03-07"
    with sync_tenant_uow(rw_sessions, tenant_a) as s:
        person = s.get(Person, (tenant_a, person_id))
        assert person is not None and person.name_norm == "kenins girts"
        entry = s.scalars(select(ChangeLog).where(ChangeLog.entity_id == person_id)).one()
    assert entry.action == "people:person:create" and entry.after["first_name"] == "Ģirts"


def test_invalid_payload_is_422_naming_the_fields(api) -> None:
    body = _problem(api.post("/api/v1/persons", json={"first_name": 5}), 422)
    fields = {e["field"] for e in body["errors"]}
    assert fields & {"first_name", "last_name"}


def test_invalid_personal_code_is_422_in_latvian(api) -> None:
    valid = old_format_code(__import__("datetime").date(1999, 12, 31), 234)
    wrong_check = valid[:10] + str((int(valid[10]) + 1) % 10)
    answer = api.post(
        "/api/v1/persons", json={"first_name": "Anna", "last_name": "Liepa", "personal_code": wrong_check}
    )
    body = _problem(answer, 422)
    assert body["errors"][0]["field"] == "personal_code"
    assert "personas kod" in body["errors"][0]["message"].lower()


def test_english_problem_details_when_asked(api) -> None:
    answer = api.post(
        "/api/v1/persons", json={"first_name": "Anna", "last_name": ""}, headers={"accept-language": "en"}
    )
    body = _problem(answer, 422)
    assert body["title"] == "Invalid input"


def test_duplicate_code_is_409_and_leaves_no_audit_row(api, rw_sessions, tenant_a) -> None:
    payload = {
        "first_name": "Anna",
        "last_name": "Liepa",
        "personal_code": "32123456789",
        "birth_date": "2019-01-01",
    }
    assert api.post("/api/v1/persons", json=payload).status_code == 201
    _problem(api.post("/api/v1/persons", json={**payload, "first_name": "Otra"}), 409)
    with sync_tenant_uow(rw_sessions, tenant_a) as s:
        assert (
            s.scalar(select(func.count()).select_from(Person).where(Person.personal_code == "32123456789"))
            == 1
        )
        audits = s.scalar(
            select(func.count()).select_from(ChangeLog).where(ChangeLog.action == "people:person:create")
        )
    assert audits == 1


def test_post_without_csrf_header_is_403(api) -> None:
    del api.headers["x-csrftoken"]
    answer = api.post("/api/v1/persons", json={"first_name": "Anna", "last_name": "Liepa"})
    assert answer.status_code == 403


def test_another_municipalitys_person_is_404(api, rw_sessions, tenant_b) -> None:
    other = f"other-{uuid.uuid4().hex[:8]}"
    create_staff(rw_sessions, {tenant_b: ["social_worker"]}, username=other)
    from litestar.testing import TestClient

    from app.main import create_app

    with TestClient(app=create_app(api.app.state.resources.settings), base_url="http://127.0.0.1:8000") as c2:
        sign_in(c2, other)
        c2.headers["x-csrftoken"] = csrf_from(c2.get("/").text)
        created = c2.post(
            "/api/v1/persons",
            json={"first_name": "Dace", "last_name": "Ozola", "personal_code": "161175-19997"},
        )
        assert created.status_code == 201
        foreign_id = created.json()["id"]
    _problem(api.get(f"/api/v1/persons/{foreign_id}"), 404)
    _problem(api.get(f"/api/v1/persons/{uuid.uuid4()}"), 404)


def test_viewing_a_person_writes_the_access_log(api, rw_sessions, tenant_a) -> None:
    from app.audit.models import AccessLog

    person = {"first_name": "Inese", "last_name": "Vītola", "personal_code": "161175-19997"}
    person_id = api.post("/api/v1/persons", json=person).json()["id"]
    assert api.get(f"/api/v1/persons/{person_id}").status_code == 200
    with sync_tenant_uow(rw_sessions, tenant_a) as s:
        rows = s.scalars(select(AccessLog).where(AccessLog.person_id == uuid.UUID(person_id))).all()
    assert len(rows) == 1 and rows[0].purpose == "api"


def test_role_without_permission_is_403(client, rw_sessions, tenant_a) -> None:
    username = f"acc-{uuid.uuid4().hex[:8]}"
    create_staff(rw_sessions, {tenant_a: ["accountant"]}, username=username)
    sign_in(client, username)
    client.headers["x-csrftoken"] = csrf_from(client.get("/").text)
    _problem(client.post("/api/v1/persons", json={"first_name": "Anna", "last_name": "Liepa"}), 403)


def test_openapi_31_lists_only_the_api(client) -> None:
    schema = client.get("/api/schema/openapi.json").json()
    assert schema["openapi"].startswith("3.1")
    assert schema["paths"] and all(path.startswith("/api/v1/") for path in schema["paths"])
    docs = client.get("/api/schema")
    assert docs.status_code == 200 and "/static/vendor/swagger-ui/swagger-ui-bundle.js" in docs.text
    assert "https://" not in docs.text  # nothing from a CDN: the docs work on a closed network
    assert client.get("/static/vendor/swagger-ui/swagger-ui-bundle.js").status_code == 200


def test_health(client) -> None:
    assert client.get("/health/live").json() == {"status": "ok"}
    ready = client.get("/health/ready")
    assert ready.status_code == 200 and ready.json()["checks"] == {"postgresql": "ok", "redis": "ok"}


def test_unknown_api_path_is_404_problem(client) -> None:
    _problem(client.get("/api/v1/nothing-here"), 404)


def test_metrics_count_requests_per_route_template(api) -> None:
    api.get("/health/live")
    missing = uuid.uuid4()
    assert api.get(f"/api/v1/persons/{missing}").status_code == 404
    metrics = api.get("/metrics")
    assert metrics.status_code == 200
    assert 'path="/health/live",status_code="200"' in metrics.text
    assert 'path="/api/v1/persons/{person_id}",status_code="404"' in metrics.text
    assert str(missing) not in metrics.text


def test_a_nul_character_is_422_not_500(api, client) -> None:
    body = _problem(api.post("/api/v1/persons", json={"first_name": "A\u0000B", "last_name": "Liepa"}), 422)
    assert "nevar saglabāt" in body["errors"][0]["message"]  # refused by validation, before the database


def test_a_nul_character_in_the_sign_in_form_is_422(client) -> None:
    from tests.web.conftest import csrf_from as _csrf

    page = client.get("/login")
    form = {"username": "x\x00y", "password": "p", "_csrf_token": _csrf(page.text)}
    answer = client.post("/login", data=form)
    assert answer.status_code == 422
