"""Stored documents (uploads now, generated PDFs later) and the register of incoming and outgoing
documents. File bytes live in the database beside their metadata: under the same row-level security, in
the same transaction (no orphan file after a failed act), in a table of their own so lists never load them."""

from __future__ import annotations

import uuid
from datetime import date

from sqlalchemy import (
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    UniqueConstraint,
)
from sqlalchemy.dialects.postgresql import UUID
from sqlalchemy.orm import Mapped, mapped_column

from app.models import Base, TenantOwned, Timestamped, tenant_fk


class Document(Timestamped, TenantOwned, Base):
    __tablename__ = "documents"
    __table_args__ = (
        tenant_fk("case_id", "cases"),
        tenant_fk("person_id", "persons"),
        Index(None, "tenant_id", "case_id"),
        Index(None, "tenant_id", "person_id"),
        CheckConstraint("size_bytes >= 0", name="size"),
    )

    case_id: Mapped[uuid.UUID | None] = mapped_column(UUID(as_uuid=True))
    person_id: Mapped[uuid.UUID | None] = mapped_column(UUID(as_uuid=True))
    title: Mapped[str] = mapped_column(String(200))
    filename: Mapped[str] = mapped_column(String(255))
    content_type: Mapped[str] = mapped_column(String(100))
    size_bytes: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    uploaded_by: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), ForeignKey("app.users.id"))


class DocumentContent(TenantOwned, Base):
    """The bytes of a document; `id` is the document's id."""

    __tablename__ = "document_contents"
    __table_args__ = (tenant_fk("id", "documents"),)

    content: Mapped[bytes] = mapped_column(LargeBinary)


class RegisterEntry(Timestamped, TenantOwned, Base):
    """The register of incoming (in) and outgoing (out) documents: number, date, correspondent, subject."""

    __tablename__ = "document_register"
    __table_args__ = (
        UniqueConstraint("tenant_id", "number"),
        tenant_fk("case_id", "cases"),
        tenant_fk("document_id", "documents"),
        Index(None, "tenant_id", "registered_on", "id"),
        Index(None, "tenant_id", "case_id"),
        CheckConstraint("direction IN ('in', 'out')", name="direction"),
    )

    direction: Mapped[str] = mapped_column(String(3))
    number: Mapped[str] = mapped_column(String(30))  # "IEN-2026/00017", from app/numbering.py
    registered_on: Mapped[date] = mapped_column(Date)
    document_date: Mapped[date | None] = mapped_column(Date)
    correspondent: Mapped[str] = mapped_column(String(200))
    subject: Mapped[str] = mapped_column(String(300))
    case_id: Mapped[uuid.UUID | None] = mapped_column(UUID(as_uuid=True))
    document_id: Mapped[uuid.UUID | None] = mapped_column(UUID(as_uuid=True))
    created_by: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), ForeignKey("app.users.id"))


class NumberSequence(TenantOwned, Base):
    """Per-tenant, per-year counters for registration numbers (cases, register entries, decisions)."""

    __tablename__ = "number_sequences"
    __table_args__ = (UniqueConstraint("tenant_id", "name", "year"),)

    name: Mapped[str] = mapped_column(String(30))
    year: Mapped[int] = mapped_column(Integer)
    last_value: Mapped[int] = mapped_column(Integer)
