"""Outbox hygiene: the periodic purge of dispatched outbox rows and old idempotency records, and the
scheduler that sends periodic jobs once per minute however many worker processes run."""

from __future__ import annotations

import datetime as dt
import uuid

import pendulum
import redis
from sqlalchemy import Engine, text
from sqlalchemy.orm import Session, sessionmaker

from app.config import Settings
from app.ids import uuid7
from tests.integration.workers.conftest import private_broker
from workers.actors.housekeeping import PURGE_OUTBOX, purge_outbox
from workers.deps import WorkerDeps
from workers.main import start_worker
from workers.schedules import MAINTENANCE, PERIODIC_JOBS, TIMEZONE, Scheduler

NOW = dt.datetime.now(dt.UTC)


def _outbox(conn: object, tenant: uuid.UUID, *, age_days: float, dispatched: bool) -> uuid.UUID:
    at = NOW - dt.timedelta(days=age_days)
    outbox_id = uuid7()
    conn.execute(  # type: ignore[attr-defined]
        text(
            "INSERT INTO app.outbox (tenant_id, id, actor, payload, created_at, dispatched_at)"
            " VALUES (:t, :id, 'send_email', '{}', :at, :dispatched)"
        ),
        {"t": tenant, "id": outbox_id, "at": at, "dispatched": at if dispatched else None},
    )
    return outbox_id


def _processed(conn: object, tenant: uuid.UUID, *, age_days: float) -> uuid.UUID:
    message_id = uuid7()
    conn.execute(  # type: ignore[attr-defined]
        text(
            "INSERT INTO app.processed_messages (tenant_id, message_id, actor, processed_at)"
            " VALUES (:t, :id, 'send_email', :at)"
        ),
        {"t": tenant, "id": message_id, "at": NOW - dt.timedelta(days=age_days)},
    )
    return message_id


def _left(maint_engine: Engine, ids: list[uuid.UUID]) -> set[uuid.UUID]:
    with maint_engine.connect() as conn:
        outbox = conn.execute(text("SELECT id FROM app.outbox WHERE id = ANY(:ids)"), {"ids": ids}).scalars()
        processed = conn.execute(
            text("SELECT message_id FROM app.processed_messages WHERE message_id = ANY(:ids)"), {"ids": ids}
        ).scalars()
        return set(outbox) | set(processed)


def _world(maint_engine: Engine, tenant_a: uuid.UUID, tenant_b: uuid.UUID) -> dict[str, list[uuid.UUID]]:
    with maint_engine.begin() as conn:
        return {
            "old_dispatched": [
                _outbox(conn, tenant, age_days=8 + n, dispatched=True)
                for n, tenant in enumerate([tenant_a, tenant_b, tenant_a, tenant_b, tenant_a])
            ],
            "old_processed": [_processed(conn, t, age_days=30) for t in (tenant_a, tenant_b, tenant_a)],
            "kept": [
                _outbox(conn, tenant_a, age_days=20, dispatched=False),  # never dispatched: work still to do
                _outbox(conn, tenant_b, age_days=6.9, dispatched=True),
                _processed(conn, tenant_a, age_days=6.9),
            ],
        }


def test_old_dispatched_rows_and_idempotency_records_are_purged_in_batches(
    maint_sessions: sessionmaker[Session], maint_engine: Engine, tenant_a: uuid.UUID, tenant_b: uuid.UUID
) -> None:
    rows = _world(maint_engine, tenant_a, tenant_b)

    purged = purge_outbox(maint_sessions, retention_days=7, batch=2, now=NOW)

    assert purged.outbox >= 5 and purged.processed >= 3  # other tests' rows are all recent
    every = [i for ids in rows.values() for i in ids]
    assert _left(maint_engine, every) == set(rows["kept"])
    assert purge_outbox(maint_sessions, retention_days=7, batch=2, now=NOW).outbox == 0


def test_the_purge_runs_as_a_periodic_actor_on_a_worker(
    settings: Settings, deps: WorkerDeps, maint_engine: Engine, tenant_a: uuid.UUID, tenant_b: uuid.UUID
) -> None:
    rows = _world(maint_engine, tenant_a, tenant_b)
    with private_broker(settings.redis_url, deps) as broker:
        actor = broker.get_actor(PURGE_OUTBOX)
        assert "periodic" in actor.options and actor.queue_name == MAINTENANCE
        actor.send()  # as the scheduler would (without scheduled_at: run as triggered by hand)
        worker = start_worker(broker, threads=1, worker_timeout=100)
        try:
            broker.join(MAINTENANCE, timeout=30_000)
            worker.join()
        finally:
            worker.stop()

    assert _left(maint_engine, [i for ids in rows.values() for i in ids]) == set(rows["kept"])


def test_the_scheduler_sends_a_due_job_once_per_minute_across_processes(
    settings: Settings, deps: WorkerDeps
) -> None:
    [job] = [j for j in PERIODIC_JOBS if j.actor_name == PURGE_OUTBOX]
    assert job.schedule == "17 3 * * *"
    due = pendulum.datetime(2026, 3, 10, 3, 17, 0, tz=TIMEZONE)
    with private_broker(settings.redis_url, deps) as broker:
        client = redis.Redis.from_url(settings.redis_url)
        try:
            one = Scheduler(broker, client, namespace=broker.namespace)
            other = Scheduler(broker, client, namespace=broker.namespace)  # a second worker process

            assert PURGE_OUTBOX in one.tick(due.add(seconds=12))
            assert PURGE_OUTBOX not in other.tick(due)  # the same minute: already sent
            assert PURGE_OUTBOX not in one.tick(due.add(minutes=1))  # not due at 03:18
            assert PURGE_OUTBOX in other.tick(due.add(days=1))

            queued = client.hvals(f"{broker.namespace}:{MAINTENANCE}.msgs")
            assert len(queued) == 2
            assert all(b'"scheduled_at"' in m and b"purge_outbox" in m for m in queued)
        finally:
            client.close()
