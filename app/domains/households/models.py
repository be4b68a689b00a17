"""Households and families: who lives together over which period, and how persons are related.

A household's members and a person's relationships are tenant-owned like the persons they link."""

from __future__ import annotations

import uuid
from datetime import date

from sqlalchemy import CheckConstraint, Date, Index, String, Text, UniqueConstraint
from sqlalchemy.dialects.postgresql import UUID
from sqlalchemy.orm import Mapped, mapped_column

from app.models import Base, TenantOwned, Timestamped, Versioned, tenant_fk


class Household(Versioned, Timestamped, TenantOwned, Base):
    __tablename__ = "households"

    label: Mapped[str] = mapped_column(String(200))
    note: Mapped[str | None] = mapped_column(Text)


class HouseholdMember(Timestamped, TenantOwned, Base):
    """A person's membership of a household over a period; `left_on` is the last day, inclusive. A person is
    in at most one household of a municipality on any day (checked by the service under a row lock: the
    embedded database ships no btree_gist for an exclusion constraint)."""

    __tablename__ = "household_members"
    __table_args__ = (
        tenant_fk("household_id", "households"),
        tenant_fk("person_id", "persons"),
        Index(None, "tenant_id", "household_id"),
        Index(None, "tenant_id", "person_id"),
        CheckConstraint("left_on IS NULL OR left_on >= joined_on", name="period"),
    )

    household_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True))
    person_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True))
    role: Mapped[str] = mapped_column(String(20))  # head, spouse, partner, child, parent, …
    joined_on: Mapped[date] = mapped_column(Date)
    left_on: Mapped[date | None] = mapped_column(Date)


class Relationship(Timestamped, TenantOwned, Base):
    """One direction of a family relationship; the service always writes and removes both directions
    (parent ↔ child, guardian ↔ ward, spouse ↔ spouse, …) so the graph stays symmetric."""

    __tablename__ = "relationships"
    __table_args__ = (
        tenant_fk("person_id", "persons"),
        tenant_fk("related_person_id", "persons"),
        UniqueConstraint("tenant_id", "person_id", "related_person_id", "kind"),
        CheckConstraint("person_id <> related_person_id", name="not_self"),
    )

    person_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True))
    related_person_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True))
    kind: Mapped[str] = mapped_column(String(20))  # what related_person is to person: parent, child, …
    valid_from: Mapped[date | None] = mapped_column(Date)
    valid_to: Mapped[date | None] = mapped_column(Date)
