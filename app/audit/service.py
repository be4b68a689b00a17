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
    entry = ChangeLog(
        tenant_id=_tenant(session),
        actor_user_id=actor_user_id,
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
