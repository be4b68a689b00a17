"""The change log and the access log. Both are append-only for the app role (no UPDATE, no DELETE)."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import DateTime, Index, String, func
from sqlalchemy.dialects.postgresql import JSONB, UUID
from sqlalchemy.orm import Mapped, mapped_column

from app.models import Base, TenantOwned


class ChangeLog(TenantOwned, Base):
    __tablename__ = "change_log"
    __table_args__ = (
        Index(None, "tenant_id", "entity_type", "entity_id"),
        # Keyset pages of the audit viewer, newest first (migration 0002).
        Index(None, "tenant_id", "occurred_at", "id"),
        Index(None, "tenant_id", "actor_user_id", "occurred_at", "id"),
    )

    occurred_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    actor_user_id: Mapped[uuid.UUID | None] = mapped_column(UUID(as_uuid=True))
    # A partner system acting through the API (app.api_clients; no staff user): who handed what over.
    actor_client_id: Mapped[uuid.UUID | None] = mapped_column(UUID(as_uuid=True))
    action: Mapped[str] = mapped_column(String(100))  # typed event name, e.g. "people:person:create"
    entity_type: Mapped[str] = mapped_column(String(100))
    entity_id: Mapped[uuid.UUID | None] = mapped_column(UUID(as_uuid=True))
    before: Mapped[dict[str, Any] | None] = mapped_column(JSONB)
    after: Mapped[dict[str, Any] | None] = mapped_column(JSONB)


class AccessLog(TenantOwned, Base):
    """Who looked at which person, when and why; shown to the person through the e-services."""

    __tablename__ = "access_log"
    __table_args__ = (
        Index(None, "tenant_id", "occurred_at", "id"),
        Index(None, "tenant_id", "user_id", "occurred_at", "id"),
        Index(None, "tenant_id", "person_id", "occurred_at", "id"),
    )

    occurred_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    user_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True))
    person_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True))
    purpose: Mapped[str] = mapped_column(String(100))
    context: Mapped[str | None] = mapped_column(String(300))
