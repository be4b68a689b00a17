"""Scheduling side effects: a row in the act's transaction, moved to Dramatiq by the relay after commit."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Session

from app.ids import uuid7
from app.notifications.models import OutboxMessage


def enqueue(session: AsyncSession | Session, actor: str, payload: dict[str, Any]) -> uuid.UUID:
    tenant = session.info.get("tenant_id")
    if tenant is None:
        raise RuntimeError("the outbox needs a tenant-bound session")
    message = OutboxMessage(tenant_id=tenant, id=uuid7(), actor=actor, payload=payload)
    session.add(message)
    return message.id
