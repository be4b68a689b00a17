"""Reads of the case timeline for screens and the API: a case's entries (keyset pages, newest first) and
the activity they record, per worker and kind, for the activity report. Every statement carries the case's
visibility (`access.visible_to`): a restricted case's entries are read only by those who may see it."""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, and_, func, select, true
from sqlalchemy.ext.asyncio import AsyncSession

from app.auth.models import User
from app.auth.principal import Actor
from app.domains.cases.access import visible_to
from app.domains.cases.models import Case, CaseEntry
from app.pagination import DayPosition, Page, encode_day_cursor, older_than, page_of

MAX_LIMIT = 100


def _limit(limit: int) -> int:
    return max(1, min(limit, MAX_LIMIT))


# --- the timeline -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class EntryRow:
    id: uuid.UUID
    case_id: uuid.UUID
    kind: str
    occurred_on: dt.date
    duration_minutes: int | None
    staff_user_id: uuid.UUID
    staff_name: str
    subject: str
    body: str | None
    findings: str | None
    created_by: uuid.UUID
    author_name: str
    created_at: dt.datetime
    updated_at: dt.datetime | None

    @property
    def stamp(self) -> str:
        """The edit form's optimistic-lock token: changes with every saved edit."""
        return (self.updated_at or self.created_at).isoformat()


_STAFF = User.__table__.alias("staff")
_AUTHOR = User.__table__.alias("author")


def _entry_select() -> Select[*tuple[Any, ...]]:
    return (
        select(
            CaseEntry.id,
            CaseEntry.case_id,
            CaseEntry.kind,
            CaseEntry.occurred_on,
            CaseEntry.duration_minutes,
            CaseEntry.staff_user_id,
            _STAFF.c.full_name.label("staff_name"),
            CaseEntry.subject,
            CaseEntry.body,
            CaseEntry.findings,
            CaseEntry.created_by,
            _AUTHOR.c.full_name.label("author_name"),
            CaseEntry.created_at,
            CaseEntry.updated_at,
        )
        .join(Case, and_(Case.tenant_id == CaseEntry.tenant_id, Case.id == CaseEntry.case_id))
        .join(_STAFF, _STAFF.c.id == CaseEntry.staff_user_id)
        .join(_AUTHOR, _AUTHOR.c.id == CaseEntry.created_by)
    )


def _entry(row: object) -> EntryRow:
    return EntryRow(**{name: getattr(row, name) for name in EntryRow.__dataclass_fields__})


async def timeline_page(
    session: AsyncSession,
    actor: Actor,
    case_id: uuid.UUID,
    *,
    after: DayPosition | None = None,
    kind: str | None = None,
    limit: int = 20,
) -> Page[EntryRow]:
    """One statement: the case's entries newest first (by date, then most recently recorded), with the
    names of their worker and author. The case's visibility is part of the statement."""
    limit = _limit(limit)
    stmt = (
        _entry_select()
        .where(CaseEntry.case_id == case_id, visible_to(actor))
        .order_by(CaseEntry.occurred_on.desc(), CaseEntry.id.desc())
        .limit(limit + 1)
    )
    if kind:
        stmt = stmt.where(CaseEntry.kind == kind)
    if after is not None:
        stmt = stmt.where(older_than(after, CaseEntry.occurred_on, CaseEntry.id))
    rows = [_entry(r) for r in await session.execute(stmt)]
    return page_of(rows, limit, lambda e: encode_day_cursor(e.occurred_on, e.id))


async def timeline_entry(
    session: AsyncSession, actor: Actor, case_id: uuid.UUID, entry_id: uuid.UUID
) -> EntryRow | None:
    row = (
        await session.execute(
            _entry_select().where(CaseEntry.id == entry_id, CaseEntry.case_id == case_id, visible_to(actor))
        )
    ).one_or_none()
    return _entry(row) if row is not None else None


# --- the activity report ----------------------------------------------------------------------------------


async def activity_rows(
    session: AsyncSession,
    actor: Actor,
    *,
    first: dt.date,
    last: dt.date,
    user_id: uuid.UUID | None,
) -> list[tuple[uuid.UUID, str, int, int]]:
    """(worker, kind, entries, minutes) of the entries dated within [first, last], for one worker or all,
    in cases the reader may see. One statement, on the (tenant, worker, date) index."""
    stmt = (
        select(
            CaseEntry.staff_user_id,
            CaseEntry.kind,
            func.count(),
            func.coalesce(func.sum(CaseEntry.duration_minutes), 0),
        )
        .join(Case, and_(Case.tenant_id == CaseEntry.tenant_id, Case.id == CaseEntry.case_id))
        .where(
            CaseEntry.tenant_id == actor.tenant_id,
            CaseEntry.occurred_on >= first,
            CaseEntry.occurred_on <= last,
            visible_to(actor),
            CaseEntry.staff_user_id == user_id if user_id else true(),
        )
        .group_by(CaseEntry.staff_user_id, CaseEntry.kind)
    )
    return [(r[0], r[1], int(r[2]), int(r[3] or 0)) for r in await session.execute(stmt)]
