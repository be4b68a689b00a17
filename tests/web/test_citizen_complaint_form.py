"""The citizen's complaint form (/citizen/complaint) through the real app: anonymous without signing in,
with the signed-in citizen's name through a real OpenID provider, files attached; a refused form keeps what
was typed and says what is wrong in Latvian, and nothing is kept."""

from __future__ import annotations

import uuid
from typing import Any

from litestar.testing import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from app.db import sync_tenant_uow
from app.domains.complaints.models import Complaint, ComplaintAttachment
from tests.api import test_citizen_api as citizen_api
from tests.api.test_citizen_api import PDF_BYTES, Provider, World, _signed_in
from tests.web.conftest import csrf_from

provider = citizen_api.provider
citizen_settings = citizen_api.citizen_settings
app_client = citizen_api.app_client
world = citizen_api.world


def _slug(rw_sessions: sessionmaker[Session], tenant: uuid.UUID) -> str:
    from app.tenants.models import Tenant

    with sync_tenant_uow(rw_sessions, None) as s:
        return str(s.scalar(select(Tenant.slug).where(Tenant.id == tenant)))


def _post(client: TestClient[Any], fields: dict[str, str], files: list[tuple[str, bytes]] = ()) -> Any:  # type: ignore[assignment]
    token = csrf_from(client.get("/citizen/complaint").text)
    return client.post(
        "/citizen/complaint",
        data={"_csrf_token": token, **fields},
        files=[("attachments", (name, data, "application/octet-stream")) for name, data in files],
    )


def _stored(rw_sessions: sessionmaker[Session], tenant: uuid.UUID, subject: str) -> list[Complaint]:
    with sync_tenant_uow(rw_sessions, tenant) as s:
        rows = list(s.scalars(select(Complaint).where(Complaint.subject == subject)))
        s.expunge_all()
        return rows


def test_anyone_may_send_an_anonymous_complaint_with_a_file_and_gets_the_number(
    app_client: TestClient[Any], rw_sessions: sessionmaker[Session], tenant_a: uuid.UUID
) -> None:
    form = app_client.get("/citizen/complaint")
    assert form.status_code == 200 and 'name="attachments"' in form.text
    subject = f"Rampa {uuid.uuid4().hex[:6]}"
    fields = {
        "municipality": _slug(rw_sessions, tenant_a),
        "kind": "complaint",
        "subject": subject,
        "text": "Nav uzbrauktuves ratiņkrēslam.",
        "anonymous": "1",
    }
    page = _post(app_client, fields, [("foto.pdf", PDF_BYTES)])
    assert page.status_code == 200, page.text
    [row] = _stored(rw_sessions, tenant_a, subject)
    assert f"Jūsu reģistrācijas numurs ir {row.number}" in page.text
    assert (row.channel, row.anonymous) == ("eservice", True)
    with sync_tenant_uow(rw_sessions, tenant_a) as s:
        names = s.scalars(
            select(ComplaintAttachment.filename).where(ComplaintAttachment.complaint_id == row.id)
        ).all()
    assert names == ["foto.pdf"]


def test_a_refused_form_keeps_the_text_says_why_in_latvian_and_keeps_nothing(
    app_client: TestClient[Any], rw_sessions: sessionmaker[Session], tenant_a: uuid.UUID
) -> None:
    subject = f"Nederīgs {uuid.uuid4().hex[:6]}"
    fields = {
        "municipality": _slug(rw_sessions, tenant_a),
        "kind": "complaint",
        "subject": subject,
        "text": "Mans teksts paliek.",
        "anonymous": "1",
    }
    page = _post(app_client, fields, [("programma.exe", b"MZ\x90\x00" + bytes(range(256)))])
    assert page.status_code == 422
    assert "Šāda veida datni nevar augšupielādēt" in page.text and "Mans teksts paliek." in page.text
    assert _stored(rw_sessions, tenant_a, subject) == []

    # A submission (iesniegums) owes an answer: it cannot be anonymous; without signing in, no name either.
    page = _post(app_client, {**fields, "kind": "application"})
    assert page.status_code == 422 and "nevar būt anonīms" in page.text
    page = _post(app_client, {k: v for k, v in fields.items() if k != "anonymous"})
    assert page.status_code == 422 and "Piesakieties" in page.text
    assert _stored(rw_sessions, tenant_a, subject) == []


def test_a_signed_in_citizen_sends_a_submission_with_their_name(
    app_client: TestClient[Any],
    provider: Provider,
    world: World,
    rw_sessions: sessionmaker[Session],
    tenant_a: uuid.UUID,
) -> None:
    client = _signed_in(app_client, provider, world)
    subject = f"Lūgums {uuid.uuid4().hex[:6]}"
    fields = {
        "municipality": _slug(rw_sessions, tenant_a),
        "kind": "application",
        "subject": subject,
        "text": "Lūdzu pārskatīt lēmumu.",
        "contact": "janis@example.lv",
    }
    page = _post(client, fields)
    assert page.status_code == 200, page.text
    [row] = _stored(rw_sessions, tenant_a, subject)
    assert row.person_id == world.own_a and row.submitter_contact == "janis@example.lv"
    assert "Atbilde jāsniedz līdz" in page.text


def test_staff_download_the_attached_file_and_another_municipality_cannot(
    app_client: TestClient[Any],
    citizen_settings: Any,
    rw_sessions: sessionmaker[Session],
    tenant_a: uuid.UUID,
    tenant_b: uuid.UUID,
) -> None:
    from app.main import create_app
    from tests.factories.staff import create_staff
    from tests.web.conftest import sign_in

    subject = f"Ar datni {uuid.uuid4().hex[:6]}"
    fields = {"municipality": _slug(rw_sessions, tenant_a), "kind": "complaint", "subject": subject}
    assert (
        _post(
            app_client, {**fields, "text": "Skat. datni.", "anonymous": "1"}, [("akts.pdf", PDF_BYTES)]
        ).status_code
        == 200
    )
    [row] = _stored(rw_sessions, tenant_a, subject)
    with sync_tenant_uow(rw_sessions, tenant_a) as s:
        attachment = s.scalar(
            select(ComplaintAttachment.id).where(ComplaintAttachment.complaint_id == row.id)
        )
    path = f"/complaints/{row.id}/attachments/{attachment}"
    for tenant, expected in ((tenant_a, 200), (tenant_b, 404)):
        username = f"head-{uuid.uuid4().hex[:6]}"
        create_staff(rw_sessions, {tenant: ["head_of_service"]}, username=username)
        with TestClient(app=create_app(citizen_settings), base_url="http://127.0.0.1:8000") as staff:
            assert sign_in(staff, username).status_code in (302, 303)
            answer = staff.get(path)
        assert answer.status_code == expected
        if expected == 200:
            assert answer.content == PDF_BYTES and answer.headers["content-type"] == "application/pdf"
            assert answer.headers["cache-control"] == "private, no-store"
            assert "akts.pdf" in answer.headers["content-disposition"]
