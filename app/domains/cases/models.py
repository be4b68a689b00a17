"""The electronic case file (lieta): a client's case, the staff assigned to it and its timeline of
activities. Documents and the document register live in `app/documents`."""

from __future__ import annotations

import uuid
from datetime import date, datetime

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.dialects.postgresql import ARRAY, UUID
from sqlalchemy.orm import Mapped, mapped_column

from app.models import Base, TenantOwned, Timestamped, Versioned, tenant_fk


class Case(Versioned, Timestamped, TenantOwned, Base):
    """A case of one client: a person or a household (exactly one). A sensitive case (e.g. a violence
    victim's) is visible only to its responsible worker and assigned staff (`cases/access.py`)."""

    __tablename__ = "cases"
    __table_args__ = (
        UniqueConstraint("tenant_id", "number"),
        tenant_fk("person_id", "persons"),
        tenant_fk("household_id", "households"),
        Index(None, "tenant_id", "person_id"),
        Index(None, "tenant_id", "household_id"),
        Index(None, "tenant_id", "responsible_user_id"),
        CheckConstraint("(person_id IS NULL) <> (household_id IS NULL)", name="one_client"),
        CheckConstraint("closed_on IS NULL OR closed_on >= opened_on", name="period"),
    )

    number: Mapped[str] = mapped_column(String(30))  # "L-2026/00042", from app/numbering.py
    person_id: Mapped[uuid.UUID | None] = mapped_column(UUID(as_uuid=True))
    household_id: Mapped[uuid.UUID | None] = mapped_column(UUID(as_uuid=True))
    title: Mapped[str] = mapped_column(String(200))
    case_types: Mapped[list[str]] = mapped_column(ARRAY(String(30)))
    responsible_user_id: Mapped[uuid.UUID | None] = mapped_column(
        UUID(as_uuid=True), ForeignKey("app.users.id")
    )
    sensitive: Mapped[bool] = mapped_column(Boolean, server_default="false")
    opened_on: Mapped[date] = mapped_column(Date)
    closed_on: Mapped[date | None] = mapped_column(Date)
    close_reason: Mapped[str | None] = mapped_column(String(300))


class CaseAssignment(Timestamped, TenantOwned, Base):
    """Staff other than the responsible worker whose duties need the case."""

    __tablename__ = "case_assignments"
    __table_args__ = (
        tenant_fk("case_id", "cases"),
        UniqueConstraint("tenant_id", "case_id", "user_id"),
        Index(None, "tenant_id", "user_id"),
    )

    case_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True))
    user_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), ForeignKey("app.users.id"))


class CaseEntry(Timestamped, TenantOwned, Base):
    """One item of the case timeline: a note, journal entry, home visit (with findings), consultation,
    phone call or other staff activity, with its date, duration and the staff member who did it."""

    __tablename__ = "case_entries"
    __table_args__ = (
        tenant_fk("case_id", "cases"),
        Index(None, "tenant_id", "case_id", "occurred_on", "id"),
        Index(None, "tenant_id", "staff_user_id", "occurred_on"),  # activity report per worker and period
        CheckConstraint("duration_minutes IS NULL OR duration_minutes BETWEEN 0 AND 1440", name="duration"),
    )

    case_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True))
    kind: Mapped[str] = mapped_column(String(20))  # note, journal, home_visit, consultation, phone_call, …
    occurred_on: Mapped[date] = mapped_column(Date)
    duration_minutes: Mapped[int | None] = mapped_column(Integer)
    staff_user_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), ForeignKey("app.users.id"))
    subject: Mapped[str] = mapped_column(String(200))
    body: Mapped[str | None] = mapped_column(Text)
    findings: Mapped[str | None] = mapped_column(Text)  # home visits: what was found
    created_by: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), ForeignKey("app.users.id"))
    updated_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
