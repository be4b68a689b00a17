"""Reads for the audit viewer: keyset pages of the change log and the access log, newest first.

Each page is one statement (the access log adds one for the persons' names, read through the people
domain), whatever its length; tests/web/test_audit.py pins the counts. Rows are plain frozen values."""

from __future__ import annotations

import datetime as dt
import json
import re
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, TypeVarTuple

from sqlalchemy import Select, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from app.audit.models import AccessLog, ChangeLog
from app.auth.models import Membership, User
from app.domains.people.queries import person_names
from app.i18n import TIMEZONE, latvian_sort_key
from app.pagination import Page, Position, older_than, page_of

MAX_LIMIT = 200
Ts = TypeVarTuple("Ts")


@dataclass(frozen=True)
class FieldChange:
    """One key of a before/after pair, as text ("" when absent)."""

    key: str
    before: str
    after: str
    changed: bool


@dataclass(frozen=True)
class ChangeEntry:
    id: uuid.UUID
    occurred_at: dt.datetime
    actor_user_id: uuid.UUID | None
    actor_name: str | None  # None: the system, or an account no longer readable
    action: str
    entity_type: str
    entity_id: uuid.UUID | None
    changes: tuple[FieldChange, ...]


@dataclass(frozen=True)
class AccessEntry:
    id: uuid.UUID
    occurred_at: dt.datetime
    user_id: uuid.UUID
    user_name: str | None
    person_id: uuid.UUID
    person_name: str | None  # None when the person's record is gone
    purpose: str
    context: str | None


@dataclass(frozen=True)
class UserChoice:
    id: uuid.UUID
    full_name: str


def _tenant(session: AsyncSession) -> uuid.UUID:
    # Named explicitly as well as enforced by RLS: it is the leading index column, and Citus routes by it.
    tenant = session.info.get("tenant_id")
    if tenant is None:
        raise RuntimeError("the audit viewer needs a tenant-bound session")
    return tenant


def _local_midnight(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time.min, tzinfo=TIMEZONE)


def _window(stmt: Select[*Ts], column: Any, day_from: dt.date | None, day_to: dt.date | None) -> Select[*Ts]:
    """Whole local days, both ends included."""
    if day_from is not None:
        stmt = stmt.where(column >= _local_midnight(day_from))
    if day_to is not None:
        stmt = stmt.where(column < _local_midnight(day_to + dt.timedelta(days=1)))
    return stmt


def _limit(limit: int) -> int:
    return max(1, min(limit, MAX_LIMIT))


_ISO_DAY = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")


def _text(value: Any) -> str:
    """A snapshot value as the reader sees it; dates as dd.mm.yyyy."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return ", ".join(_text(v) for v in value)
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    text = str(value)
    day = _ISO_DAY.match(text)
    return f"{day[3]}.{day[2]}.{day[1]}" if day else text


def field_changes(
    before: Mapping[str, Any] | None, after: Mapping[str, Any] | None
) -> tuple[FieldChange, ...]:
    """Every key of either snapshot, alphabetically (JSONB keeps no order), marking the ones that differ."""
    before, after = before or {}, after or {}
    return tuple(
        FieldChange(key, _text(before.get(key)), _text(after.get(key)), before.get(key) != after.get(key))
        for key in sorted(before.keys() | after.keys())
    )


async def change_log_page(
    session: AsyncSession,
    *,
    after: Position | None = None,
    limit: int = 50,
    action_prefix: str | None = None,
    entity_type: str | None = None,
    actor_user_id: uuid.UUID | None = None,
    day_from: dt.date | None = None,
    day_to: dt.date | None = None,
) -> Page[ChangeEntry]:
    limit = _limit(limit)
    stmt = (
        select(
            ChangeLog.id,
            ChangeLog.occurred_at,
            ChangeLog.actor_user_id,
            User.full_name,
            ChangeLog.action,
            ChangeLog.entity_type,
            ChangeLog.entity_id,
            ChangeLog.before,
            ChangeLog.after,
        )
        .outerjoin(User, User.id == ChangeLog.actor_user_id)
        .where(ChangeLog.tenant_id == _tenant(session))
        .order_by(ChangeLog.occurred_at.desc(), ChangeLog.id.desc())
        .limit(limit + 1)
    )
    if after is not None:
        stmt = stmt.where(older_than(after, ChangeLog.occurred_at, ChangeLog.id))
    if action_prefix:
        stmt = stmt.where(ChangeLog.action.startswith(action_prefix, autoescape=True))
    if entity_type:
        stmt = stmt.where(ChangeLog.entity_type == entity_type)
    if actor_user_id is not None:
        stmt = stmt.where(ChangeLog.actor_user_id == actor_user_id)
    stmt = _window(stmt, ChangeLog.occurred_at, day_from, day_to)
    rows = [
        ChangeEntry(
            id=r.id,
            occurred_at=r.occurred_at,
            actor_user_id=r.actor_user_id,
            actor_name=r.full_name,
            action=r.action,
            entity_type=r.entity_type,
            entity_id=r.entity_id,
            changes=field_changes(r.before, r.after),
        )
        for r in await session.execute(stmt)
    ]
    return page_of(rows, limit, lambda e: (e.occurred_at, e.id))


async def access_log_page(
    session: AsyncSession,
    *,
    after: Position | None = None,
    limit: int = 50,
    person_id: uuid.UUID | None = None,
    user_id: uuid.UUID | None = None,
    day_from: dt.date | None = None,
    day_to: dt.date | None = None,
) -> Page[AccessEntry]:
    limit = _limit(limit)
    stmt = (
        select(
            AccessLog.id,
            AccessLog.occurred_at,
            AccessLog.user_id,
            User.full_name,
            AccessLog.person_id,
            AccessLog.purpose,
            AccessLog.context,
        )
        .outerjoin(User, User.id == AccessLog.user_id)
        .where(AccessLog.tenant_id == _tenant(session))
        .order_by(AccessLog.occurred_at.desc(), AccessLog.id.desc())
        .limit(limit + 1)
    )
    if after is not None:
        stmt = stmt.where(older_than(after, AccessLog.occurred_at, AccessLog.id))
    if person_id is not None:
        stmt = stmt.where(AccessLog.person_id == person_id)
    if user_id is not None:
        stmt = stmt.where(AccessLog.user_id == user_id)
    stmt = _window(stmt, AccessLog.occurred_at, day_from, day_to)
    found = (await session.execute(stmt)).all()
    # Persons belong to the people domain: their names come through its queries, in one batch.
    names = await person_names(session, {r.person_id for r in found[:limit]})
    rows = [
        AccessEntry(
            id=r.id,
            occurred_at=r.occurred_at,
            user_id=r.user_id,
            user_name=r.full_name,
            person_id=r.person_id,
            person_name=names.get(r.person_id),
            purpose=r.purpose,
            context=r.context,
        )
        for r in found
    ]
    return page_of(rows, limit, lambda e: (e.occurred_at, e.id))


async def user_choices(session: AsyncSession, *, also: uuid.UUID | None = None) -> tuple[UserChoice, ...]:
    """The municipality's staff for the "who" filter, in Latvian order; `also` adds a user who has since
    left (chosen earlier, e.g. in a bookmarked link) so the filter still names them."""
    members = select(Membership.user_id).where(Membership.tenant_id == _tenant(session))
    wanted = User.id.in_(members) if also is None else or_(User.id.in_(members), User.id == also)
    rows = (await session.execute(select(User.id, User.full_name).where(wanted))).all()
    return tuple(
        UserChoice(r.id, r.full_name) for r in sorted(rows, key=lambda r: latvian_sort_key(r.full_name))
    )
