"""The transactional outbox and the record of processed messages that makes actors idempotent."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import CheckConstraint, DateTime, ForeignKey, Index, Integer, String, Text, func, text
from sqlalchemy.dialects.postgresql import JSONB, UUID
from sqlalchemy.orm import Mapped, mapped_column

from app.models import Base, TenantOwned, tenant_fk


class OutboxMessage(TenantOwned, Base):
    __tablename__ = "outbox"
    __table_args__ = (
        # The relay's scan: pending rows in creation order, across tenants.
        Index("ix_outbox_pending", "created_at", postgresql_where=text("dispatched_at IS NULL")),
    )

    actor: Mapped[str] = mapped_column(String(100))
    payload: Mapped[dict[str, Any]] = mapped_column(JSONB)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    dispatched_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    attempts: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    last_error: Mapped[str | None] = mapped_column(Text)


class ProcessedMessage(Base):
    """One row per outbox message an actor finished; the primary key makes a second run a no-op."""

    __tablename__ = "processed_messages"

    tenant_id: Mapped[uuid.UUID] = mapped_column(
        UUID(as_uuid=True), ForeignKey("app.tenants.id"), primary_key=True
    )
    message_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), primary_key=True)
    actor: Mapped[str] = mapped_column(String(100))
    processed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


# --- the delivery log (issue 6) ---------------------------------------------------------------------------

# Channels and statuses are plain strings with CHECK constraints (the migration carries the same lists).
EMAIL, SMS, EADDRESS = "email", "sms", "eaddress"
CHANNELS = (EMAIL, SMS, EADDRESS)
QUEUED, SENT, FAILED, GIVEN_UP, UNUSABLE = "queued", "sent", "failed", "given_up", "unusable"
STATUSES = (QUEUED, SENT, FAILED, GIVEN_UP, UNUSABLE)


class NotificationMessage(TenantOwned, Base):
    """One notice to one recipient over one channel, rendered once and kept as sent (the delivery log).

    `outbox_id` is the outbox message currently responsible for delivering it, and the e-mail's
    Message-ID; a retry from the admin page gives the message a new one, so a late run of the old one
    does nothing. `last_error` is an N_() msgid shown to staff; `last_error_detail` the provider's words."""

    __tablename__ = "notification_messages"
    __table_args__ = (
        tenant_fk("person_id", "persons"),
        CheckConstraint("channel IN ('email', 'sms', 'eaddress')", name="channel"),
        CheckConstraint("status IN ('queued', 'sent', 'failed', 'given_up', 'unusable')", name="status"),
        CheckConstraint("attempts >= 0", name="attempts"),
        Index(None, "tenant_id", "created_at", "id"),  # the log, newest first
        Index(None, "tenant_id", "status", "created_at", "id"),  # the log filtered by status
        Index(None, "tenant_id", "person_id"),
    )

    event: Mapped[str] = mapped_column(String(60))
    channel: Mapped[str] = mapped_column(String(20))
    person_id: Mapped[uuid.UUID | None] = mapped_column(UUID(as_uuid=True))
    user_id: Mapped[uuid.UUID | None] = mapped_column(UUID(as_uuid=True), ForeignKey("app.users.id"))
    address: Mapped[str | None] = mapped_column(String(320))
    language: Mapped[str] = mapped_column(String(5))
    subject: Mapped[str | None] = mapped_column(Text)
    text: Mapped[str | None] = mapped_column(Text)
    html: Mapped[str | None] = mapped_column(Text)
    sms_text: Mapped[str | None] = mapped_column(Text)
    link: Mapped[str | None] = mapped_column(String(500))
    status: Mapped[str] = mapped_column(String(20))
    attempts: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    last_error: Mapped[str | None] = mapped_column(String(300))
    last_error_detail: Mapped[str | None] = mapped_column(Text)
    outbox_id: Mapped[uuid.UUID | None] = mapped_column(UUID(as_uuid=True))
    provider_id: Mapped[str | None] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    last_attempt_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    sent_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class ContactProblem(TenantOwned, Base):
    """A person's (or staff member's) contact that a channel cannot use, with the reason staff see.

    One open row per recipient, channel and address; found again, it only gets a new `last_seen_at`.
    Resolved when a message over that channel later reaches the recipient."""

    __tablename__ = "contact_problems"
    __table_args__ = (
        tenant_fk("person_id", "persons"),
        CheckConstraint("channel IN ('email', 'sms', 'eaddress')", name="channel"),
        Index(None, "tenant_id", "found_at", "id", postgresql_where=text("resolved_at IS NULL")),
        Index(None, "tenant_id", "person_id", "channel"),
    )

    person_id: Mapped[uuid.UUID | None] = mapped_column(UUID(as_uuid=True))
    user_id: Mapped[uuid.UUID | None] = mapped_column(UUID(as_uuid=True), ForeignKey("app.users.id"))
    channel: Mapped[str] = mapped_column(String(20))
    address: Mapped[str | None] = mapped_column(String(320))
    reason: Mapped[str] = mapped_column(String(300))
    detail: Mapped[str | None] = mapped_column(Text)
    found_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    last_seen_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    resolved_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
