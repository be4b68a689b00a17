"""Partners on /api/v1: OAuth2 client credentials at /api/v1/oauth/token (RFC 6749 §4.4, errors per §5.2),
bearer requests (RFC 6750) as a principal of one municipality with exactly its scopes' permissions, the
status hand-over audited with the client's name, municipality bindings that never let a client see
another municipality's data, and staff sessions (with their CSRF check) unchanged."""

from __future__ import annotations

import base64
import uuid
from typing import Any
from urllib.parse import quote

import pytest
from redis import Redis
from sqlalchemy import select

from app.audit.models import ChangeLog
from app.auth import scopes as scope_module
from app.auth.api_clients import disable_api_client, rotate_api_client_secret
from app.db import sync_session_factory, sync_tenant_uow
from app.permissions import Permission
from tests.api.contract import check_generated
from tests.factories.api_clients import create_client, slug_of
from tests.factories.decision_rows import decided_application, household
from tests.factories.staff import create_staff
from tests.web.conftest import csrf_from, sign_in

TOKEN = "/api/v1/oauth/token"
STATUSES = "/api/v1/assistance-statuses"
ON = {"on": "2027-01-15"}
BASE = "http://127.0.0.1:8000"
PROBLEM_JSON = "application/problem+json"
GRANT = {"grant_type": "client_credentials"}


@pytest.fixture
def holders(rw_sessions, tenant_a, tenant_b) -> None:
    """Needy statuses on 15.01.2027: three persons in A, one in B."""
    officer = create_staff(rw_sessions, {tenant_a: ["benefit_officer"], tenant_b: ["benefit_officer"]})
    home = household(
        rw_sessions,
        tenant_a,
        officer,
        [
            {"first_name": "Jānis", "last_name": "Bērziņš", "personal_code": "01018010006"},
            {"first_name": "Anna", "last_name": "Bērziņa"},
            {"first_name": "Ģirts", "last_name": "Bērziņš"},
        ],
    )
    decided_application(rw_sessions, tenant_a, officer, home, kind="needy_status", amount=None, lines=[])
    other = household(rw_sessions, tenant_b, officer, [{"first_name": "Cits", "last_name": "Novads"}])
    decided_application(rw_sessions, tenant_b, officer, other, kind="needy_status", amount=None, lines=[])


@pytest.fixture
def second_scope(monkeypatch: pytest.MonkeyPatch) -> str:
    """A second scope (granting something unrelated), so that narrowing to a subset can be shown."""
    monkeypatch.setitem(scope_module.SCOPE_PERMISSIONS, "queues:read", frozenset({Permission.QUEUE_VIEW}))
    return "queues:read"


def basic(client_id: str, secret: str) -> dict[str, str]:
    raw = f"{quote(client_id, safe='')}:{quote(secret, safe='')}".encode()
    return {"Authorization": "Basic " + base64.b64encode(raw).decode()}


def token_for(http: Any, client_id: str, secret: str, **form: str) -> str:
    answer = http.post(TOKEN, data={**GRANT, **form}, headers=basic(client_id, secret))
    assert answer.status_code == 200, answer.text
    return str(answer.json()["access_token"])


def bearer(token: str, **headers: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}", **headers}


def names(answer: Any) -> list[str]:
    assert answer.status_code == 200, answer.text
    return sorted(i["first_name"] for i in answer.json()["items"])


def exports(rw_sessions, tenant: uuid.UUID) -> list[ChangeLog]:
    with sync_tenant_uow(rw_sessions, tenant) as s:
        return list(s.scalars(select(ChangeLog).where(ChangeLog.action == "benefits:status:export")))


# --- the token endpoint ----------------------------------------------------------------------------------


def test_a_token_for_basic_credentials(client, maint_engine, tenant_a) -> None:
    partner = create_client(maint_engine, [tenant_a])
    answer = client.post(TOKEN, data=GRANT, headers=basic(partner.client_id, partner.secret))
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert body["token_type"] == "Bearer" and body["expires_in"] == 3600 and body["scope"] == "statuses:read"
    assert len(body["access_token"]) >= 40
    assert answer.headers["cache-control"] == "no-store" and answer.headers["pragma"] == "no-cache"


def test_a_token_for_credentials_in_the_body(client, maint_engine, tenant_a) -> None:
    partner = create_client(maint_engine, [tenant_a])
    form = {**GRANT, "client_id": partner.client_id, "client_secret": partner.secret}
    answer = client.post(TOKEN, data=form)
    assert answer.status_code == 200, answer.text
    assert answer.json()["scope"] == "statuses:read"


def _oauth_error(answer: Any, status: int, error: str) -> dict[str, Any]:
    assert answer.status_code == status, answer.text
    assert answer.headers["content-type"].split(";")[0] == "application/json"
    body = answer.json()
    assert body["error"] == error and body["error_description"].isascii(), body
    assert answer.headers["cache-control"] == "no-store"
    return body


@pytest.mark.parametrize(
    "credentials",
    [
        lambda c: {"headers": basic(c.client_id, c.secret + "x")},
        lambda c: {"headers": basic("atb-nav-tada", c.secret)},
        lambda c: {"headers": {"Authorization": "Basic bmF2LWtvbHMtdGFpc25pYnU="}},  # no colon
        lambda c: {"headers": {"Authorization": "Basic %%%"}},
        lambda c: {"headers": bearer(c.secret)},
        lambda c: {"extra": {"client_id": c.client_id, "client_secret": "nepareizs"}},
        lambda c: {"extra": {"client_id": c.client_id}},
        lambda c: {},
    ],
)
def test_wrong_or_missing_client_credentials_are_401_invalid_client(
    client, maint_engine, tenant_a, credentials
) -> None:
    partner = create_client(maint_engine, [tenant_a])
    given_ = credentials(partner)
    answer = client.post(TOKEN, data={**GRANT, **given_.get("extra", {})}, headers=given_.get("headers"))
    _oauth_error(answer, 401, "invalid_client")
    assert answer.headers["www-authenticate"].startswith("Basic ")


def test_a_disabled_client_gets_no_token_and_its_tokens_stop_working(
    client, maint_engine, tenant_a, holders
) -> None:
    partner = create_client(maint_engine, [tenant_a])
    token = token_for(client, partner.client_id, partner.secret)
    assert client.get(STATUSES, params=ON, headers=bearer(token)).status_code == 200
    with sync_session_factory(maint_engine).begin() as s:
        disable_api_client(s, partner.client_id)
    _oauth_error(
        client.post(TOKEN, data=GRANT, headers=basic(partner.client_id, partner.secret)),
        401,
        "invalid_client",
    )
    assert client.get(STATUSES, params=ON, headers=bearer(token)).status_code == 401


def test_a_rotated_secret_ends_the_old_secret_and_its_tokens(client, maint_engine, tenant_a, holders) -> None:
    partner = create_client(maint_engine, [tenant_a])
    token = token_for(client, partner.client_id, partner.secret)
    with sync_session_factory(maint_engine).begin() as s:
        rotated = rotate_api_client_secret(s, partner.client_id)
    assert rotated.client_id == partner.client_id and rotated.secret != partner.secret
    assert client.get(STATUSES, params=ON, headers=bearer(token)).status_code == 401
    _oauth_error(
        client.post(TOKEN, data=GRANT, headers=basic(partner.client_id, partner.secret)),
        401,
        "invalid_client",
    )
    fresh = token_for(client, rotated.client_id, rotated.secret)
    assert client.get(STATUSES, params=ON, headers=bearer(fresh)).status_code == 200


@pytest.mark.parametrize(
    ("form", "content_type", "error"),
    [
        ({"grant_type": "password"}, None, "unsupported_grant_type"),
        ({"grant_type": "authorization_code", "code": "x"}, None, "unsupported_grant_type"),
        ({}, None, "invalid_request"),
        ({"grant_type": ""}, None, "invalid_request"),
        (None, "grant_type=client_credentials&grant_type=client_credentials", "invalid_request"),
        (None, "grant_type=%FF", "invalid_request"),
        (None, '{"grant_type": "client_credentials"}', "invalid_request"),
    ],
)
def test_bad_requests_are_400_with_the_rfc_error(
    client, maint_engine, tenant_a, form, content_type, error
) -> None:
    partner = create_client(maint_engine, [tenant_a])
    headers = basic(partner.client_id, partner.secret)
    if form is not None:
        answer = client.post(TOKEN, data=form, headers=headers)
    else:
        kind = "application/json" if content_type.startswith("{") else "application/x-www-form-urlencoded"
        answer = client.post(TOKEN, content=content_type.encode(), headers={**headers, "content-type": kind})
    _oauth_error(answer, 400, error)


def test_two_client_authentication_methods_are_refused(client, maint_engine, tenant_a) -> None:
    partner = create_client(maint_engine, [tenant_a])
    form = {**GRANT, "client_id": partner.client_id, "client_secret": partner.secret}
    answer = client.post(TOKEN, data=form, headers=basic(partner.client_id, partner.secret))
    _oauth_error(answer, 400, "invalid_request")


def test_scope_narrows_the_token_and_a_scope_not_held_is_invalid_scope(
    client, maint_engine, tenant_a, holders, second_scope
) -> None:
    partner = create_client(maint_engine, [tenant_a], scopes=["statuses:read", second_scope])
    everything = client.post(TOKEN, data=GRANT, headers=basic(partner.client_id, partner.secret))
    assert everything.json()["scope"] == f"{second_scope} statuses:read"
    narrowed = client.post(
        TOKEN, data={**GRANT, "scope": "statuses:read"}, headers=basic(partner.client_id, partner.secret)
    )
    assert narrowed.status_code == 200 and narrowed.json()["scope"] == "statuses:read"
    queues_only = token_for(client, partner.client_id, partner.secret, scope=second_scope)
    refused = client.get(STATUSES, params=ON, headers=bearer(queues_only))
    assert refused.status_code == 403
    assert refused.headers["www-authenticate"] == 'Bearer error="insufficient_scope", scope="statuses:read"'
    for asked in ("cases:read", "statuses:read cases:read", "statuses:read\tx", '"statuses:read"'):
        answer = client.post(
            TOKEN, data={**GRANT, "scope": asked}, headers=basic(partner.client_id, partner.secret)
        )
        _oauth_error(answer, 400, "invalid_scope")


# --- bearer requests -------------------------------------------------------------------------------------


def test_the_hand_over_for_a_partner_is_its_municipalitys_and_audited_with_its_name(
    client, maint_engine, rw_sessions, tenant_a, tenant_b, holders
) -> None:
    partner = create_client(maint_engine, [tenant_a], name="VID nekustamā īpašuma nodoklis")
    token = token_for(client, partner.client_id, partner.secret)
    answer = client.get(STATUSES, params=ON, headers=bearer(token))
    assert names(answer) == ["Anna", "Jānis", "Ģirts"]
    assert {i["municipality"] for i in answer.json()["items"]} == {"Ādažu novads"}
    (export,) = exports(rw_sessions, tenant_a)
    assert export.actor_client_id == partner.id and export.actor_user_id is None
    assert export.after == {"on": "2027-01-15", "format": "api", "rows": 3, "continued": False}
    assert exports(rw_sessions, tenant_b) == []
    # The municipality's audit viewer names the client.
    head = f"head-{uuid.uuid4().hex[:8]}"
    create_staff(rw_sessions, {tenant_a: ["head_of_service"]}, username=head)
    sign_in(client, head)
    page = client.get("/audit", headers={"Accept-Language": "en"})
    assert page.status_code == 200
    assert "API client VID nekustamā īpašuma nodoklis" in page.text


def test_a_client_bound_to_one_municipality_never_sees_anothers(
    client, maint_engine, rw_sessions, tenant_a, tenant_b, holders
) -> None:
    partner = create_client(maint_engine, [tenant_a])
    token = token_for(client, partner.client_id, partner.secret)
    for named in (str(tenant_b), slug_of(maint_engine, tenant_b), str(uuid.uuid4()), "nav-tada", ""):
        refused = client.get(STATUSES, params=ON, headers=bearer(token, **{"X-Atbalsts-Tenant": named}))
        assert refused.status_code == 403, refused.text
        assert refused.headers["content-type"].startswith(PROBLEM_JSON)
        assert "Cits" not in refused.text
    own = client.get(STATUSES, params=ON, headers=bearer(token, **{"X-Atbalsts-Tenant": str(tenant_a)}))
    assert names(own) == ["Anna", "Jānis", "Ģirts"]
    assert exports(rw_sessions, tenant_b) == []


def test_a_client_bound_to_several_names_the_municipality(
    client, maint_engine, tenant_a, tenant_b, make_tenant, holders
) -> None:
    partner = create_client(maint_engine, [tenant_a, tenant_b])
    token = token_for(client, partner.client_id, partner.secret)
    unnamed = client.get(STATUSES, params=ON, headers=bearer(token, **{"Accept-Language": "en"}))
    assert unnamed.status_code == 403 and "X-Atbalsts-Tenant" in unnamed.json()["detail"]
    assert names(
        client.get(STATUSES, params=ON, headers=bearer(token, **{"X-Atbalsts-Tenant": str(tenant_b)}))
    )
    by_slug = {"X-Atbalsts-Tenant": slug_of(maint_engine, tenant_b)}
    assert names(client.get(STATUSES, params=ON, headers=bearer(token, **by_slug))) == ["Cits"]
    by_id = {"X-Atbalsts-Tenant": str(tenant_a)}
    assert names(client.get(STATUSES, params=ON, headers=bearer(token, **by_id))) == [
        "Anna",
        "Jānis",
        "Ģirts",
    ]
    elsewhere = {"X-Atbalsts-Tenant": str(make_tenant("Cēsu novads")), "Accept-Language": "lv"}
    refused = client.get(STATUSES, params=ON, headers=bearer(token, **elsewhere))
    assert refused.status_code == 403 and refused.json()["detail"] == (
        "Šis API klients nedrīkst darboties šīs pašvaldības vārdā."
    )


def test_an_unknown_or_expired_token_is_401_invalid_token(client, maint_engine, settings, tenant_a) -> None:
    partner = create_client(maint_engine, [tenant_a])
    token = token_for(client, partner.client_id, partner.secret)
    redis = Redis.from_url(settings.redis_url)
    try:
        keys = [
            k for k in redis.scan_iter("atbalsts:api-token:*") if str(partner.id).encode() in redis.get(k)
        ]
        assert len(keys) == 1 and token.encode() not in keys[0]  # only the token's hash is kept
        for key in keys:
            assert 0 < redis.ttl(key) <= 3600
        redis.delete(*keys)  # what the TTL does after an hour
    finally:
        redis.close()
    for presented in (token, "nav-tads-tokens", ""):
        answer = client.get(STATUSES, params=ON, headers={"Authorization": f"Bearer {presented}"})
        assert answer.status_code == 401, presented
        assert answer.headers["www-authenticate"] == 'Bearer error="invalid_token"'
        assert answer.headers["content-type"].startswith(PROBLEM_JSON)
        assert answer.json()["detail"]


def test_a_partner_reaches_only_operations_of_its_scopes(client, maint_engine, tenant_a) -> None:
    partner = create_client(maint_engine, [tenant_a])
    token = token_for(client, partner.client_id, partner.secret)
    for method, path in (
        ("GET", "/api/v1/me"),
        ("GET", "/api/v1/persons"),
        ("GET", f"/api/v1/persons/{uuid.uuid4()}"),
        ("GET", "/api/v1/benefit-types"),
        ("POST", "/api/v1/persons"),  # no CSRF token: a bearer request needs none, the scope is missing
    ):
        answer = client.request(
            method, path, headers=bearer(token), json={"first_name": "A", "last_name": "B"}
        )
        assert answer.status_code == 403, (path, answer.text)
        assert answer.headers["www-authenticate"] == 'Bearer error="insufficient_scope"'
        assert answer.headers["content-type"].startswith(PROBLEM_JSON)


def test_a_bearer_token_is_never_the_staff_session(
    client, maint_engine, rw_sessions, tenant_a, holders
) -> None:
    """A signed-in browser sending a bad bearer header is not authenticated by its cookie instead; and
    the cookie alone still needs the CSRF token on an unsafe request."""
    username = f"vid-{uuid.uuid4().hex[:8]}"
    create_staff(rw_sessions, {tenant_a: ["readonly_institution"]}, username=username)
    sign_in(client, username)
    assert names(client.get(STATUSES, params=ON)) == ["Anna", "Jānis", "Ģirts"]  # the staff session
    assert client.get(STATUSES, params=ON, headers=bearer("nav-tads")).status_code == 401
    assert client.get("/api/v1/me", headers=bearer("nav-tads")).status_code == 401
    no_csrf = client.post("/api/v1/persons", json={"first_name": "Anna", "last_name": "Liepa"})
    assert no_csrf.status_code == 403 and "www-authenticate" not in no_csrf.headers
    client.headers["x-csrftoken"] = csrf_from(client.get("/").text)
    assert client.get("/api/v1/me").status_code == 200


def test_staff_exports_are_still_audited_as_the_user(client, rw_sessions, tenant_a, holders) -> None:
    username = f"vid-{uuid.uuid4().hex[:8]}"
    user_id = create_staff(rw_sessions, {tenant_a: ["readonly_institution"]}, username=username)
    sign_in(client, username)
    assert client.get(STATUSES, params=ON).status_code == 200
    (export,) = exports(rw_sessions, tenant_a)
    assert export.actor_user_id == user_id and export.actor_client_id is None


def test_partner_requests_are_rate_limited_per_client(client, maint_engine, settings, tenant_a) -> None:
    partner = create_client(maint_engine, [tenant_a])
    token = token_for(client, partner.client_id, partner.secret)
    client.get(STATUSES, params=ON, headers=bearer(token))
    redis = Redis.from_url(settings.redis_url)
    try:
        assert list(redis.scan_iter(f"atbalsts:api-rate:client:{partner.id}:*"))
    finally:
        redis.close()


# --- the OpenAPI document --------------------------------------------------------------------------------


def test_the_security_schemes_are_documented(client) -> None:
    openapi = client.get("/api/schema/openapi.json").json()
    schemes = openapi["components"]["securitySchemes"]
    flow = schemes["partnerOAuth"]["flows"]["clientCredentials"]
    assert flow["tokenUrl"] == TOKEN and "statuses:read" in flow["scopes"]
    assert schemes["sessionCookie"]["in"] == "cookie"
    statuses = openapi["paths"][STATUSES]["get"]
    assert {"partnerOAuth": ["statuses:read"]} in statuses["security"]
    assert {"sessionCookie": []} in statuses["security"]
    token = openapi["paths"][TOKEN]["post"]
    assert set(token["requestBody"]["content"]) == {"application/x-www-form-urlencoded"}
    assert token["responses"]["401"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/OAuthErrorOut"
    }


def test_generated_token_requests_get_documented_answers(client, maint_engine, tenant_a) -> None:
    """Schema-driven requests to the token endpoint (random credentials, scopes, extra fields): never a
    5xx, every answer as documented."""
    create_client(maint_engine, [tenant_a])
    check_generated(client, TOKEN, "POST", base_url=BASE, max_examples=40)


def test_without_the_token_store_a_partner_is_told_to_retry_not_refused(
    settings, maint_engine, tenant_a
) -> None:
    """Redis down: no token can be issued or checked — 503 problem details, never a 500 or a false 401."""
    import dataclasses

    from litestar.testing import TestClient

    from app.main import create_app

    partner = create_client(maint_engine, [tenant_a])
    unreachable = dataclasses.replace(settings, redis_url="redis://127.0.0.1:1/0")
    with TestClient(app=create_app(unreachable), base_url=BASE) as down:
        issued = down.post(TOKEN, data=GRANT, headers=basic(partner.client_id, partner.secret))
        assert issued.status_code == 503, issued.text
        assert issued.headers["content-type"].startswith(PROBLEM_JSON)
        checked = down.get(STATUSES, params=ON, headers={"Authorization": "Bearer " + "x" * 43})
        assert checked.status_code == 503, checked.text
        assert checked.headers["content-type"].startswith(PROBLEM_JSON)
