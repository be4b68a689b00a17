"""The decision PDF path end to end: the deciding act schedules it → outbox → relay → Redis → worker →
the document stored and linked; once per outbox id however often the message comes."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from dramatiq.brokers.redis import RedisBroker
from sqlalchemy import Engine, func, select, text
from sqlalchemy.orm import Session, sessionmaker

from app.db import sync_tenant_uow
from app.documents.models import Document
from app.domains.benefits.decision_pdf import RENDER_DECISION_PDF, schedule_decision_pdf
from app.domains.benefits.models import Decision
from tests.factories.decision_rows import decided_application, household
from tests.factories.staff import create_staff
from workers.broker import PDF
from workers.main import start_worker
from workers.relay import relay_once


@pytest.fixture
def decision(rw_sessions: sessionmaker[Session], tenant_a: uuid.UUID) -> dict[str, Any]:
    officer = create_staff(rw_sessions, {tenant_a: ["benefit_officer"]}, full_name="Ilze Bērziņa")
    home = household(rw_sessions, tenant_a, officer, [{"first_name": "Jānis", "last_name": "Bērziņš"}])
    return decided_application(rw_sessions, tenant_a, officer, home)


def schedule(rw_sessions: sessionmaker[Session], tenant: uuid.UUID, decision_id: uuid.UUID) -> uuid.UUID:
    """The deciding act's part: an outbox row in its transaction."""
    with sync_tenant_uow(rw_sessions, tenant) as session:
        return schedule_decision_pdf(session, decision_id)


def document_of(
    rw_sessions: sessionmaker[Session], tenant: uuid.UUID, decision_id: uuid.UUID
) -> uuid.UUID | None:
    with sync_tenant_uow(rw_sessions, tenant) as s:
        return s.scalar(select(Decision.document_id).where(Decision.id == decision_id))


def test_a_scheduled_decision_gets_its_pdf_through_the_worker(
    rw_sessions: sessionmaker[Session],
    maint_sessions: sessionmaker[Session],
    broker: RedisBroker,
    tenant_a: uuid.UUID,
    decision: dict[str, Any],
) -> None:
    schedule(rw_sessions, tenant_a, decision["decision_id"])
    assert relay_once(maint_sessions, broker) == 1
    worker = start_worker(broker, threads=1, worker_timeout=100)
    try:
        broker.join(PDF, timeout=60_000)
        worker.join()
    finally:
        worker.stop()

    document_id = document_of(rw_sessions, tenant_a, decision["decision_id"])
    assert document_id is not None
    with sync_tenant_uow(rw_sessions, tenant_a) as s:
        document = s.get(Document, (tenant_a, document_id))
        assert document is not None and document.title == f"Lēmums {decision['decision_number']}"


def test_the_actor_run_twice_for_one_message_renders_once(
    rw_sessions: sessionmaker[Session],
    maint_engine: Engine,
    broker: RedisBroker,
    tenant_a: uuid.UUID,
    decision: dict[str, Any],
) -> None:
    message_id = schedule(rw_sessions, tenant_a, decision["decision_id"])
    actor = broker.get_actor(RENDER_DECISION_PDF)
    payload = {"decision_id": str(decision["decision_id"])}

    first = actor.fn(tenant_id=str(tenant_a), message_id=str(message_id), payload=payload)
    again = actor.fn(tenant_id=str(tenant_a), message_id=str(message_id), payload=payload)

    assert first == str(document_of(rw_sessions, tenant_a, decision["decision_id"])) and again is None
    with maint_engine.connect() as conn:
        claims = conn.scalar(
            text("SELECT count(*) FROM app.processed_messages WHERE message_id = :m"), {"m": message_id}
        )
    assert claims == 1
    # A second message for the same decision (a retried act, "render now" racing it) keeps the one PDF.
    other = schedule(rw_sessions, tenant_a, decision["decision_id"])
    assert actor.fn(tenant_id=str(tenant_a), message_id=str(other), payload=payload) == first
    with sync_tenant_uow(rw_sessions, tenant_a) as s:
        assert s.scalar(select(func.count()).select_from(Document)) == 1


def test_a_failed_render_leaves_no_claim_so_the_retry_goes_ahead(
    rw_sessions: sessionmaker[Session],
    maint_engine: Engine,
    broker: RedisBroker,
    tenant_a: uuid.UUID,
    decision: dict[str, Any],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    message_id = schedule(rw_sessions, tenant_a, decision["decision_id"])
    actor = broker.get_actor(RENDER_DECISION_PDF)
    payload = {"decision_id": str(decision["decision_id"])}

    def broken(html: str, **_: Any) -> bytes:
        raise RuntimeError("renderer crashed")

    with monkeypatch.context() as patch:
        patch.setattr("app.domains.benefits.decision_pdf.render_pdf", broken)
        with pytest.raises(RuntimeError):
            actor.fn(tenant_id=str(tenant_a), message_id=str(message_id), payload=payload)
    assert document_of(rw_sessions, tenant_a, decision["decision_id"]) is None
    assert actor.fn(tenant_id=str(tenant_a), message_id=str(message_id), payload=payload) is not None
