"""Social services: the municipality's service catalogue and the waiting lists for them.

A waiting list is the open entries of one service type (and provider, when places are per provider); the
position of an entry is computed, never stored (`queue_rules.py`), so it cannot go stale. Every change of
an entry is audited by the service that makes it."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Numeric,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.dialects.postgresql import UUID
from sqlalchemy.orm import Mapped, mapped_column

from app.models import Base, TenantOwned, Timestamped, Versioned, tenant_fk


class ServiceType(Versioned, Timestamped, TenantOwned, Base):
    """One service of the municipality's catalogue (domain brief §6.2–6.3): who funds it, its unit and
    price, and whether it keeps a waiting list."""

    __tablename__ = "service_types"
    __table_args__ = (
        UniqueConstraint("tenant_id", "code"),
        CheckConstraint("valid_to IS NULL OR valid_to >= valid_from", name="period"),
        CheckConstraint("funding IN ('state', 'municipal', 'co_payment')", name="funding"),
        CheckConstraint("unit IN ('hour', 'day', 'visit', 'month', 'service')", name="unit"),
        CheckConstraint("price IS NULL OR price >= 0", name="price"),
    )

    code: Mapped[str] = mapped_column(String(30))
    name_lv: Mapped[str] = mapped_column(String(200))
    name_en: Mapped[str] = mapped_column(String(200))
    legal_basis: Mapped[str] = mapped_column(String(300))
    funding: Mapped[str] = mapped_column(String(20))
    unit: Mapped[str] = mapped_column(String(20))
    price: Mapped[Decimal | None] = mapped_column(Numeric(12, 2))
    keeps_waiting_list: Mapped[bool] = mapped_column(Boolean, server_default="false")
    valid_from: Mapped[date] = mapped_column(Date)
    valid_to: Mapped[date | None] = mapped_column(Date)


class QueueEntry(Versioned, Timestamped, TenantOwned, Base):
    """A person's place in the waiting list of a service type (and provider). One open entry per person
    and list; `registered_at` and `priority` decide the position (queue_rules.py)."""

    __tablename__ = "queue_entries"
    __table_args__ = (
        tenant_fk("service_type_id", "service_types"),
        tenant_fk("person_id", "persons"),
        CheckConstraint(
            "state IN ('waiting', 'offered', 'postponed', 'admitted', 'withdrawn', 'removed')", name="state"
        ),
        CheckConstraint("(priority_reason IS NOT NULL) = priority", name="priority_reason"),
        CheckConstraint("state <> 'removed' OR reason IS NOT NULL", name="removed_reason"),
        CheckConstraint(
            "(state = 'offered') = (offered_place IS NOT NULL AND offer_answer_by IS NOT NULL)", name="offer"
        ),
        # One open entry per person and list (a provider-less list is its own list).
        Index(
            None,
            "tenant_id",
            "service_type_id",
            text("coalesce(provider_id, '00000000-0000-0000-0000-000000000000'::uuid)"),
            "person_id",
            unique=True,
            postgresql_where=text("state IN ('waiting', 'offered', 'postponed')"),
        ),
        Index(None, "tenant_id", "service_type_id", "provider_id", "registered_at"),
        Index(None, "tenant_id", "person_id"),
    )

    service_type_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True))
    # The provider whose places the list is for; no foreign key until the provider register exists.
    provider_id: Mapped[uuid.UUID | None] = mapped_column(UUID(as_uuid=True))
    person_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True))
    registered_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    priority: Mapped[bool] = mapped_column(Boolean, server_default="false")
    priority_reason: Mapped[str | None] = mapped_column(String(500))
    state: Mapped[str] = mapped_column(String(20), server_default="waiting")
    state_since: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    reason: Mapped[str | None] = mapped_column(Text)  # why removed, withdrawn or postponed
    offered_place: Mapped[str | None] = mapped_column(String(300))
    offer_answer_by: Mapped[date | None] = mapped_column(Date)
    note: Mapped[str | None] = mapped_column(Text)
    created_by: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), ForeignKey("app.users.id"))
