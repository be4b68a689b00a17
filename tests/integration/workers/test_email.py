"""The e-mail path end to end: act → outbox → relay → Redis → worker → SMTP."""

from __future__ import annotations

import threading
import uuid
from typing import Any

import dramatiq
import pytest
from dramatiq.brokers.redis import RedisBroker
from sqlalchemy import Engine, text
from sqlalchemy.orm import Session, sessionmaker

from app.config import Settings
from app.db import sync_tenant_uow
from app.devservers import free_port
from app.notifications.email import SEND_EMAIL, schedule_email
from tests.integration.workers.conftest import (
    SmtpSink,
    commit_email,
    drain,
    make_deps,
    private_broker,
    wait_until,
)
from workers.broker import NOTIFICATIONS
from workers.main import start_worker
from workers.relay import relay_once

NAME = "Ģirts Ķēniņš"


def processed(maint_engine: Engine, message_id: uuid.UUID) -> int:
    with maint_engine.connect() as conn:
        return int(
            conn.scalar(
                text("SELECT count(*) FROM app.processed_messages WHERE message_id = :m"), {"m": message_id}
            )
        )


def test_a_committed_email_is_delivered_over_smtp_with_latvian_letters_intact(
    rw_sessions: sessionmaker[Session],
    maint_sessions: sessionmaker[Session],
    broker: RedisBroker,
    smtp: SmtpSink,
    tenant_a: uuid.UUID,
) -> None:
    outbox_id = commit_email(
        rw_sessions,
        tenant_a,
        to="girts.kenins@example.lv",
        subject=f"Lēmums par pabalstu — {NAME}",
        text=f"Labdien, {NAME}! Jūsu iesniegums ir izskatīts.",
        html=f"<p>Labdien, <b>{NAME}</b>! Jūsu iesniegums ir izskatīts.</p>",
    )

    assert relay_once(maint_sessions, broker) == 1
    drain(broker)

    assert len(smtp.received) == 1
    mail = smtp.received[0]
    assert mail["To"] == "girts.kenins@example.lv"
    assert mail["Subject"] == f"Lēmums par pabalstu — {NAME}"
    assert str(mail["Message-ID"]).startswith(f"<{outbox_id}@")
    text_part, html_part = mail.get_body(("plain",)), mail.get_body(("html",))
    assert text_part is not None and html_part is not None
    assert text_part.get_content().strip() == f"Labdien, {NAME}! Jūsu iesniegums ir izskatīts."
    assert f"<b>{NAME}</b>" in html_part.get_content()


def test_the_actor_run_twice_for_one_message_sends_once(
    rw_sessions: sessionmaker[Session],
    maint_engine: Engine,
    broker: RedisBroker,
    smtp: SmtpSink,
    tenant_a: uuid.UUID,
) -> None:
    payload = {"to": "a@example.lv", "subject": "Atgādinājums", "text": "Sveiki!", "html": None}
    message_id = commit_email(rw_sessions, tenant_a, **payload)
    actor = broker.get_actor(SEND_EMAIL)

    first = actor.fn(tenant_id=str(tenant_a), message_id=str(message_id), payload=payload)
    again = actor.fn(tenant_id=str(tenant_a), message_id=str(message_id), payload=payload)

    assert (first, again) == (True, False)
    assert smtp.outbox_ids() == [message_id]
    assert processed(maint_engine, message_id) == 1


def test_a_rolled_back_act_leaves_no_outbox_row_and_sends_nothing(
    rw_sessions: sessionmaker[Session],
    maint_sessions: sessionmaker[Session],
    maint_engine: Engine,
    broker: RedisBroker,
    smtp: SmtpSink,
    tenant_a: uuid.UUID,
) -> None:
    with (
        pytest.raises(RuntimeError, match="the act failed"),
        sync_tenant_uow(rw_sessions, tenant_a) as session,
    ):
        outbox_id = schedule_email(session, to="b@example.lv", subject="Nē", text="Nē")
        session.flush()  # the row reached the database inside the transaction
        raise RuntimeError("the act failed")

    with maint_engine.connect() as conn:
        assert conn.scalar(text("SELECT count(*) FROM app.outbox WHERE id = :id"), {"id": outbox_id}) == 0
    assert relay_once(maint_sessions, broker) == 0
    drain(broker)
    assert smtp.received == []


class FailureSeen(dramatiq.Middleware):
    """Signals the first failed attempt, so the test can bring the SMTP server up before the retry."""

    def __init__(self) -> None:
        self.failed = threading.Event()

    def after_process_message(
        self, broker: dramatiq.Broker, message: Any, *, result: Any = None, exception: Any = None
    ) -> None:
        if exception is not None:
            self.failed.set()


def test_an_smtp_failure_leaves_the_message_unprocessed_and_a_retry_sends_it(
    settings: Settings,
    rw_sessions: sessionmaker[Session],
    maint_sessions: sessionmaker[Session],
    maint_engine: Engine,
    tenant_a: uuid.UUID,
) -> None:
    smtp_port = free_port()  # nothing listens here yet: the first attempt is refused
    deps = make_deps(settings, rw_sessions, smtp_port)
    seen = FailureSeen()
    # A short backoff so the retry comes within the test; production waits from 15 s up to an hour.
    with private_broker(settings.redis_url, deps, min_backoff=300) as broker:
        broker.add_middleware(seen)
        outbox_id = commit_email(rw_sessions, tenant_a, to="c@example.lv", subject="Vēlreiz", text="Čau")
        assert relay_once(maint_sessions, broker) == 1

        worker = start_worker(broker, threads=1, worker_timeout=100)
        sink = SmtpSink(smtp_port)
        try:
            assert seen.failed.wait(10), "the first attempt should have failed"
            assert processed(maint_engine, outbox_id) == 0  # the claim was rolled back with the failure
            sink.start()
            broker.join(NOTIFICATIONS, timeout=10_000)
            worker.join()
            wait_until(lambda: processed(maint_engine, outbox_id) == 1)
        finally:
            worker.stop()
            sink.stop()

    assert sink.outbox_ids() == [outbox_id]
