"""Persons (klienti): identity, contacts, addresses and periods (disability, pension), former codes,
and the import jobs that bring them in from incumbent systems.

Every table is tenant-owned: the same human being known to two municipalities is two rows, one in each,
linked only by the personal code through audited cross-municipality acts (design §3)."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    UniqueConstraint,
    func,
)
from sqlalchemy.dialects.postgresql import JSONB, UUID
from sqlalchemy.orm import Mapped, mapped_column

from app.models import Base, TenantOwned, Timestamped, Versioned, tenant_fk


class Person(Versioned, Timestamped, TenantOwned, Base):
    __tablename__ = "persons"
    __table_args__ = (
        UniqueConstraint("tenant_id", "personal_code"),
        UniqueConstraint("tenant_id", "other_id_kind", "other_id"),
        # Name "starts with" search as a range on a stored normalised column: a leakproof btree
        # condition, so it stays an index condition under RLS (design §4).
        Index(None, "tenant_id", "name_norm"),
        CheckConstraint("(other_id IS NULL) = (other_id_kind IS NULL)", name="other_id_pair"),
    )

    personal_code: Mapped[str | None] = mapped_column(String(12))  # 11 digits, no hyphen
    # Persons without a Latvian code (foreigners): passport, residence permit, foreign personal code.
    other_id_kind: Mapped[str | None] = mapped_column(String(20))
    other_id: Mapped[str | None] = mapped_column(String(40))
    first_name: Mapped[str] = mapped_column(String(100))
    last_name: Mapped[str] = mapped_column(String(100))
    # normalise_name(last, first); collation "C" so that a prefix is exactly a byte range of the index
    name_norm: Mapped[str] = mapped_column(String(201, collation="C"))
    birth_date: Mapped[date | None] = mapped_column(Date)
    sex: Mapped[str | None] = mapped_column(String(1))
    citizenship: Mapped[str | None] = mapped_column(String(3))  # ISO 3166-1 alpha-3, e.g. LVA
    legal_status: Mapped[str | None] = mapped_column(String(30))  # citizen, non_citizen, permanent_resident…
    preferred_language: Mapped[str] = mapped_column(String(2), server_default="lv")
    phone: Mapped[str | None] = mapped_column(String(30))
    email: Mapped[str | None] = mapped_column(String(254))
    died_on: Mapped[date | None] = mapped_column(Date)
    updated_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), onupdate=func.now())


class FormerPersonalCode(Timestamped, TenantOwned, Base):
    """A person's earlier codes (an old-format code may be exchanged once for a new one, domain brief §13.1):
    historical records keep them, and search by code finds the person through them."""

    __tablename__ = "former_personal_codes"
    __table_args__ = (UniqueConstraint("tenant_id", "code"), tenant_fk("person_id", "persons"))

    person_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True))
    code: Mapped[str] = mapped_column(String(12))
    replaced_on: Mapped[date] = mapped_column(Date)


class PersonAddress(Timestamped, TenantOwned, Base):
    """Declared (deklarētā) or actual (faktiskā) address over a period; `valid_to` is the last day,
    inclusive."""

    __tablename__ = "person_addresses"
    __table_args__ = (
        tenant_fk("person_id", "persons"),
        Index(None, "tenant_id", "person_id"),
        Index(None, "tenant_id", "address_norm"),  # "starts with" search, as for names
        CheckConstraint("valid_to IS NULL OR valid_to >= valid_from", name="period"),
    )

    person_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True))
    kind: Mapped[str] = mapped_column(String(10))  # declared | actual
    line: Mapped[str] = mapped_column(String(200))  # street, house, flat: "Brīvības iela 12-5"
    locality: Mapped[str | None] = mapped_column(String(100))  # city, town, parish
    postal_code: Mapped[str | None] = mapped_column(String(10))  # LV-1010
    atvk: Mapped[str | None] = mapped_column(String(7))  # territorial code of the municipality
    address_norm: Mapped[str] = mapped_column(String(310, collation="C"))
    valid_from: Mapped[date] = mapped_column(Date)
    valid_to: Mapped[date | None] = mapped_column(Date)


class PersonFlag(Timestamped, TenantOwned, Base):
    """A period in which a person has a status that rules depend on: disability (with its group) or
    pensioner (with the pension type)."""

    __tablename__ = "person_flags"
    __table_args__ = (
        tenant_fk("person_id", "persons"),
        Index(None, "tenant_id", "person_id"),
        CheckConstraint("valid_to IS NULL OR valid_to >= valid_from", name="period"),
    )

    person_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True))
    kind: Mapped[str] = mapped_column(String(20))  # disability | pensioner
    detail: Mapped[str | None] = mapped_column(String(50))  # disability group I/II/III, pension type
    valid_from: Mapped[date] = mapped_column(Date)
    valid_to: Mapped[date | None] = mapped_column(Date)


class ImportJob(Timestamped, TenantOwned, Base):
    """An upload of persons and households from an incumbent system's export, validated (dry run) and then
    committed all-or-nothing by a worker; the page polls `processed_rows` for its progress bar."""

    __tablename__ = "import_jobs"
    __table_args__ = (Index(None, "tenant_id", "created_at"),)

    created_by: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), ForeignKey("app.users.id"))
    filename: Mapped[str] = mapped_column(String(255))
    content: Mapped[bytes | None] = mapped_column(LargeBinary)  # dropped once the job is finished
    dry_run: Mapped[bool] = mapped_column(Boolean, server_default="true")
    status: Mapped[str] = mapped_column(String(20), server_default="queued")  # queued, running, valid, …
    total_rows: Mapped[int] = mapped_column(Integer, server_default="0")
    processed_rows: Mapped[int] = mapped_column(Integer, server_default="0")
    error_count: Mapped[int] = mapped_column(Integer, server_default="0")
    errors: Mapped[list[dict[str, Any]] | None] = mapped_column(JSONB)  # [{row, column, message}]
    summary: Mapped[dict[str, Any] | None] = mapped_column(JSONB)
    finished_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
