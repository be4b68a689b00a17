"""Audit entries written straight into a municipality's logs (the services write them in real acts)."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from sqlalchemy.orm import Session, sessionmaker

from app.audit.models import AccessLog, ChangeLog
from app.db import sync_tenant_uow


def add_changes(
    sessions: sessionmaker[Session], tenant_id: uuid.UUID, count: int = 1, **fields: Any
) -> list[uuid.UUID]:
    """`count` change-log entries in one transaction. Without `occurred_at` they share the transaction's
    time, as the entries of one act do."""
    fields = {"action": "test:thing:update", "entity_type": "thing", **fields}
    with sync_tenant_uow(sessions, tenant_id) as s:
        entries = [ChangeLog(tenant_id=tenant_id, **fields) for _ in range(count)]
        s.add_all(entries)
        s.flush()
        return [e.id for e in entries]


def add_access(
    sessions: sessionmaker[Session],
    tenant_id: uuid.UUID,
    *,
    user_id: uuid.UUID,
    person_id: uuid.UUID,
    purpose: str = "api",
    occurred_at: dt.datetime | None = None,
) -> uuid.UUID:
    extra = {"occurred_at": occurred_at} if occurred_at else {}
    with sync_tenant_uow(sessions, tenant_id) as s:
        entry = AccessLog(tenant_id=tenant_id, user_id=user_id, person_id=person_id, purpose=purpose, **extra)
        s.add(entry)
        s.flush()
        return entry.id
