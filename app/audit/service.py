"""Writing the change log and the access log, always inside the act's own transaction: a failed act
rolls its audit rows back with it."""

from __future__ import annotations

import datetime as dt
import decimal
import enum
import uuid
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Session

from app.audit.models import AccessLog, ChangeLog


def jsonable(value: Any) -> Any:
    """Audit snapshots are JSON: dates ISO, money as decimal strings, ids as text."""
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [jsonable(v) for v in value]
    if isinstance(value, uuid.UUID | decimal.Decimal | dt.date | dt.datetime):
        return value.isoformat() if isinstance(value, dt.date) else str(value)
    if isinstance(value, enum.Enum):
        return value.value
    return value


def _tenant(session: AsyncSession | Session) -> uuid.UUID:
    tenant = session.info.get("tenant_id")
    if tenant is None:
        raise RuntimeError("audit needs a tenant-bound session")
    return tenant


def record_change(
    session: AsyncSession | Session,
    *,
    actor_user_id: uuid.UUID | None,
    action: str,
    entity_type: str,
    entity_id: uuid.UUID | None,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
) -> ChangeLog:
    """One change-log row. In a request of a partner system (`session.info["api_client_id"]`, set by the
    unit of work from the principal), the row names that API client as the actor; the partner's
    `Actor.user_id` is the client's id, not a user, so it is not written as one."""
    client = session.info.get("api_client_id")
    if client is not None and actor_user_id == client:
        actor_user_id = None
    entry = ChangeLog(
        tenant_id=_tenant(session),
        actor_user_id=actor_user_id,
        actor_client_id=client,
        action=action,
        entity_type=entity_type,
        entity_id=entity_id,
        before=jsonable(before) if before is not None else None,
        after=jsonable(after) if after is not None else None,
    )
    session.add(entry)
    return entry


def record_access(
    session: AsyncSession | Session,
    *,
    user_id: uuid.UUID,
    person_id: uuid.UUID,
    purpose: str,
    context: str | None = None,
) -> AccessLog:
    entry = AccessLog(
        tenant_id=_tenant(session), user_id=user_id, person_id=person_id, purpose=purpose, context=context
    )
    session.add(entry)
    return entry
