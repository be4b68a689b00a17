"""The assistant service in the municipality (MK 316; domain brief §7): a person's grant, its assistants and
their monthly reports of hours.

A grant (numbered "AP-<year>/<n>") is a request with its assessment — the facts the hours were computed
from and the explanation (assistant_rules.py) — and then its decision: granted for a period of at most 3
years within the disability period, with the hours a month, or refused. Grants of one person never
overlap; without an exclusion constraint (the embedded PostgreSQL ships no btree_gist) the service keeps
that under a row lock on the person. An assistant works on a grant for a period (`AssistantAssignment`,
with the agreement), and reports the hours of each month; an accepted report carries its pay at the hourly
rate in force on its month (the legal parameter `assistant_hourly_rate`) with the explanation."""

from __future__ import annotations

import uuid
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    ARRAY,
    Boolean,
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    Integer,
    Numeric,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.dialects.postgresql import JSONB, UUID
from sqlalchemy.orm import Mapped, mapped_column

from app.models import Base, TenantOwned, Timestamped, Versioned, tenant_fk


class AssistantGrant(Versioned, Timestamped, TenantOwned, Base):
    """A person's request for the assistant service, its assessment and decision (asistenta pakalpojums)."""

    __tablename__ = "assistant_grants"
    __table_args__ = (
        UniqueConstraint("tenant_id", "number"),
        tenant_fk("person_id", "persons"),
        CheckConstraint("status IN ('requested', 'granted', 'refused')", name="status"),
        CheckConstraint("assessed_hours >= 0", name="assessed_hours"),
        CheckConstraint("monthly_hours IS NULL OR monthly_hours > 0", name="monthly_hours"),
        CheckConstraint("valid_to IS NULL OR valid_to > valid_from", name="period"),
        # MK 316: at most 3 years (the same day 3 years on is already outside).
        CheckConstraint("valid_to IS NULL OR valid_to < valid_from + interval '3 years'", name="three_years"),
        CheckConstraint(
            "(status = 'granted') = "
            "(valid_from IS NOT NULL AND valid_to IS NOT NULL AND monthly_hours IS NOT NULL)",
            name="granted",
        ),
        CheckConstraint(
            "status = 'requested' OR (reasons IS NOT NULL AND decided_on IS NOT NULL)", name="decided"
        ),
        # One undecided request per person.
        Index(
            "ix_assistant_grants_one_request",
            "tenant_id",
            "person_id",
            unique=True,
            postgresql_where=text("status = 'requested'"),
        ),
        Index(None, "tenant_id", "person_id"),
        Index(None, "tenant_id", "status", "valid_to"),
    )

    number: Mapped[str] = mapped_column(String(30))
    person_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True))
    requested_on: Mapped[date] = mapped_column(Date)
    # The assessment's facts (what the hours were computed from) and its result.
    purposes: Mapped[list[str]] = mapped_column(ARRAY(String(30)), server_default="{}")
    higher_intensity: Mapped[bool] = mapped_column(Boolean, server_default="false")
    procedures: Mapped[bool] = mapped_column(Boolean, server_default="false")  # a child: regular procedures
    special_care_opinion: Mapped[bool] = mapped_column(Boolean, server_default="false")  # a child: VDEĀVK
    limitation: Mapped[bool] = mapped_column(Boolean, server_default="false")  # an adult: a named limitation
    age: Mapped[int | None] = mapped_column(Integer)  # on the request day
    disability_group: Mapped[int | None] = mapped_column(Integer)  # on the request day; None: none, a child's
    assessed_hours: Mapped[Decimal] = mapped_column(Numeric(6, 2), server_default="0")
    explanation: Mapped[list[dict[str, Any]]] = mapped_column(JSONB, server_default="[]")
    refusals: Mapped[list[str]] = mapped_column(ARRAY(Text), server_default="{}")  # why not eligible (msgids)
    # The decision.
    status: Mapped[str] = mapped_column(String(20), server_default="requested")
    reasons: Mapped[str | None] = mapped_column(Text)
    decided_on: Mapped[date | None] = mapped_column(Date)
    decided_by: Mapped[uuid.UUID | None] = mapped_column(UUID(as_uuid=True), ForeignKey("app.users.id"))
    valid_from: Mapped[date | None] = mapped_column(Date)
    valid_to: Mapped[date | None] = mapped_column(Date)
    monthly_hours: Mapped[Decimal | None] = mapped_column(Numeric(6, 2))  # granted
    created_by: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), ForeignKey("app.users.id"))


class Assistant(Timestamped, TenantOwned, Base):
    """An assistant of the municipality: a person of the register (then `person_id`) or only named, always
    with the personal code the agreement and the pay need."""

    __tablename__ = "assistants"
    __table_args__ = (
        UniqueConstraint("tenant_id", "personal_code"),
        tenant_fk("person_id", "persons"),
    )

    person_id: Mapped[uuid.UUID | None] = mapped_column(UUID(as_uuid=True))
    first_name: Mapped[str] = mapped_column(String(100))
    last_name: Mapped[str] = mapped_column(String(100))
    personal_code: Mapped[str] = mapped_column(String(12))  # 11 digits, no hyphen
    phone: Mapped[str | None] = mapped_column(String(30))


class AssistantAssignment(Timestamped, TenantOwned, Base):
    """An assistant working on a grant from `valid_from` (to `valid_to` once ended), under an agreement
    signed on `agreement_on` (paid at the national hourly rate in force on each month reported)."""

    __tablename__ = "assistant_assignments"
    __table_args__ = (
        tenant_fk("grant_id", "assistant_grants"),
        tenant_fk("assistant_id", "assistants"),
        CheckConstraint("valid_to IS NULL OR valid_to >= valid_from", name="period"),
        Index(None, "tenant_id", "grant_id"),
        Index(None, "tenant_id", "assistant_id"),
    )

    grant_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True))
    assistant_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True))
    agreement_on: Mapped[date] = mapped_column(Date)
    valid_from: Mapped[date] = mapped_column(Date)
    valid_to: Mapped[date | None] = mapped_column(Date)
    created_by: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), ForeignKey("app.users.id"))


class AssistantReport(Versioned, Timestamped, TenantOwned, Base):
    """The hours an assistant worked on a grant in one month (`month` is its first day): submitted, then
    accepted (the hours accepted, the rate and the pay with its explanation) or rejected with a reason."""

    __tablename__ = "assistant_reports"
    __table_args__ = (
        UniqueConstraint("tenant_id", "grant_id", "assistant_id", "month"),
        tenant_fk("grant_id", "assistant_grants"),
        tenant_fk("assistant_id", "assistants"),
        tenant_fk("assignment_id", "assistant_assignments"),
        CheckConstraint("hours > 0", name="hours"),
        CheckConstraint("extract(day from month) = 1", name="month"),
        CheckConstraint("status IN ('submitted', 'accepted', 'rejected')", name="status"),
        CheckConstraint(
            "(status = 'accepted') = "
            "(accepted_hours IS NOT NULL AND hourly_rate IS NOT NULL AND pay IS NOT NULL)",
            name="accepted",
        ),
        CheckConstraint(
            "accepted_hours IS NULL OR (accepted_hours > 0 AND accepted_hours <= hours)",
            name="accepted_hours",
        ),
        CheckConstraint("status <> 'rejected' OR reason IS NOT NULL", name="rejected"),
        Index(None, "tenant_id", "grant_id", "month"),
    )

    grant_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True))
    assistant_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True))
    assignment_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True))
    month: Mapped[date] = mapped_column(Date)
    hours: Mapped[Decimal] = mapped_column(Numeric(6, 2))
    notes: Mapped[str | None] = mapped_column(Text)  # what the hours were used for
    status: Mapped[str] = mapped_column(String(20), server_default="submitted")
    accepted_hours: Mapped[Decimal | None] = mapped_column(Numeric(6, 2))
    hourly_rate: Mapped[Decimal | None] = mapped_column(Numeric(8, 2))
    pay: Mapped[Decimal | None] = mapped_column(Numeric(12, 2))
    pay_explanation: Mapped[list[dict[str, Any]] | None] = mapped_column(JSONB)
    reason: Mapped[str | None] = mapped_column(Text)  # why rejected
    decided_on: Mapped[date | None] = mapped_column(Date)
    decided_by: Mapped[uuid.UUID | None] = mapped_column(UUID(as_uuid=True), ForeignKey("app.users.id"))
    submitted_by: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), ForeignKey("app.users.id"))
