"""Declarative base and the tenant mixin shared by every domain's models."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, ForeignKeyConstraint, Integer, MetaData, func
from sqlalchemy.dialects.postgresql import UUID
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from app.ids import uuid7

NAMING = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_N_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(schema="app", naming_convention=NAMING)


class TenantOwned:
    """`PRIMARY KEY (tenant_id, id)` with a UUIDv7 id; RLS is enabled by the migration that creates the
    table (`migrations/rls.py`), and the catalogue test fails if it is forgotten."""

    tenant_id: Mapped[uuid.UUID] = mapped_column(
        UUID(as_uuid=True), ForeignKey("app.tenants.id"), primary_key=True
    )
    id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), primary_key=True, default=uuid7)


class Timestamped:
    created_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now(), nullable=False
    )


class Versioned:
    """Optimistic locking for inline edits: a form carries the version it read; a stale one gets 409."""

    version: Mapped[int] = mapped_column(Integer, nullable=False, default=1, server_default="1")


def tenant_fk(column: str, target: str, **kwargs: object) -> ForeignKeyConstraint:
    """Composite foreign key `(tenant_id, column) → target(tenant_id, id)` (design §3): a row can only ever
    point at a row of its own tenant, and Citus can co-locate the pair."""
    return ForeignKeyConstraint(
        ["tenant_id", column],
        [f"app.{target}.tenant_id", f"app.{target}.id"],
        **kwargs,  # type: ignore[arg-type]
    )
