"""Social services: the municipality's service catalogue and the waiting lists for them.

A waiting list is the open entries of one service type (and provider, when places are per provider); the
position of an entry is computed, never stored (`queue_rules.py`), so it cannot go stale. Every change of
an entry is audited by the service that makes it."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import (
    ARRAY,
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
from sqlalchemy.dialects.postgresql import JSONB, UUID
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
    # The steps its service events go through, and the document kinds each step needs (event_rules.py).
    steps: Mapped[list[str]] = mapped_column(
        ARRAY(String(20)), server_default="{requested,assessment,decision,delivery,settlement}"
    )
    documents: Mapped[dict[str, list[str]]] = mapped_column(JSONB, server_default="{}")


class ServicePrice(Timestamped, TenantOwned, Base):
    """A new price of a service from `valid_from` until the next one's day (`ServiceType.price` is the price
    from the service's own first day). Settlements price each delivery at the price in force on its day
    (event_rules.price_on); one price a day per service (a second one on the same day replaces it)."""

    __tablename__ = "service_prices"
    __table_args__ = (
        UniqueConstraint("tenant_id", "service_type_id", "valid_from"),
        tenant_fk("service_type_id", "service_types"),
        CheckConstraint("price >= 0", name="price"),
    )

    service_type_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True))
    valid_from: Mapped[date] = mapped_column(Date)
    price: Mapped[Decimal] = mapped_column(Numeric(12, 2))
    created_by: Mapped[uuid.UUID | None] = mapped_column(UUID(as_uuid=True), ForeignKey("app.users.id"))


class QueueEntry(Versioned, Timestamped, TenantOwned, Base):
    """A person's place in the waiting list of a service type (and provider). One open entry per person
    and list; `registered_at` and `priority` decide the position (queue_rules.py)."""

    __tablename__ = "queue_entries"
    __table_args__ = (
        tenant_fk("service_type_id", "service_types"),
        tenant_fk("person_id", "persons"),
        tenant_fk("provider_id", "provider_registrations"),
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
    # The provider whose places the list is for (its registration in the provider register); none: the
    # municipality's own list of the service.
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


class ServiceEvent(Versioned, Timestamped, TenantOwned, Base):
    """One person's case of one service (numbered "SP-<year>/<n>"): request → needs assessment → decision →
    referral → delivery → settlement, the steps its service type uses (event_rules.py). `step` is the
    step in progress; `completed_at` is set once the last step is done or the request is refused."""

    __tablename__ = "service_events"
    __table_args__ = (
        UniqueConstraint("tenant_id", "number"),
        tenant_fk("service_type_id", "service_types"),
        tenant_fk("person_id", "persons"),
        CheckConstraint(
            "step IN ('requested', 'assessment', 'decision', 'referral', 'delivery', 'settlement')",
            name="step",
        ),
        CheckConstraint("outcome IS NULL OR outcome IN ('granted', 'refused')", name="outcome"),
        CheckConstraint("outcome IS NULL OR reasons IS NOT NULL", name="reasons"),
        CheckConstraint(
            "co_payment_percent IS NULL OR (co_payment_percent >= 0 AND co_payment_percent <= 100)",
            name="co_payment",
        ),
        CheckConstraint("units_granted IS NULL OR units_granted > 0", name="units_granted"),
        Index(None, "tenant_id", "person_id"),
        Index(None, "tenant_id", "service_type_id", "completed_at"),
    )

    number: Mapped[str] = mapped_column(String(30))
    service_type_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True))
    person_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True))
    requested_on: Mapped[date] = mapped_column(Date)
    step: Mapped[str] = mapped_column(String(20), server_default="requested")
    documents: Mapped[list[str]] = mapped_column(ARRAY(String(50)), server_default="{}")  # kinds present
    assessment: Mapped[str | None] = mapped_column(Text)  # the needs found
    outcome: Mapped[str | None] = mapped_column(String(10))
    reasons: Mapped[str | None] = mapped_column(Text)
    decided_on: Mapped[date | None] = mapped_column(Date)
    units_granted: Mapped[Decimal | None] = mapped_column(Numeric(8, 2))  # a month, in the service's unit
    co_payment_percent: Mapped[Decimal | None] = mapped_column(Numeric(5, 2))
    needy: Mapped[bool] = mapped_column(Boolean, server_default="false")  # at the decision: no co-payment
    provider_name: Mapped[str | None] = mapped_column(String(300))
    referred_on: Mapped[date | None] = mapped_column(Date)
    completed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    created_by: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), ForeignKey("app.users.id"))


class ServiceDelivery(Timestamped, TenantOwned, Base):
    """Units of a service delivered to the person on a day (hours of home care, days in a centre)."""

    __tablename__ = "service_deliveries"
    __table_args__ = (
        tenant_fk("event_id", "service_events"),
        CheckConstraint("units > 0", name="units"),
        Index(None, "tenant_id", "event_id", "day"),
    )

    event_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True))
    day: Mapped[date] = mapped_column(Date)
    units: Mapped[Decimal] = mapped_column(Numeric(8, 2))
    note: Mapped[str | None] = mapped_column(String(500))
    recorded_by: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), ForeignKey("app.users.id"))
