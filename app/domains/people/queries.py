"""Reads about persons for screens."""

from __future__ import annotations

import uuid
from collections.abc import Collection

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from app.domains.people.models import Person


async def person_count(session: AsyncSession) -> int:
    return int(await session.scalar(select(func.count()).select_from(Person)) or 0)


async def person_names(session: AsyncSession, ids: Collection[uuid.UUID]) -> dict[uuid.UUID, str]:
    """Display names ("first last") by id, in one statement (none for no ids); ids that are not found, or
    not this tenant's, are left out."""
    if not ids:
        return {}
    rows = await session.execute(
        select(Person.id, Person.first_name, Person.last_name).where(Person.id.in_(list(ids)))
    )
    return {r.id: f"{r.first_name} {r.last_name}" for r in rows}
