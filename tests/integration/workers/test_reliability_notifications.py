"""Delivery under failure, with real servers: redis-server processes started here (stopped, restarted),
a worker process killed with SIGKILL in the middle of an SMTP conversation, an SMTP server that is not
there until retries run out. What must hold: every committed notice is delivered exactly once, or, when
it cannot be, kept as a dead letter and marked given up; nothing is lost silently."""

from __future__ import annotations

import dataclasses
import json
import os
import signal
import subprocess
import sys
import threading
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, text
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Session, sessionmaker

from app.config import ROOT, Settings
from app.db import sync_tenant_uow
from app.devservers import RedisProcess, free_port
from app.notifications.labels import RETRIES_EXHAUSTED, UNEXPECTED_ERROR
from app.notifications.service import queue_message_sync, retry_message
from tests.factories.cases import actor_for, run_act
from tests.factories.notifications import message_row, queue, received_variables
from tests.integration.workers.conftest import SmtpSink, drain, private_broker, wait_until
from tests.integration.workers.notification_helpers import StallingSink, delivery_deps, outbox_ids, statuses
from workers.actors.notifications import deliver_notification
from workers.broker import NOTIFICATIONS, close_broker, make_broker, register_actors
from workers.main import start_worker
from workers.relay import relay_forever, relay_once


@pytest.fixture
def redis_server(tmp_path: Path) -> Iterator[RedisProcess]:
    server = RedisProcess(free_port(), tmp_path / "redis", persistent=False).start()
    yield server
    server.stop()


def processed_count(maint_engine: Engine, outbox: list[uuid.UUID]) -> int:
    with maint_engine.connect() as conn:
        return int(
            conn.scalar(
                text("SELECT count(*) FROM app.processed_messages WHERE message_id = ANY(:ids)"),
                {"ids": outbox},
            )
        )


# --- (a) Redis down while acts commit ---------------------------------------------------------------------


def test_acts_committed_while_redis_is_down_are_each_delivered_once_after_it_returns(
    settings: Settings,
    rw_sessions: sessionmaker[Session],
    maint_sessions: sessionmaker[Session],
    maint_engine: Engine,
    smtp: SmtpSink,
    redis_server: RedisProcess,
    tenant_a: uuid.UUID,
    tenant_b: uuid.UUID,
) -> None:
    deps = delivery_deps(settings, rw_sessions, smtp.port)
    stop = threading.Event()
    with private_broker(redis_server.url, deps) as broker:
        # The worker and the relay are running, as in production, when Redis goes away.
        worker = start_worker(broker, threads=2, worker_timeout=100)
        relay = threading.Thread(
            target=relay_forever, args=(maint_sessions, broker, stop), kwargs={"interval": 0.2}
        )
        relay.start()
        try:
            redis_server.stop()
            ids = [
                queue(rw_sessions, tenant, address=f"klients{n}@example.lv")
                for n, tenant in enumerate([tenant_a, tenant_b] * 10)
            ]  # twenty acts, each committed while Redis is down
            wait_until(lambda: _attempted(maint_engine, ids), timeout=15)
            assert smtp.received == []
            assert set(statuses(maint_engine, ids).values()) == {("queued", 0)}

            redis_server.start()  # the same port: the broker, the relay and the worker reconnect
            wait_until(lambda: set(statuses(maint_engine, ids).values()) == {("sent", 1)}, timeout=60)
        finally:
            stop.set()
            relay.join(10)
            worker.stop()

    expected = list(outbox_ids(maint_engine, ids).values())
    assert sorted(smtp.outbox_ids()) == sorted(expected)  # each once, none twice, none missing
    assert processed_count(maint_engine, expected) == len(ids)


def _attempted(maint_engine: Engine, ids: list[uuid.UUID]) -> bool:
    """The relay tried every row and recorded why it could not hand it over."""
    with maint_engine.connect() as conn:
        rows = conn.execute(
            text(
                "SELECT o.attempts, o.last_error, o.dispatched_at FROM app.outbox o"
                " JOIN app.notification_messages m ON m.tenant_id = o.tenant_id AND m.outbox_id = o.id"
                " WHERE m.id = ANY(:ids)"
            ),
            {"ids": ids},
        ).all()
    return len(rows) == len(ids) and all(a >= 1 and e and d is None for a, e, d in rows)


# --- (b) a worker killed mid-send -------------------------------------------------------------------------


def _worker_process(settings: Settings, redis_url: str, smtp_port: int, log: Path) -> subprocess.Popen[bytes]:
    """The real worker program (`python -m workers`), with its relay, against the test database."""
    env = {k: v for k, v in os.environ.items() if not k.endswith("_DATABASE_URL")}
    env.update(
        DATABASE_URL=settings.database_url,
        REDIS_URL=redis_url,
        SMTP_HOST="127.0.0.1",
        SMTP_PORT=str(smtp_port),
    )
    with log.open("wb") as out:
        return subprocess.Popen(
            [sys.executable, "-m", "workers", "--threads", "1"], cwd=ROOT, env=env, stdout=out, stderr=out
        )


def test_a_worker_killed_in_the_middle_of_sending_is_retried_and_the_message_arrives_once(
    settings: Settings,
    rw_sessions: sessionmaker[Session],
    maint_engine: Engine,
    redis_server: RedisProcess,
    tenant_a: uuid.UUID,
    tmp_path: Path,
) -> None:
    sink = StallingSink(free_port()).start()
    message_id = queue(rw_sessions, tenant_a, address="klients@example.lv")
    outbox_id = message_row(rw_sessions, tenant_a, message_id).outbox_id
    process = _worker_process(settings, redis_server.url, sink.port, tmp_path / "worker.log")
    broker = None
    try:
        assert sink.stalled.wait(60), (tmp_path / "worker.log").read_text(errors="replace")[-3000:]
        process.send_signal(signal.SIGKILL)  # mid-DATA: the server has the message, not yet accepted
        process.wait(10)
        sink.release.set()  # the server gives up on the dead client: nothing accepted (451)
        assert statuses(maint_engine, [message_id])[message_id] == ("queued", 0)  # the attempt rolled back

        # Another worker takes over. A short heartbeat timeout and maintenance on every poll make it
        # requeue the dead worker's unacknowledged message within a second (production: 60 s).
        broker = make_broker(redis_server.url)
        broker.heartbeat_timeout, broker.maintenance_chance = 1_000, 1_000_000
        register_actors(broker, delivery_deps(settings, rw_sessions, sink.port))
        worker = start_worker(broker, threads=1, worker_timeout=100)
        try:
            wait_until(lambda: statuses(maint_engine, [message_id])[message_id][0] == "sent", timeout=30)
        finally:
            worker.stop()
    finally:
        if process.poll() is None:
            process.kill()
        sink.release.set()
        sink.stop()
        if broker is not None:
            close_broker(broker)

    assert sink.outbox_ids() == [outbox_id]  # exactly once
    assert processed_count(maint_engine, [outbox_id]) == 1


def test_a_crash_after_the_servers_250_sends_again_with_the_same_message_id(
    settings: Settings, rw_sessions: sessionmaker[Session], smtp: SmtpSink, tenant_a: uuid.UUID
) -> None:
    """The documented limit: the send and the commit cannot be one atomic step. When the worker dies
    after the SMTP server accepted the message and before the commit, the retry sends it again; both
    copies carry one Message-ID (the outbox id), so mail clients and staff can tell it is one message."""
    deps = delivery_deps(settings, rw_sessions, smtp.port)
    assert deps.channels is not None
    email = deps.channels["email"]

    class DiesAfterSending:
        name = "email"
        died = False

        def send(self, message):  # type: ignore[no-untyped-def]
            receipt = email.send(message)
            if not self.died:
                self.died = True
                raise RuntimeError("the worker died after the server's 250")
            return receipt

    channels = {"email": DiesAfterSending()}
    message_id = queue(rw_sessions, tenant_a, address="klients@example.lv")
    outbox_id = message_row(rw_sessions, tenant_a, message_id).outbox_id
    kwargs = {
        "tenant_id": str(tenant_a),
        "message_id": str(outbox_id),
        "payload": {"notification_id": str(message_id)},
    }

    with pytest.raises(RuntimeError):
        deliver_notification(deps, channels, **kwargs)  # type: ignore[arg-type]
    failed = message_row(rw_sessions, tenant_a, message_id)
    assert (failed.status, failed.last_error) == ("failed", UNEXPECTED_ERROR)
    assert deliver_notification(deps, channels, **kwargs) == "sent"  # type: ignore[arg-type]

    assert smtp.outbox_ids() == [outbox_id, outbox_id]
    assert len({m["Message-ID"] for m in smtp.received}) == 1


# --- (c) retries exhausted --------------------------------------------------------------------------------


def _dead_letters(client: Any, dead_queue: str) -> dict[str, dict[str, Any]]:
    """The dead-lettered messages by Dramatiq message id (the outbox id). Redis files them under an id of
    its own, in the `.XQ` sorted set and the `.XQ.msgs` hash."""
    letters = [json.loads(raw) for raw in client.hvals(f"{dead_queue}.msgs")]
    assert len(letters) == client.zcard(dead_queue)
    return {letter["message_id"]: letter for letter in letters}


def test_when_retries_run_out_the_message_is_dead_lettered_given_up_and_can_be_sent_again(
    settings: Settings,
    rw_sessions: sessionmaker[Session],
    maint_sessions: sessionmaker[Session],
    maint_engine: Engine,
    redis_server: RedisProcess,
    tenant_a: uuid.UUID,
) -> None:
    port = free_port()  # no SMTP server here until the end
    quick = dataclasses.replace(
        settings, notify_max_retries=2, notify_min_backoff_ms=100, notify_max_backoff_ms=200
    )
    deps = delivery_deps(quick, rw_sessions, port)
    with sync_tenant_uow(rw_sessions, tenant_a) as s:
        message = queue_message_sync(
            s,
            event="application_received",
            channel="email",
            language="lv",
            variables=received_variables(),
            address="klients@example.lv",
        )
    message_id, outbox_id = message.id, message.outbox_id
    assert outbox_id is not None

    with private_broker(redis_server.url, deps) as broker:
        assert relay_once(maint_sessions, broker) == 1
        dead = f"{broker.namespace}:{NOTIFICATIONS}.XQ"
        worker = start_worker(broker, threads=1, worker_timeout=100)
        try:
            wait_until(lambda: statuses(maint_engine, [message_id])[message_id][0] == "given_up", timeout=30)
            # Dramatiq's dead-letter queue keeps the message (the consumer files it after the hook ran).
            wait_until(lambda: str(outbox_id) in _dead_letters(broker.client, dead), timeout=10)
        finally:
            worker.stop()

        row = message_row(rw_sessions, tenant_a, message_id)
        assert (row.status, row.attempts, row.last_error) == ("given_up", 3, RETRIES_EXHAUSTED)
        assert row.last_error_detail and "ConnectionRefusedError" in row.last_error_detail
        letter = _dead_letters(broker.client, dead)[str(outbox_id)]
        assert letter["actor_name"] == "deliver_notification"
        assert letter["kwargs"]["payload"] == {"notification_id": str(message_id)}

        # Not lost: the head of service sends it again from the delivery log once mail works.
        head = actor_for(tenant_a, uuid.uuid4(), "head_of_service")

        async def retry(session: AsyncSession) -> None:
            await retry_message(session, head, message_id)

        run_act(settings, tenant_a, retry)
        sink = SmtpSink(port).start()
        try:
            assert relay_once(maint_sessions, broker) == 1
            drain(broker)
        finally:
            sink.stop()

    again = message_row(rw_sessions, tenant_a, message_id)
    assert (again.status, again.attempts) == ("sent", 4)
    assert sink.outbox_ids() == [again.outbox_id] and again.outbox_id != outbox_id
