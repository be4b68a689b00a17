"""Housekeeping jobs run by the scheduler (workers/schedules.py): the outbox and the idempotency
records are purged once their messages can no longer come back.

Dramatiq gives a message up after about four hours of retries (settings NOTIFY_*), so after the
retention period (OUTBOX_RETENTION_DAYS, 7 days) neither an outbox row that was dispatched nor the
`processed_messages` row that made its actor idempotent is needed. Rows not yet dispatched are never
purged: they are work still to do. Deletes go in batches, each its own short transaction, as the
maintenance role (the app role may not delete them, and the job serves every municipality)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, cast

import structlog
from sqlalchemy import CursorResult, TextClause, text
from sqlalchemy.orm import Session, sessionmaker

from app.db import make_sync_engine, sync_session_factory
from workers.deps import WorkerDeps

log = structlog.get_logger()

PURGE_OUTBOX = "purge_outbox"
BATCH = 5_000

_PURGE_OUTBOX = text(
    """
    DELETE FROM app.outbox WHERE (tenant_id, id) IN (
        SELECT tenant_id, id FROM app.outbox
        WHERE dispatched_at IS NOT NULL AND dispatched_at < :cutoff
        LIMIT :batch FOR UPDATE SKIP LOCKED)
    """
)
_PURGE_PROCESSED = text(
    """
    DELETE FROM app.processed_messages WHERE (tenant_id, message_id) IN (
        SELECT tenant_id, message_id FROM app.processed_messages
        WHERE processed_at < :cutoff
        LIMIT :batch FOR UPDATE SKIP LOCKED)
    """
)


@dataclass(frozen=True)
class Purged:
    outbox: int
    processed: int


def _delete_in_batches(
    sessions: sessionmaker[Session], statement: TextClause, cutoff: dt.datetime, batch: int
) -> int:
    total = 0
    while True:
        with sessions.begin() as session:
            result = cast(CursorResult[Any], session.execute(statement, {"cutoff": cutoff, "batch": batch}))
            deleted = result.rowcount
        total += deleted
        if deleted < batch:
            return total


def purge_outbox(
    sessions: sessionmaker[Session],
    *,
    retention_days: int,
    batch: int = BATCH,
    now: dt.datetime | None = None,
) -> Purged:
    """Delete dispatched outbox rows and idempotency records older than `retention_days`."""
    cutoff = (now or dt.datetime.now(dt.UTC)) - dt.timedelta(days=retention_days)
    purged = Purged(
        outbox=_delete_in_batches(sessions, _PURGE_OUTBOX, cutoff, batch),
        processed=_delete_in_batches(sessions, _PURGE_PROCESSED, cutoff, batch),
    )
    log.info("outbox purged", outbox=purged.outbox, processed=purged.processed, cutoff=cutoff.isoformat())
    return purged


def make_purge_outbox(deps: WorkerDeps) -> Callable[[], None]:
    def purge_outbox_actor() -> None:
        # A connection of the maintenance role for the length of the job only: it runs once a day.
        engine = make_sync_engine(deps.settings.maint_url(), pool_size=1, max_overflow=0)
        try:
            purge_outbox(sync_session_factory(engine), retention_days=deps.settings.outbox_retention_days)
        finally:
            engine.dispose()

    return purge_outbox_actor
