"""The staff inbox (in-app notifications) and the record of reminders already sent."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Any

from sqlalchemy import Date, DateTime, ForeignKey, Index, String, UniqueConstraint, func, text
from sqlalchemy.dialects.postgresql import JSONB, UUID
from sqlalchemy.orm import Mapped, mapped_column

from app.models import Base, TenantOwned, Timestamped


class InboxItem(Timestamped, TenantOwned, Base):
    """One notice for one staff member. The title is an English msgid with its parameters (translated when
    shown, so it reads in the reader's language); the link is a path inside the app. A `dedup_key` makes
    publishing the same notice twice a no-op."""

    __tablename__ = "inbox_items"
    __table_args__ = (
        UniqueConstraint("tenant_id", "user_id", "dedup_key"),
        Index(None, "tenant_id", "user_id", "id"),
        # The header's badge counts these on every page.
        Index("ix_inbox_items_unread", "tenant_id", "user_id", postgresql_where=text("read_at IS NULL")),
    )

    user_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), ForeignKey("app.users.id"))
    event: Mapped[str] = mapped_column(String(60))
    title: Mapped[str] = mapped_column(String(300))
    params: Mapped[dict[str, Any]] = mapped_column(JSONB, server_default="{}")
    link: Mapped[str | None] = mapped_column(String(500))
    dedup_key: Mapped[str | None] = mapped_column(String(200))
    read_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class ReminderSent(TenantOwned, Base):
    """A reminder about one record's period (a status or benefit ending on `period_end`) went out: the
    daily job sends each one once, however often it runs, and again only for a new period."""

    __tablename__ = "reminders_sent"
    __table_args__ = (UniqueConstraint("tenant_id", "kind", "record_id", "period_end"),)

    kind: Mapped[str] = mapped_column(String(30))  # status_expiring, benefit_expiring
    record_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True))
    period_end: Mapped[date] = mapped_column(Date)
    sent_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
