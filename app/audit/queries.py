"""Reads for the audit viewer: keyset pages of the change log and the access log, newest first.

Each page is one statement, plus one batch for the names it mentions (the staff named in before/after
snapshots; the persons in the access log, read through the people domain), whatever its length;
tests/web/test_audit.py pins the counts. Rows are plain frozen values.

A staff member is named only when connected to this municipality: a member now, or someone in its own
logs. Accounts are national, so an id from elsewhere (a typed link, a snapshot) must not reveal who it is."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Collection, Iterator, Mapping
from dataclasses import dataclass
from typing import Any, TypeVarTuple

from sqlalchemy import ColumnElement, Select, and_, exists, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from app.audit.labels import USER_ID_FIELDS
from app.audit.models import AccessLog, ChangeLog
from app.auth.models import Membership, User
from app.domains.people.queries import person_names
from app.i18n import TIMEZONE, latvian_sort_key
from app.pagination import Page, Position, encode_cursor, older_than, page_of

MAX_LIMIT = 200
Ts = TypeVarTuple("Ts")


@dataclass(frozen=True)
class ChangeEntry:
    id: uuid.UUID
    occurred_at: dt.datetime
    actor_user_id: uuid.UUID | None
    actor_name: str | None  # None: the system, or an account no longer readable
    action: str
    entity_type: str
    entity_id: uuid.UUID | None
    before: Mapping[str, Any] | None  # the snapshots as stored (JSON); app/audit/presentation.py shows them
    after: Mapping[str, Any] | None
    user_names: Mapping[uuid.UUID, str]  # staff the snapshots name, where connected to this municipality


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


def _newest_first(
    stmt: Select[*Ts],
    at: Any,
    id_: Any,
    *,
    after: Position | None,
    limit: int,
    day_from: dt.date | None,
    day_to: dt.date | None,
) -> Select[*Ts]:
    """One keyset page of a log, newest first, within whole local days: `limit + 1` rows, the extra one
    telling whether a next page exists (page_of)."""
    stmt = stmt.order_by(at.desc(), id_.desc()).limit(limit + 1)
    if after is not None:
        stmt = stmt.where(older_than(after, at, id_))
    return _window(stmt, at, day_from, day_to)


def _connected(tenant: uuid.UUID, user_id: Any) -> ColumnElement[bool]:
    """The user is (or was) connected to this municipality: a member now, or in its change log as the
    actor or in its access log as the reader (both indexed by tenant and user)."""
    return or_(
        user_id.in_(select(Membership.user_id).where(Membership.tenant_id == tenant)),
        exists().where(ChangeLog.tenant_id == tenant, ChangeLog.actor_user_id == user_id),
        exists().where(AccessLog.tenant_id == tenant, AccessLog.user_id == user_id),
    )


async def connected_user_names(session: AsyncSession, ids: Collection[uuid.UUID]) -> dict[uuid.UUID, str]:
    """Names of those of `ids` connected to this municipality, in one statement (none for no ids);
    anyone else is left out, whether the account exists or not."""
    if not ids:
        return {}
    tenant = _tenant(session)
    rows = await session.execute(
        select(User.id, User.full_name).where(User.id.in_(set(ids)), _connected(tenant, User.id))
    )
    return {r.id: r.full_name for r in rows}


def _user_ids(*snapshots: Mapping[str, Any] | None) -> Iterator[uuid.UUID]:
    """The well-formed ids under the user fields of the snapshots (a snapshot is data: never trusted)."""
    for snapshot in snapshots:
        for key in USER_ID_FIELDS:
            value = (snapshot or {}).get(key)
            if isinstance(value, str):
                try:
                    yield uuid.UUID(value)
                except ValueError:
                    continue


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
    )
    stmt = _newest_first(
        stmt, ChangeLog.occurred_at, ChangeLog.id, after=after, limit=limit, day_from=day_from, day_to=day_to
    )
    if action_prefix:
        stmt = stmt.where(ChangeLog.action.startswith(action_prefix, autoescape=True))
    if entity_type:
        stmt = stmt.where(ChangeLog.entity_type == entity_type)
    if actor_user_id is not None:
        stmt = stmt.where(ChangeLog.actor_user_id == actor_user_id)
    found = (await session.execute(stmt)).all()
    # The staff the snapshots name (a membership's user_id), in one batch; no statement when there are none.
    mentioned = {r.id: set(_user_ids(r.before, r.after)) for r in found[:limit]}
    names = await connected_user_names(session, set().union(*mentioned.values()))
    rows = [
        ChangeEntry(
            id=r.id,
            occurred_at=r.occurred_at,
            actor_user_id=r.actor_user_id,
            actor_name=r.full_name,
            action=r.action,
            entity_type=r.entity_type,
            entity_id=r.entity_id,
            before=r.before,
            after=r.after,
            user_names={u: names[u] for u in mentioned.get(r.id, ()) if u in names},
        )
        for r in found
    ]
    return page_of(rows, limit, lambda e: encode_cursor(e.occurred_at, e.id))


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
    )
    stmt = _newest_first(
        stmt, AccessLog.occurred_at, AccessLog.id, after=after, limit=limit, day_from=day_from, day_to=day_to
    )
    if person_id is not None:
        stmt = stmt.where(AccessLog.person_id == person_id)
    if user_id is not None:
        stmt = stmt.where(AccessLog.user_id == user_id)
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
    return page_of(rows, limit, lambda e: encode_cursor(e.occurred_at, e.id))


async def user_choices(session: AsyncSession, *, also: uuid.UUID | None = None) -> tuple[UserChoice, ...]:
    """The municipality's staff for the "who" filter, in Latvian order; `also` adds a user who has since
    left (chosen earlier, e.g. in a bookmarked link) so the filter still names them, but only one
    connected to this municipality: an id from elsewhere adds nobody (the caller then says so)."""
    tenant = _tenant(session)
    wanted: ColumnElement[bool] = User.id.in_(
        select(Membership.user_id).where(Membership.tenant_id == tenant)
    )
    if also is not None:
        wanted = or_(wanted, and_(User.id == also, _connected(tenant, User.id)))
    rows = (await session.execute(select(User.id, User.full_name).where(wanted))).all()
    return tuple(
        UserChoice(r.id, r.full_name) for r in sorted(rows, key=lambda r: latvian_sort_key(r.full_name))
    )
