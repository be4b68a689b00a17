"""Reads about the current municipality."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from app.audit.models import ChangeLog
from app.auth.models import Membership
from app.domains.people.models import Person
from app.i18n import latvian_sort_key
from app.notifications.models import OutboxMessage
from app.tenants.models import Tenant


@dataclass(frozen=True)
class Overview:
    persons: int
    staff: int
    changes_today: int
    pending_messages: int


async def municipality_overview(session: AsyncSession, tenant_id: uuid.UUID) -> Overview:
    """Counts for the home page, in one round trip; RLS limits every count to the bound municipality."""
    today = func.date_trunc("day", func.now())
    row = (
        await session.execute(
            select(
                select(func.count()).select_from(Person).scalar_subquery(),
                # A user also reads their own memberships elsewhere: count this municipality's only.
                select(func.count())
                .select_from(Membership)
                .where(Membership.tenant_id == tenant_id)
                .scalar_subquery(),
                select(func.count())
                .select_from(ChangeLog)
                .where(ChangeLog.occurred_at >= today)
                .scalar_subquery(),
                select(func.count())
                .select_from(OutboxMessage)
                .where(OutboxMessage.dispatched_at.is_(None))
                .scalar_subquery(),
            )
        )
    ).one()
    return Overview(persons=row[0], staff=row[1], changes_today=row[2], pending_messages=row[3])


@dataclass(frozen=True)
class MunicipalityRow:
    name: str
    slug: str
    atvk_code: str


async def municipality_list(session: AsyncSession) -> list[MunicipalityRow]:
    """Every municipality on the platform (national data), in Latvian order."""
    rows = (await session.execute(select(Tenant.name, Tenant.slug, Tenant.atvk_code))).all()
    return sorted((MunicipalityRow(*r) for r in rows), key=lambda m: latvian_sort_key(m.name))
