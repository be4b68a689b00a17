"""Registration numbers: per-tenant, per-year counters, allocated inside the act's transaction so that a
failed act gives its number back (the row lock on the counter serialises concurrent acts of one tenant)."""

from __future__ import annotations

import uuid

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from app.ids import uuid7

_NEXT = text(
    "INSERT INTO app.number_sequences (tenant_id, id, name, year, last_value) "
    "VALUES (:tenant_id, :id, :name, :year, 1) "
    "ON CONFLICT (tenant_id, name, year) DO UPDATE SET last_value = number_sequences.last_value + 1 "
    "RETURNING last_value"
)


async def next_number(session: AsyncSession, tenant_id: uuid.UUID, name: str, year: int) -> int:
    result = await session.execute(_NEXT, {"tenant_id": tenant_id, "id": uuid7(), "name": name, "year": year})
    return int(result.scalar_one())


def format_number(prefix: str, year: int, value: int) -> str:
    """'L', 2026, 42 → 'L-2026/00042'."""
    return f"{prefix}-{year}/{value:05d}"
