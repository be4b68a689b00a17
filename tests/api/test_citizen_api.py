"""Citizen e-services over /api/v1/citizen: sign-in through a real OpenID provider (oidc-provider-mock)
with synthetic personal codes, the citizen's own records across municipalities, and submissions with
idempotency keys."""

from __future__ import annotations

import base64
import dataclasses
import datetime as dt
import uuid
from collections.abc import Iterator
from typing import Any

import httpx
import oidc_provider_mock
import pytest
from litestar.testing import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from app.audit.models import AccessLog
from app.config import Settings
from app.db import sync_tenant_uow
from app.documents.models import Document, DocumentContent
from app.domains.benefits.models import Application, Decision
from app.domains.complaints.models import Complaint, ComplaintAttachment
from app.domains.services.models import QueueEntry, ServiceType
from app.main import create_app
from app.tenants.models import Tenant
from tests.factories.decision_rows import benefit_type
from tests.factories.people import insert_persons, unique_code
from tests.factories.staff import create_staff
from tests.web.conftest import csrf_from, sign_in

APP_URL = "http://127.0.0.1:8000"
PDF_BYTES = b"%PDF-1.7\n% citizen test\n"


@dataclasses.dataclass
class Provider:
    issuer: str
    http: httpx.Client

    def set_user(self, sub: str, **claims: Any) -> None:
        assert self.http.put(f"/users/{sub}", json=claims).status_code == 204


@pytest.fixture(scope="module")
def provider() -> Iterator[Provider]:
    with oidc_provider_mock.run_server_in_thread(require_nonce=True) as server:
        issuer = f"http://127.0.0.1:{server.server_port}"
        with httpx.Client(base_url=issuer, timeout=10) as http:
            yield Provider(issuer=issuer, http=http)


@pytest.fixture
def citizen_settings(settings: Settings, provider: Provider) -> Settings:
    return dataclasses.replace(
        settings,
        citizen_oidc_issuer=provider.issuer,
        citizen_oidc_client_id="atbalsts-citizen-test",
        citizen_oidc_client_secret="atbalsts-citizen-secret",
        citizen_oidc_redirect_uri=f"{APP_URL}/api/v1/citizen/callback",
    )


@pytest.fixture
def app_client(citizen_settings: Settings) -> Iterator[TestClient[Any]]:
    with TestClient(app=create_app(citizen_settings), base_url=APP_URL) as c:
        yield c


def citizen_sign_in(client: TestClient[Any], provider: Provider, **claims: Any) -> Any:
    """The browser's round trip: our login → the provider's consent form → our callback."""
    sub = f"sub-{uuid.uuid4()}"
    provider.set_user(sub, **claims)
    start = client.get("/api/v1/citizen/login", follow_redirects=False)
    assert start.status_code in (302, 303), start.text
    authorize_url = str(start.headers["location"])
    assert authorize_url.startswith(provider.issuer + "/")
    assert provider.http.get(authorize_url).status_code == 200
    answer = provider.http.post(authorize_url, data={"sub": sub}, follow_redirects=False)
    callback = str(answer.headers["location"])
    assert callback.startswith(f"{APP_URL}/api/v1/citizen/callback?")
    return client.get(callback, follow_redirects=False)


def with_csrf(client: TestClient[Any]) -> TestClient[Any]:
    client.headers["x-csrftoken"] = csrf_from(client.get("/login").text)
    return client


@dataclasses.dataclass
class World:
    code: str  # the citizen's personal code
    staff: uuid.UUID
    own_a: uuid.UUID  # the citizen in municipality A
    own_b: uuid.UUID  # … and in B
    other_a: uuid.UUID  # another person in A
    own_decision: uuid.UUID
    other_decision: uuid.UUID
    own_entry: uuid.UUID
    other_entry: uuid.UUID
    own_application_number: str
    other_application_number: str
    own_application: uuid.UUID
    other_application: uuid.UUID


def _application(
    s: Session, tenant: uuid.UUID, person: uuid.UUID, staff: uuid.UUID, benefit: uuid.UUID, number: str
) -> tuple[uuid.UUID, uuid.UUID]:
    application = Application(
        tenant_id=tenant,
        number=number,
        applicant_id=person,
        benefit_type_id=benefit,
        received_on=dt.date(2026, 11, 2),
        status="decided",
        assessed_at=dt.datetime(2026, 11, 9, 10, tzinfo=dt.UTC),
        created_by=staff,
    )
    s.add(application)
    s.flush()
    document = Document(
        tenant_id=tenant,
        person_id=person,
        title=f"Lēmums {number}",
        filename=f"lemums-{number.replace('/', '-')}.pdf",
        content_type="application/pdf",
        size_bytes=len(PDF_BYTES),
        sha256="0" * 64,
        uploaded_by=staff,
    )
    s.add(document)
    s.flush()
    s.add(DocumentContent(tenant_id=tenant, id=document.id, content=PDF_BYTES))
    decision = Decision(
        tenant_id=tenant,
        number="LEM-" + number,
        application_id=application.id,
        outcome="granted",
        reasons="Ienākumi nepārsniedz slieksni.",
        amount=120,
        valid_from=dt.date(2026, 12, 1),
        valid_to=dt.date(2027, 2, 28),
        decided_on=dt.date(2026, 11, 16),
        decided_by=staff,
        document_id=document.id,
    )
    s.add(decision)
    s.flush()
    return application.id, decision.id


@pytest.fixture
def world(rw_sessions: sessionmaker[Session], tenant_a: uuid.UUID, tenant_b: uuid.UUID) -> World:
    code = unique_code(dt.date(1985, 3, 4))
    staff = create_staff(rw_sessions, {tenant_a: ["social_worker"]}, full_name="Inese Darbiniece")
    [own_a, other_a] = insert_persons(
        rw_sessions,
        tenant_a,
        [
            {"first_name": "Jānis", "last_name": "Bērziņš", "personal_code": code},
            {"first_name": "Cits", "last_name": "Klients"},
        ],
    )
    [own_b] = insert_persons(
        rw_sessions, tenant_b, [{"first_name": "Jānis", "last_name": "Bērziņš", "personal_code": code}]
    )
    suffix = uuid.uuid4().hex[:5]
    with sync_tenant_uow(rw_sessions, tenant_a) as s:
        benefit = benefit_type(s, tenant_a).id
        own_application, own_decision = _application(s, tenant_a, own_a, staff, benefit, f"PA-2026/O{suffix}")
        other_application, other_decision = _application(
            s, tenant_a, other_a, staff, benefit, f"PA-2026/X{suffix}"
        )
        service = ServiceType(
            tenant_id=tenant_a,
            code=f"AP{suffix}",
            name_lv="Aprūpe mājās",
            name_en="Home care",
            legal_basis="SPSPL 9. pants",
            funding="municipal",
            unit="day",
            keeps_waiting_list=True,
            valid_from=dt.date(2024, 1, 1),
        )
        s.add(service)
        s.flush()
        start = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
        entries = []
        for person, days, priority in ((other_a, 5, True), (own_a, 1, False)):
            entry = QueueEntry(
                tenant_id=tenant_a,
                service_type_id=service.id,
                person_id=person,
                registered_at=start + dt.timedelta(days=days),
                priority=priority,
                priority_reason="Persona ar invaliditāti" if priority else None,
                state="waiting",
                state_since=start,
                created_by=staff,
            )
            s.add(entry)
            s.flush()
            entries.append(entry.id)
        s.add(AccessLog(tenant_id=tenant_a, user_id=staff, person_id=own_a, purpose="case_work"))
        s.add(AccessLog(tenant_id=tenant_a, user_id=staff, person_id=other_a, purpose="api"))
    return World(
        code=code,
        staff=staff,
        own_a=own_a,
        own_b=own_b,
        other_a=other_a,
        own_decision=own_decision,
        other_decision=other_decision,
        own_entry=entries[1],
        other_entry=entries[0],
        own_application_number=f"PA-2026/O{suffix}",
        other_application_number=f"PA-2026/X{suffix}",
        own_application=own_application,
        other_application=other_application,
    )


def _signed_in(client: TestClient[Any], provider: Provider, world: World) -> TestClient[Any]:
    answer = citizen_sign_in(
        client, provider, personal_code=world.code[:6] + "-" + world.code[6:], name="Jānis Bērziņš"
    )
    assert answer.status_code in (302, 303), answer.text
    assert answer.headers["location"] == "/api/v1/citizen/me"
    return client


# --- identity --------------------------------------------------------------------------------------------


def test_citizen_signs_in_and_sees_the_municipalities_where_they_are_a_client(
    app_client: TestClient[Any], provider: Provider, world: World
) -> None:
    client = _signed_in(app_client, provider, world)
    me = client.get("/api/v1/citizen/me")
    assert me.status_code == 200, me.text
    body = me.json()
    assert body["personal_code"] == world.code and body["name"] == "Jānis Bērziņš"
    assert sorted(m["name"] for m in body["municipalities"]) == ["Bauskas novads", "Ādažu novads"]
    # A citizen never becomes a staff user.
    assert client.get("/api/v1/me").status_code == 401
    assert client.get("/api/v1/persons").status_code == 401


def test_without_a_citizen_session_every_read_is_401(app_client: TestClient[Any], world: World) -> None:
    for path in (
        "/api/v1/citizen/me",
        "/api/v1/citizen/applications",
        "/api/v1/citizen/queue-entries",
        "/api/v1/citizen/access-log",
        f"/api/v1/citizen/decisions/{world.own_decision}/document",
    ):
        answer = app_client.get(path)
        assert answer.status_code == 401, path
        assert answer.headers["content-type"].startswith("application/problem+json")


def test_a_staff_session_is_not_a_citizen_session(
    app_client: TestClient[Any], world: World, rw_sessions: sessionmaker[Session], tenant_a: uuid.UUID
) -> None:
    username = f"sw-{uuid.uuid4().hex[:8]}"
    create_staff(rw_sessions, {tenant_a: ["social_worker"]}, username=username)
    assert sign_in(app_client, username).status_code in (302, 303)
    assert app_client.get("/api/v1/me").status_code == 200
    assert app_client.get("/api/v1/citizen/applications").status_code == 401


def test_an_expired_citizen_sign_in_is_401(
    app_client: TestClient[Any], provider: Provider, world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    client = _signed_in(app_client, provider, world)
    monkeypatch.setattr("app.auth.citizen.SESSION_SECONDS", -1)
    assert client.get("/api/v1/citizen/me").status_code == 401


def test_an_identity_without_a_personal_code_is_refused(
    app_client: TestClient[Any], provider: Provider
) -> None:
    answer = citizen_sign_in(app_client, provider, name="Bez Koda")
    assert answer.status_code == 403
    assert answer.json()["detail"] == "Identitātes sniedzējs nenorādīja personas kodu."
    assert app_client.get("/api/v1/citizen/me").status_code == 401


def test_a_callback_with_a_foreign_state_is_refused(app_client: TestClient[Any]) -> None:
    answer = app_client.get("/api/v1/citizen/callback", params={"state": "forged", "code": "x"})
    assert answer.status_code == 400
    assert app_client.get("/api/v1/citizen/me").status_code == 401


# --- the citizen's own records ----------------------------------------------------------------------------


def test_applications_are_the_citizens_own_with_decisions_and_history(
    app_client: TestClient[Any], provider: Provider, world: World
) -> None:
    client = _signed_in(app_client, provider, world)
    items = client.get("/api/v1/citizen/applications").json()["items"]
    numbers = [i["number"] for i in items]
    assert world.own_application_number in numbers
    assert world.other_application_number not in numbers
    [mine] = [i for i in items if i["number"] == world.own_application_number]
    assert mine["municipality"] == "Ādažu novads"
    assert mine["status_label"] == "Pieņemts lēmums" or mine["status"] == "decided"
    [decision] = mine["decisions"]
    assert decision["amount"] == "120.00"
    assert decision["document"] == f"/api/v1/citizen/decisions/{world.own_decision}/document"
    assert [h["event"] for h in mine["history"]] == ["received", "assessed", "decided"]


def test_decision_pdf_only_for_the_citizens_own_decision(
    app_client: TestClient[Any], provider: Provider, world: World
) -> None:
    client = _signed_in(app_client, provider, world)
    own = client.get(f"/api/v1/citizen/decisions/{world.own_decision}/document")
    assert own.status_code == 200
    assert own.content == PDF_BYTES and own.headers["content-type"].startswith("application/pdf")
    other = client.get(f"/api/v1/citizen/decisions/{world.other_decision}/document")
    assert other.status_code == 404
    assert other.headers["content-type"].startswith("application/problem+json")
    assert client.get(f"/api/v1/citizen/decisions/{uuid.uuid4()}/document").status_code == 404


def test_queue_entries_show_the_citizens_position_and_why(
    app_client: TestClient[Any], provider: Provider, world: World
) -> None:
    client = _signed_in(app_client, provider, world)
    items = client.get("/api/v1/citizen/queue-entries").json()["items"]
    assert [i["id"] for i in items] == [str(world.own_entry)]
    [entry] = items
    assert entry["position"] == 2 and entry["ahead"] == 1
    assert entry["service"] == "Aprūpe mājās"
    assert len(entry["explanation"]) == 2  # the place, and the one ahead with priority


def test_access_log_shows_who_viewed_the_citizens_record(
    app_client: TestClient[Any], provider: Provider, world: World
) -> None:
    client = _signed_in(app_client, provider, world)
    items = client.get("/api/v1/citizen/access-log").json()["items"]
    assert [(i["municipality"], i["purpose"], i["roles"]) for i in items] == [
        ("Ādažu novads", "case_work", ["social_worker"])
    ]


def test_another_persons_application_or_queue_entry_is_404(
    app_client: TestClient[Any], provider: Provider, world: World
) -> None:
    client = _signed_in(app_client, provider, world)
    own = client.get(f"/api/v1/citizen/applications/{world.own_application}")
    assert own.status_code == 200 and own.json()["number"] == world.own_application_number
    assert client.get(f"/api/v1/citizen/queue-entries/{world.own_entry}").json()["position"] == 2
    for path in (
        f"/api/v1/citizen/applications/{world.other_application}",
        f"/api/v1/citizen/queue-entries/{world.other_entry}",
        f"/api/v1/citizen/applications/{uuid.uuid4()}",
    ):
        answer = client.get(path)
        assert answer.status_code == 404, path
        assert answer.json()["title"] == "Nav atrasts"


def test_signing_out_ends_the_citizen_session(
    app_client: TestClient[Any], provider: Provider, world: World
) -> None:
    client = with_csrf(_signed_in(app_client, provider, world))
    assert client.post("/api/v1/citizen/logout").status_code == 204
    assert client.get("/api/v1/citizen/me").status_code == 401


# --- submissions ------------------------------------------------------------------------------------------


def _atvk(rw_sessions: sessionmaker[Session], tenant: uuid.UUID) -> str:
    with sync_tenant_uow(rw_sessions, None) as s:
        return str(s.scalar(select(Tenant.atvk_code).where(Tenant.id == tenant)))


def _complaints(rw_sessions: sessionmaker[Session], tenant: uuid.UUID, subject: str) -> list[Complaint]:
    with sync_tenant_uow(rw_sessions, tenant) as s:
        rows = list(s.scalars(select(Complaint).where(Complaint.subject == subject)))
        s.expunge_all()
        return rows


def test_anonymous_complaint_gets_a_receipt_and_a_retry_the_first_answer(
    app_client: TestClient[Any], rw_sessions: sessionmaker[Session], tenant_a: uuid.UUID
) -> None:
    client = with_csrf(app_client)
    subject = f"Ielu apgaismojums {uuid.uuid4().hex[:6]}"
    body = {
        "municipality": _atvk(rw_sessions, tenant_a),
        "kind": "complaint",
        "subject": subject,
        "text": "Sociālā dienesta durvis bieži slēgtas.",
        "anonymous": True,
    }
    key = {"Idempotency-Key": str(uuid.uuid4())}
    token = client.headers.pop("x-csrftoken")
    assert client.post("/api/v1/citizen/complaints", json=body, headers=key).status_code == 403
    client.headers["x-csrftoken"] = token
    first = client.post("/api/v1/citizen/complaints", json=body, headers=key)
    assert first.status_code == 201, first.text
    assert first.json()["number"].startswith("S-") and first.json()["municipality"] == "Ādažu novads"
    again = client.post("/api/v1/citizen/complaints", json=body, headers=key)
    assert again.status_code == 201 and again.json() == first.json()
    assert again.headers["idempotent-replayed"] == "true"
    [row] = _complaints(rw_sessions, tenant_a, subject)
    assert (row.channel, row.anonymous, row.person_id) == ("eservice", True, None)

    changed = client.post("/api/v1/citizen/complaints", json={**body, "text": "Cits teksts."}, headers=key)
    assert changed.status_code == 422
    assert [e["field"] for e in changed.json()["errors"]] == ["Idempotency-Key"]
    # Without a key each POST is a new submission.
    assert client.post("/api/v1/citizen/complaints", json=body).json()["number"] != first.json()["number"]


def test_a_named_submission_needs_a_citizen_and_is_linked_to_their_record(
    app_client: TestClient[Any],
    provider: Provider,
    world: World,
    rw_sessions: sessionmaker[Session],
    tenant_a: uuid.UUID,
) -> None:
    subject = f"Iesniegums {uuid.uuid4().hex[:6]}"
    body = {
        "municipality": _atvk(rw_sessions, tenant_a),
        "kind": "application",
        "subject": subject,
        "text": "Lūdzu pārskatīt.",
        "contact": "janis@example.lv",
    }
    assert with_csrf(app_client).post("/api/v1/citizen/complaints", json=body).status_code == 401
    client = with_csrf(_signed_in(app_client, provider, world))
    answer = client.post("/api/v1/citizen/complaints", json=body)
    assert answer.status_code == 201, answer.text
    [row] = _complaints(rw_sessions, tenant_a, subject)
    assert row.person_id == world.own_a and row.submitter_contact == "janis@example.lv"


def test_missing_fields_are_422_problem_details_in_latvian(
    app_client: TestClient[Any], rw_sessions: sessionmaker[Session], tenant_a: uuid.UUID
) -> None:
    client = with_csrf(app_client)
    answer = client.post(
        "/api/v1/citizen/complaints",
        json={"municipality": _atvk(rw_sessions, tenant_a), "anonymous": True},
        headers={"Accept-Language": "lv"},
    )
    assert answer.status_code == 422
    assert answer.headers["content-type"].startswith("application/problem+json")
    assert answer.headers["content-language"] == "lv"
    problem = answer.json()
    assert problem["title"] == "Nederīgi dati"
    assert {"kind", "subject", "text"} <= {e["field"] for e in problem["errors"]}
    unknown = client.post("/api/v1/citizen/complaints", json={"municipality": "nav-tada", "anonymous": True})
    assert "municipality" in {e["field"] for e in unknown.json()["errors"]}


def test_no_complaint_is_stored_for_a_refused_request(
    app_client: TestClient[Any], rw_sessions: sessionmaker[Session], tenant_a: uuid.UUID
) -> None:
    with sync_tenant_uow(rw_sessions, tenant_a) as s:
        before = s.scalar(select(func.count()).select_from(Complaint))
    client = with_csrf(app_client)
    body = {"municipality": _atvk(rw_sessions, tenant_a), "kind": "application", "subject": "x", "text": "y"}
    assert client.post("/api/v1/citizen/complaints", json={**body, "anonymous": True}).status_code == 422
    with sync_tenant_uow(rw_sessions, tenant_a) as s:
        assert s.scalar(select(func.count()).select_from(Complaint)) == before


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


def test_files_sent_with_a_complaint_are_kept_with_it_and_listed_on_the_receipt(
    app_client: TestClient[Any], rw_sessions: sessionmaker[Session], tenant_a: uuid.UUID
) -> None:
    client = with_csrf(app_client)
    subject = f"Ar pielikumu {uuid.uuid4().hex[:6]}"
    body = {
        "municipality": _atvk(rw_sessions, tenant_a),
        "kind": "suggestion",
        "subject": subject,
        "text": "Skat. pielikumu.",
        "anonymous": True,
        "attachments": [
            {"filename": "foto.png", "content_base64": _b64(b"\x89PNG\r\n\x1a\n" + b"\0" * 64)},
            {"filename": "../../kvīts.pdf", "content_base64": _b64(PDF_BYTES)},
        ],
    }
    answer = client.post("/api/v1/citizen/complaints", json=body)
    assert answer.status_code == 201, answer.text
    assert answer.json()["attachments"] == ["foto.png", "kvīts.pdf"]
    [row] = _complaints(rw_sessions, tenant_a, subject)
    with sync_tenant_uow(rw_sessions, tenant_a) as s:
        files = s.execute(
            select(
                ComplaintAttachment.filename, ComplaintAttachment.content_type, ComplaintAttachment.content
            )
            .where(ComplaintAttachment.complaint_id == row.id)
            .order_by(ComplaintAttachment.position)
        ).all()
    assert [(f[0], f[1]) for f in files] == [("foto.png", "image/png"), ("kvīts.pdf", "application/pdf")]
    assert files[1][2] == PDF_BYTES


@pytest.mark.parametrize(
    ("attachments", "field"),
    [
        ([{"filename": "a.exe", "content_base64": _b64(b"MZ\x90\x00" + bytes(range(256)))}], "attachments.0"),
        ([{"filename": "a.pdf", "content_base64": "%%% nav base64 %%%"}], "attachments.0"),
        (
            [
                {"filename": "a.pdf", "content_base64": _b64(PDF_BYTES)},
                {"filename": "b.pdf", "content_base64": _b64(b"%PDF-1.7\n" + b"x" * (5 * 1024 * 1024))},
            ],
            "attachments.1",
        ),
        ([{"filename": "tukšs.pdf", "content_base64": ""}], "attachments.0"),
    ],
    ids=["wrong-type", "not-base64", "over-5-MB", "empty"],
)
def test_a_refused_attachment_is_422_naming_the_file_and_nothing_is_kept(
    app_client: TestClient[Any],
    rw_sessions: sessionmaker[Session],
    tenant_a: uuid.UUID,
    attachments: list[dict[str, str]],
    field: str,
) -> None:
    client = with_csrf(app_client)
    subject = f"Slikts pielikums {uuid.uuid4().hex[:6]}"
    body = {
        "municipality": _atvk(rw_sessions, tenant_a),
        "kind": "complaint",
        "subject": subject,
        "text": "Teksts.",
        "anonymous": True,
        "attachments": attachments,
    }
    answer = client.post("/api/v1/citizen/complaints", json=body, headers={"Accept-Language": "lv"})
    assert answer.status_code == 422, answer.text
    assert answer.headers["content-type"].startswith("application/problem+json")
    assert field in {e["field"] for e in answer.json()["errors"]}
    assert _complaints(rw_sessions, tenant_a, subject) == []


def test_more_than_five_attachments_is_422(
    app_client: TestClient[Any], rw_sessions: sessionmaker[Session], tenant_a: uuid.UUID
) -> None:
    client = with_csrf(app_client)
    one = {"filename": "a.pdf", "content_base64": _b64(PDF_BYTES)}
    body = {
        "municipality": _atvk(rw_sessions, tenant_a),
        "kind": "complaint",
        "subject": "Daudz failu",
        "text": "Teksts.",
        "anonymous": True,
        "attachments": [one] * 6,
    }
    answer = client.post("/api/v1/citizen/complaints", json=body)
    assert answer.status_code == 422
    assert "attachments" in {e["field"] for e in answer.json()["errors"]}
