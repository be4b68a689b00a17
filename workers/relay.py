"""The outbox relay: moves committed outbox rows to Dramatiq.

Services write an `app.outbox` row in the act's transaction; this loop, running as the BYPASSRLS
maintenance role across all tenants, enqueues each committed row with the outbox id as the Dramatiq
message id and marks it dispatched. Delivery is at-least-once: a crash between enqueue and commit sends a
row again on the next pass, which the actors absorb because they deduplicate by message id.
"""

from __future__ import annotations

import threading
import uuid
from collections import defaultdict

import redis
import structlog
from dramatiq import Broker, Message
from dramatiq.errors import ActorNotFound
from sqlalchemy import func, select, tuple_, update
from sqlalchemy.orm import Session, sessionmaker

from app.config import Settings
from app.db import make_sync_engine, sync_session_factory
from app.notifications.models import OutboxMessage
from workers.broker import close_broker, make_broker, register_actors
from workers.deps import WorkerDeps

log = structlog.get_logger()

Key = tuple[uuid.UUID, uuid.UUID]  # (tenant_id, id)

# Oldest first; SKIP LOCKED lets several relays (one per worker process) share the table without waiting
# on each other or sending a row twice.
_PENDING = (
    select(OutboxMessage.tenant_id, OutboxMessage.id, OutboxMessage.actor, OutboxMessage.payload)
    .where(OutboxMessage.dispatched_at.is_(None))
    .order_by(OutboxMessage.created_at, OutboxMessage.id)
    .with_for_update(skip_locked=True)
)


def _message(
    broker: Broker, tenant_id: uuid.UUID, outbox_id: uuid.UUID, actor: str, payload: object
) -> Message:
    queue_name = broker.get_actor(actor).queue_name  # raises ActorNotFound for an unknown actor
    return Message(
        queue_name=queue_name,
        actor_name=actor,
        args=(),
        kwargs={"tenant_id": str(tenant_id), "message_id": str(outbox_id), "payload": payload},
        options={},
        message_id=str(outbox_id),
    )


def relay_once(sessions: sessionmaker[Session], broker: Broker, batch: int = 100) -> int:
    """Enqueue up to `batch` pending rows; returns how many were dispatched. Never raises for Redis errors:
    the rows stay pending, their `attempts` and `last_error` record why, and the next pass tries again."""
    dispatched: list[Key] = []
    failed: dict[str, list[Key]] = defaultdict(list)
    with sessions.begin() as session:
        # Only actors this deployment knows: rows for another's (a newer release, a retired actor) would
        # otherwise fill every batch and stall the queue behind them.
        known = sorted(broker.get_declared_actors())
        rows = session.execute(_PENDING.where(OutboxMessage.actor.in_(known)).limit(batch)).all()
        for i, (tenant_id, outbox_id, actor, payload) in enumerate(rows):
            try:
                broker.enqueue(_message(broker, tenant_id, outbox_id, actor, payload))
            except ActorNotFound:
                # A row for an actor this deployment does not know: leave it for one that does.
                failed[f"unknown actor {actor!r}"].append((tenant_id, outbox_id))
                continue
            except redis.RedisError as exc:
                # Redis is down or refuses writes: this row and the rest wait for the next pass.
                log.warning("outbox relay: redis unavailable", error=str(exc), pending=len(rows) - i)
                failed[f"{type(exc).__name__}: {exc}"].extend((r.tenant_id, r.id) for r in rows[i:])
                break
            dispatched.append((tenant_id, outbox_id))
        if dispatched:
            session.execute(
                update(OutboxMessage)
                .where(tuple_(OutboxMessage.tenant_id, OutboxMessage.id).in_(dispatched))
                .values(dispatched_at=func.now()),
                execution_options={"synchronize_session": False},
            )
    # A separate transaction: the dispatch marks above are committed whatever happens here.
    if failed:
        _record_failures(sessions, failed)
    return len(dispatched)


def _record_failures(sessions: sessionmaker[Session], failed: dict[str, list[Key]]) -> None:
    with sessions.begin() as session:
        for error, keys in failed.items():
            session.execute(
                update(OutboxMessage)
                .where(
                    tuple_(OutboxMessage.tenant_id, OutboxMessage.id).in_(keys),
                    OutboxMessage.dispatched_at.is_(None),
                )
                .values(attempts=OutboxMessage.attempts + 1, last_error=error[:2000]),
                execution_options={"synchronize_session": False},
            )


def relay_forever(
    sessions: sessionmaker[Session],
    broker: Broker,
    stop_event: threading.Event,
    *,
    interval: float = 1.0,
    batch: int = 100,
) -> None:
    """Poll until `stop_event` is set. A full batch means more may be waiting, so the next pass starts at
    once; otherwise the loop sleeps `interval`. Errors (the database restarting) are logged, not fatal,
    and repeated ones slow the loop down to one pass every 30 s."""
    failures = 0
    while not stop_event.is_set():
        try:
            sent = relay_once(sessions, broker, batch)
            failures = 0
        except Exception:
            log.exception("outbox relay pass failed")
            sent, failures = 0, failures + 1
        if sent < batch:
            stop_event.wait(min(interval * 2 ** min(failures, 5), 30.0))


def run_relay(
    settings: Settings, stop_event: threading.Event, interval: float = 1.0, *, broker: Broker | None = None
) -> None:
    """The relay as a program (`atbalsts run`, the worker): the maintenance engine, and the given broker or
    one built from the settings, with the actors declared so that each row finds its queue."""
    maint = make_sync_engine(settings.maint_url(), pool_size=1, max_overflow=1)
    rw = None
    own_broker = broker is None
    if broker is None:
        # The actors' engine is only built for routing here; it connects lazily and stays idle.
        rw = make_sync_engine(settings.runtime_url(), pool_size=1, max_overflow=0)
        broker = make_broker(settings.redis_url)
        register_actors(broker, WorkerDeps.from_settings(settings, sync_session_factory(rw)))
    try:
        relay_forever(sync_session_factory(maint), broker, stop_event, interval=interval)
    finally:
        maint.dispose()
        if rw is not None:
            rw.dispose()
        if own_broker:
            close_broker(broker)
