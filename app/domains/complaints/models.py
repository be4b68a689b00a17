"""Complaints, submissions and suggestions received by the social service (sūdzības, iesniegumi,
priekšlikumi): registered with a number, assigned to a worker, answered by the deadline and closed.

Staff register them today; the e-services API will register citizens' ones through the same service
(`channel` "eservice", `created_by` empty)."""

from __future__ import annotations

import uuid
from datetime import date

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.dialects.postgresql import UUID
from sqlalchemy.orm import Mapped, deferred, mapped_column

from app.models import Base, TenantOwned, Timestamped, Versioned, tenant_fk


class Complaint(Versioned, Timestamped, TenantOwned, Base):
    """One submission: who sent it (a client of the register, a name and contact, or nobody — anonymous),
    what it says, who answers it by when, and the answer."""

    __tablename__ = "complaints"
    __table_args__ = (
        UniqueConstraint("tenant_id", "number"),
        tenant_fk("person_id", "persons"),
        Index(None, "tenant_id", "status", "due_on"),  # the open and overdue lists, the reminders
        Index(None, "tenant_id", "assigned_to"),
        Index(None, "tenant_id", "received_on"),
        Index(None, "tenant_id", "person_id"),
        CheckConstraint("kind IN ('complaint', 'application', 'suggestion')", name="kind"),
        CheckConstraint("channel IN ('in_person', 'post', 'email', 'eservice')", name="channel"),
        CheckConstraint("status IN ('registered', 'assigned', 'answered', 'closed')", name="status"),
        CheckConstraint("due_on >= received_on", name="due"),
        CheckConstraint("status <> 'answered' OR answer IS NOT NULL", name="answered"),
        CheckConstraint(
            "NOT anonymous OR (person_id IS NULL AND submitter_name IS NULL AND kind <> 'application')",
            name="anonymous",
        ),
    )

    number: Mapped[str] = mapped_column(String(30))  # "S-2026/00042"
    kind: Mapped[str] = mapped_column(String(20))
    channel: Mapped[str] = mapped_column(String(20), server_default="in_person")
    received_on: Mapped[date] = mapped_column(Date)
    subject: Mapped[str] = mapped_column(String(200))
    text: Mapped[str] = mapped_column(Text)
    anonymous: Mapped[bool] = mapped_column(Boolean, server_default="false")
    person_id: Mapped[uuid.UUID | None] = mapped_column(UUID(as_uuid=True))  # a client of the register
    submitter_name: Mapped[str | None] = mapped_column(String(200))  # someone not in the register
    submitter_contact: Mapped[str | None] = mapped_column(String(300))  # address, e-mail or phone
    assigned_to: Mapped[uuid.UUID | None] = mapped_column(UUID(as_uuid=True), ForeignKey("app.users.id"))
    due_on: Mapped[date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(20), server_default="registered")
    answer: Mapped[str | None] = mapped_column(Text)
    answered_on: Mapped[date | None] = mapped_column(Date)
    answered_by: Mapped[uuid.UUID | None] = mapped_column(UUID(as_uuid=True), ForeignKey("app.users.id"))
    closed_on: Mapped[date | None] = mapped_column(Date)
    closed_by: Mapped[uuid.UUID | None] = mapped_column(UUID(as_uuid=True), ForeignKey("app.users.id"))
    created_by: Mapped[uuid.UUID | None] = mapped_column(UUID(as_uuid=True), ForeignKey("app.users.id"))


class ComplaintAttachment(Timestamped, TenantOwned, Base):
    """A file sent with a submission (through the e-services). The bytes sit beside their metadata, deferred
    so lists never load them, under the same row-level security and in the submission's transaction."""

    __tablename__ = "complaint_attachments"
    __table_args__ = (
        tenant_fk("complaint_id", "complaints"),
        UniqueConstraint("tenant_id", "complaint_id", "position"),
        CheckConstraint("size_bytes > 0", name="size"),
    )

    complaint_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True))
    position: Mapped[int] = mapped_column(Integer)  # 0, 1, …: the order they were sent in
    filename: Mapped[str] = mapped_column(String(255))
    content_type: Mapped[str] = mapped_column(String(100))
    size_bytes: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    content: Mapped[bytes] = deferred(mapped_column(LargeBinary, nullable=False))
