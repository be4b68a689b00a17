"""A provider's registration through the e-services: a person signed in through a real OpenID provider
applies to a municipality, follows the application while the municipality's staff review and register
it, and updates what may still change; another person sees none of it."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from litestar.testing import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from app.audit.models import ChangeLog
from app.config import Settings
from app.db import sync_tenant_uow
from app.domains.providers.models import ProviderRegistration
from app.main import create_app
from tests.api import test_citizen_api as citizen_api
from tests.api.contract import check_generated, half_real
from tests.api.test_citizen_api import APP_URL, Provider, _atvk, citizen_sign_in, with_csrf
from tests.factories.people import unique_code
from tests.factories.staff import create_staff
from tests.web.conftest import csrf_from, sign_in

provider = citizen_api.provider
citizen_settings = citizen_api.citizen_settings
app_client = citizen_api.app_client


@pytest.fixture
def staff_client(citizen_settings: Settings, rw_sessions, tenant_a) -> Iterator[TestClient[Any]]:
    username = f"head-{uuid.uuid4().hex[:6]}"
    create_staff(rw_sessions, {tenant_a: ["head_of_service"]}, username=username, full_name="Ilze Vadītāja")
    with TestClient(app=create_app(citizen_settings), base_url=APP_URL) as c:
        assert sign_in(c, username).status_code in (302, 303)
        c.headers["x-csrftoken"] = csrf_from(c.get("/").text)
        yield c


def _citizen(client: TestClient[Any], provider: Provider) -> tuple[TestClient[Any], str]:
    code = unique_code()
    answer = citizen_sign_in(client, provider, personal_code=code, name="Anna Sniedzēja")
    assert answer.status_code in (302, 303), answer.text
    return with_csrf(client), code


def _body(municipality: str, **given: Any) -> dict[str, Any]:
    return {
        "municipality": municipality,
        "provider_name": "SIA Gādīgās rokas",
        "provider_kind": "legal_person",
        "provider_code": "40003123456",
        "service_types": ["Aprūpe mājās", "Dienas aprūpes centrs"],
        "addresses": ["Rīgas iela 1, Ādaži"],
        "contact": "info@rokas.lv",
        "documents": "Iesniegums; statūti; telpu atzinums",
        **given,
    }


def test_a_person_applies_follows_and_the_municipality_registers(
    app_client: TestClient[Any],
    staff_client: TestClient[Any],
    provider: Provider,
    rw_sessions: sessionmaker[Session],
    tenant_a: uuid.UUID,
) -> None:
    assert app_client.get("/api/v1/provider-applications").status_code == 401
    client, code = _citizen(app_client, provider)
    key = {"Idempotency-Key": str(uuid.uuid4())}
    body = _body(_atvk(rw_sessions, tenant_a))
    first = client.post("/api/v1/provider-applications", json=body, headers=key)
    assert first.status_code == 201, first.text
    made = first.json()
    assert made["number"].startswith("SPR-") and made["status"] == "submitted"
    assert made["may_change"] == ["contact", "documents", "service_types", "addresses"]
    again = client.post("/api/v1/provider-applications", json=body, headers=key)
    assert again.status_code == 201 and again.json()["id"] == made["id"]
    with sync_tenant_uow(rw_sessions, tenant_a) as s:
        row = s.scalar(select(ProviderRegistration).where(ProviderRegistration.id == uuid.UUID(made["id"])))
        assert row is not None and row.applicant_code == code and row.created_by is None

    listed = client.get("/api/v1/provider-applications").json()
    assert [r["number"] for r in listed] == [made["number"]]

    # While it waits: the addresses may change; a stale version is 409.
    path = f"/api/v1/provider-applications/{made['id']}"
    changed = client.patch(path, json={"version": 1, "addresses": ["Rīgas iela 1, Ādaži", "Gaujas iela 5"]})
    assert changed.status_code == 200, changed.text
    assert changed.json()["addresses"] == ["Rīgas iela 1, Ādaži", "Gaujas iela 5"]
    assert client.patch(path, json={"version": 1, "contact": "x"}).status_code == 409

    # The municipality's head of service reviews and registers it on the staff pages.
    staff_path = f"/providers/{made['id']}"
    token = staff_client.headers["x-csrftoken"]
    assert staff_client.post(f"{staff_path}/review", data={"_csrf_token": token}).status_code in (200, 303)
    today = dt.date.today().strftime("%d.%m.%Y")
    decided = staff_client.post(
        f"{staff_path}/decide", data={"_csrf_token": token, "decided_on": today, "outcome": "register"}
    )
    assert decided.status_code in (200, 303), decided.text

    shown = client.get(path, headers={"Accept-Language": "lv"}).json()
    assert shown["status"] == "registered" and shown["status_label"] == "Reģistrēts"
    assert shown["valid_from"] and shown["valid_until"] and shown["may_change"] == ["contact"]
    # Registered: the contact may change, the scope is the municipality's decision.
    refused = client.patch(path, json={"version": shown["version"], "addresses": ["Cita iela 1"]})
    assert refused.status_code == 422
    assert {e["field"] for e in refused.json()["errors"]} == {"addresses"}
    ok = client.patch(path, json={"version": shown["version"], "contact": "birojs@rokas.lv"})
    assert ok.status_code == 200 and ok.json()["contact"] == "birojs@rokas.lv"
    with sync_tenant_uow(rw_sessions, tenant_a) as s:
        actions = s.scalars(
            select(ChangeLog.action)
            .where(ChangeLog.entity_id == uuid.UUID(made["id"]))
            .order_by(ChangeLog.id)
        ).all()
    assert (
        "providers:registration:update_by_applicant" in actions
        and "providers:registration:register" in actions
    )


def test_another_person_sees_nothing_of_it(
    app_client: TestClient[Any], provider: Provider, rw_sessions: sessionmaker[Session], tenant_a: uuid.UUID
) -> None:
    client, _ = _citizen(app_client, provider)
    made = client.post("/api/v1/provider-applications", json=_body(_atvk(rw_sessions, tenant_a))).json()
    client.cookies.clear()
    other, _ = _citizen(client, provider)
    assert other.get("/api/v1/provider-applications").json() == []
    path = f"/api/v1/provider-applications/{made['id']}"
    assert other.get(path).status_code == 404
    assert other.patch(path, json={"version": 1, "contact": "x"}).status_code == 404


def test_missing_fields_are_422_in_latvian_and_nothing_is_kept(
    app_client: TestClient[Any], provider: Provider, rw_sessions: sessionmaker[Session], tenant_a: uuid.UUID
) -> None:
    client, code = _citizen(app_client, provider)
    answer = client.post(
        "/api/v1/provider-applications",
        json={"municipality": _atvk(rw_sessions, tenant_a), "provider_kind": "legal_person"},
        headers={"Accept-Language": "lv"},
    )
    assert answer.status_code == 422
    assert answer.headers["content-type"].startswith("application/problem+json")
    fields = {e["field"] for e in answer.json()["errors"]}
    assert {"provider_name", "provider_code", "service_types", "addresses"} <= fields
    assert "Ievadiet sniedzēja nosaukumu." in answer.text
    with sync_tenant_uow(rw_sessions, tenant_a) as s:
        assert (
            s.scalar(select(ProviderRegistration.id).where(ProviderRegistration.applicant_code == code))
            is None
        )


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("POST", "/api/v1/provider-applications"),
        ("GET", "/api/v1/provider-applications"),
        ("GET", "/api/v1/provider-applications/{registration_id}"),
        ("PATCH", "/api/v1/provider-applications/{registration_id}"),
    ],
)
def test_generated_requests_get_documented_answers(
    app_client: TestClient[Any],
    provider: Provider,
    rw_sessions: sessionmaker[Session],
    tenant_a: uuid.UUID,
    method: str,
    path: str,
) -> None:
    """Schema-driven requests from a signed-in person (one real application of theirs among the ids tried):
    never a 5xx, every answer as documented."""
    client, _ = _citizen(app_client, provider)
    made = client.post("/api/v1/provider-applications", json=_body(_atvk(rw_sessions, tenant_a))).json()
    check_generated(
        client, path, method, base_url=APP_URL, prepare=half_real("registration_id", [made["id"]])
    )


def test_the_heads_of_service_are_told_in_their_inbox(
    app_client: TestClient[Any],
    provider: Provider,
    rw_sessions: sessionmaker[Session],
    tenant_a: uuid.UUID,
) -> None:
    from app.notifications.inbox_models import InboxItem

    head = create_staff(rw_sessions, {tenant_a: ["head_of_service"]}, full_name="Inese Vadītāja")
    client, _ = _citizen(app_client, provider)
    made = client.post("/api/v1/provider-applications", json=_body(_atvk(rw_sessions, tenant_a))).json()
    complaint = client.post(
        "/api/v1/citizen/complaints",
        json={
            "municipality": _atvk(rw_sessions, tenant_a),
            "kind": "suggestion",
            "subject": "Garākas darba stundas",
            "text": "Lūdzu pieņemt arī sestdienās.",
            "anonymous": True,
        },
    ).json()
    with sync_tenant_uow(rw_sessions, tenant_a) as s:
        items = s.execute(
            select(InboxItem.event, InboxItem.link).where(InboxItem.user_id == head).order_by(InboxItem.event)
        ).all()
    assert [i[0] for i in items] == ["complaint_received", "provider_application_received"]
    assert items[1][1] == f"/providers/{made['id']}" and items[0][1].startswith("/complaints/")
    assert complaint["number"].startswith("S-")
