"""The outbox relay: committed rows reach Dramatiq, Redis outages lose nothing, nothing is sent twice."""

from __future__ import annotations

import uuid
from pathlib import Path

from dramatiq.brokers.redis import RedisBroker
from sqlalchemy import Engine, text
from sqlalchemy.orm import Session, sessionmaker

from app.config import Settings
from app.db import sync_tenant_uow
from app.devservers import RedisProcess, free_port
from app.notifications.outbox import enqueue
from tests.integration.workers.conftest import SmtpSink, commit_email, drain, private_broker
from workers.deps import WorkerDeps
from workers.relay import relay_once


def outbox_rows(maint_engine: Engine, ids: list[uuid.UUID]) -> list[tuple[bool, int, str | None]]:
    """(dispatched?, attempts, last_error) per id, in the given order."""
    with maint_engine.connect() as conn:
        rows = conn.execute(
            text(
                "SELECT id, dispatched_at IS NOT NULL, attempts, last_error"
                " FROM app.outbox WHERE id = ANY(:ids)"
            ),
            {"ids": ids},
        ).all()
    by_id = {r[0]: (r[1], r[2], r[3]) for r in rows}
    return [by_id[i] for i in ids]


def test_redis_down_at_commit_time_loses_nothing_and_sends_each_message_once(
    settings: Settings,
    deps: WorkerDeps,
    rw_sessions: sessionmaker[Session],
    maint_sessions: sessionmaker[Session],
    maint_engine: Engine,
    smtp: SmtpSink,
    tenant_a: uuid.UUID,
    tenant_b: uuid.UUID,
    tmp_path: Path,
) -> None:
    redis = RedisProcess(free_port(), tmp_path / "redis", persistent=False).start()
    try:
        with private_broker(redis.url, deps) as broker:
            broker.client.ping()  # the broker has a live connection, which the outage then breaks
            redis.stop()

            ids = [
                commit_email(rw_sessions, tenant, to=f"p{n}@example.lv", subject=f"Ziņa {n}", text="Labdien!")
                for n, tenant in enumerate([tenant_a, tenant_b, tenant_a])
            ]
            assert relay_once(maint_sessions, broker) == 0  # does not raise
            for dispatched, attempts, error in outbox_rows(maint_engine, ids):
                assert (dispatched, attempts) == (False, 1)
                assert error and "ConnectionError" in error

            redis.start()  # the same port: the broker reconnects by itself
            assert relay_once(maint_sessions, broker) == 3
            assert all(d for d, _, _ in outbox_rows(maint_engine, ids))
            assert relay_once(maint_sessions, broker) == 0

            # A relay that crashed after enqueueing but before committing sends the row again.
            with maint_engine.begin() as conn:
                conn.execute(
                    text("UPDATE app.outbox SET dispatched_at = NULL WHERE id = :id"), {"id": ids[1]}
                )
            assert relay_once(maint_sessions, broker) == 1

            drain(broker)
    finally:
        redis.stop()

    assert sorted(smtp.outbox_ids()) == sorted(ids)
    with maint_engine.connect() as conn:
        done = conn.scalar(
            text("SELECT count(*) FROM app.processed_messages WHERE message_id = ANY(:ids)"), {"ids": ids}
        )
    assert done == 3


def test_rows_for_an_unknown_actor_stay_pending_and_do_not_block_the_rest(
    rw_sessions: sessionmaker[Session],
    maint_sessions: sessionmaker[Session],
    maint_engine: Engine,
    broker: RedisBroker,
    tenant_a: uuid.UUID,
) -> None:
    with sync_tenant_uow(rw_sessions, tenant_a) as session:
        unknown = [enqueue(session, "no_such_actor", {}) for _ in range(3)]
    known = commit_email(rw_sessions, tenant_a, to="d@example.lv", subject="S", text="T")

    # Batches of one: the three older rows nobody here can handle must not stand in front of the e-mail.
    assert relay_once(maint_sessions, broker, batch=1) == 1
    *unknown_rows, (k_dispatched, _, _) = outbox_rows(maint_engine, [*unknown, known])
    assert k_dispatched is True
    assert all(row == (False, 0, None) for row in unknown_rows)
