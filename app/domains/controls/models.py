"""Data controls: the alerts the rules raise (one open alert per rule and record) and the record of each
run of the rules for a municipality."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import DateTime, ForeignKey, Index, Integer, String, func, text
from sqlalchemy.dialects.postgresql import JSONB, UUID
from sqlalchemy.orm import Mapped, mapped_column

from app.models import Base, TenantOwned


class ControlAlert(TenantOwned, Base):
    """A rule's finding about one record: opened when first seen, kept while the rule keeps finding it
    (`last_seen_at`), resolved when a run no longer does. `details` are plain values for the message
    (names, dates, the other municipality's name), never another municipality's records."""

    __tablename__ = "control_alerts"
    __table_args__ = (
        # One open alert per rule and record: a run that finds it again only updates last_seen_at.
        Index(
            "uq_control_alerts_open",
            "tenant_id",
            "rule",
            "record_id",
            unique=True,
            postgresql_where=text("resolved_at IS NULL"),
        ),
        Index(None, "tenant_id", "responsible_user_id"),
    )

    rule: Mapped[str] = mapped_column(String(40))
    record_kind: Mapped[str] = mapped_column(String(30))  # benefit_grant, person, case
    record_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True))
    responsible_user_id: Mapped[uuid.UUID | None] = mapped_column(
        UUID(as_uuid=True), ForeignKey("app.users.id")
    )
    details: Mapped[dict[str, Any]] = mapped_column(JSONB, server_default="{}")
    link: Mapped[str | None] = mapped_column(String(500))
    first_seen_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    last_seen_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    resolved_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class ControlRun(TenantOwned, Base):
    """One run of every rule for the municipality: when, why (the nightly schedule or a change), and what
    it found. A change-triggered run is skipped when a later run has already started (debouncing)."""

    __tablename__ = "control_runs"
    __table_args__ = (Index(None, "tenant_id", "started_at"),)

    trigger: Mapped[str] = mapped_column(String(20))  # schedule, change
    started_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    finished_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    hits: Mapped[int] = mapped_column(Integer, server_default="0")
    opened: Mapped[int] = mapped_column(Integer, server_default="0")
    resolved: Mapped[int] = mapped_column(Integer, server_default="0")
    # Rules that failed in this run ({rule: error}); the others still ran.
    failures: Mapped[dict[str, Any]] = mapped_column(JSONB, server_default="{}")
