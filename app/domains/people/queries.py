"""Reads about persons for screens."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Collection
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from app.domains.people.models import FormerPersonalCode, Person


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


@dataclass(frozen=True)
class PersonHeader:
    """What every tab of the person page shows at the top."""

    id: uuid.UUID
    first_name: str
    last_name: str
    personal_code: str | None  # display form "DDMMYY-NNNNN"
    other_id_kind: str | None
    other_id: str | None
    birth_date: dt.date | None
    sex: str | None
    died_on: dt.date | None
    version: int

    @property
    def name(self) -> str:
        return f"{self.first_name} {self.last_name}"


async def person_header(session: AsyncSession, person_id: uuid.UUID) -> PersonHeader | None:
    row = (
        await session.execute(
            select(
                Person.id,
                Person.first_name,
                Person.last_name,
                Person.personal_code,
                Person.other_id_kind,
                Person.other_id,
                Person.birth_date,
                Person.sex,
                Person.died_on,
                Person.version,
            ).where(Person.id == person_id)
        )
    ).one_or_none()
    if row is None:
        return None
    code = row.personal_code
    return PersonHeader(
        id=row.id,
        first_name=row.first_name,
        last_name=row.last_name,
        personal_code=f"{code[:6]}-{code[6:]}" if code else None,
        other_id_kind=row.other_id_kind,
        other_id=row.other_id,
        birth_date=row.birth_date,
        sex=row.sex,
        died_on=row.died_on,
        version=row.version,
    )


async def person_id_by_code(session: AsyncSession, code: str) -> uuid.UUID | None:
    """The person with this normalised personal code (current or former), or None."""
    found = await session.scalar(select(Person.id).where(Person.personal_code == code))
    if found is None:
        found = await session.scalar(
            select(FormerPersonalCode.person_id).where(FormerPersonalCode.code == code)
        )
    return found
