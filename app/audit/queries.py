"""Reads for the audit viewer: keyset pages of the change log and the access log, newest first.

Each page is one statement, plus one batch for the names it mentions (the staff named in before/after
snapshots; the persons in the access log, read through the people domain), and one batch, when the page
touches the case file, for the restricted cases among them; whatever its length; tests/web/test_audit.py
pins the counts. Rows are plain frozen values.

A restricted case is hidden from everyone but its responsible worker and assigned staff
(app/domains/cases/access.py), auditors and heads of service included: its change-log rows keep their
time, actor and action, but nothing of what they changed (`ChangeEntry.restricted`), and an access-log
row that names its number names "case" only.

A staff member is named only when connected to this municipality: a member now, or someone in its own
logs. Accounts are national, so an id from elsewhere (a typed link, a snapshot) must not reveal who it is."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Collection, Iterator, Mapping
from dataclasses import dataclass
from typing import Any, TypeVarTuple

from sqlalchemy import (
    ColumnElement,
    Select,
    String,
    Text,
    and_,
    cast,
    exists,
    literal,
    or_,
    select,
    union_all,
)
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from app.audit.labels import USER_ID_FIELDS
from app.audit.models import AccessLog, ChangeLog
from app.auth.models import ApiClient, Membership, User
from app.auth.principal import Actor
from app.documents.models import Document, RegisterEntry
from app.domains.cases.access import hidden_from
from app.domains.cases.models import Case, CaseAssignment, CaseEntry
from app.domains.people.queries import person_names
from app.i18n import TIMEZONE, latvian_sort_key
from app.pagination import Page, Position, encode_cursor, older_than, page_of

MAX_LIMIT = 200
Ts = TypeVarTuple("Ts")
MAX_CASE_NUMBER = 30
# The case-file entities whose rows name their case: how to find it from the entity's id.
_CASE_PARTS: dict[str, Any] = {
    "case_assignment": CaseAssignment,
    "case_entry": CaseEntry,
    "document": Document,
    "register_entry": RegisterEntry,
}
CaseRef = tuple[str, str]  # ("case" | "number" | an entity type of _CASE_PARTS, the id or number as text)


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
    # A restricted case's row the reader may not see: no entity id, snapshots or names (all empty).
    restricted: bool = False
    actor_client_name: str | None = None  # a partner system that acted through the API


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


def _uuid_text(value: Any) -> str | None:
    if isinstance(value, str | uuid.UUID):
        try:
            return str(uuid.UUID(str(value)))
        except ValueError:
            return None
    return None


def _case_refs(
    entity_type: str, entity_id: uuid.UUID | None, *snapshots: Mapping[str, Any] | None
) -> set[CaseRef]:
    """Every way the row names a case: the case itself, a case-file entity (found through its table),
    the snapshots' case id (written since assignments are deleted with their row) and case number."""
    refs: set[CaseRef] = set()
    if entity_id is not None and (entity_type == "case" or entity_type in _CASE_PARTS):
        refs.add((entity_type, str(entity_id)))
    for snapshot in snapshots:
        if not isinstance(snapshot, Mapping):
            continue
        case_id = _uuid_text(snapshot.get("case_id"))
        if case_id is not None:
            refs.add(("case", case_id))
        number = snapshot.get("case")
        if isinstance(number, str) and 0 < len(number) <= MAX_CASE_NUMBER:
            refs.add(("number", number))
    return refs


async def hidden_case_refs(session: AsyncSession, viewer: Actor, refs: Collection[CaseRef]) -> set[CaseRef]:
    """Those of `refs` whose case the viewer may not see (app/domains/cases/access.hidden_from), in one
    statement; none for no refs."""
    tenant = _tenant(session)
    hidden = and_(Case.tenant_id == tenant, hidden_from(viewer))
    wanted: dict[str, set[str]] = {}
    for kind, key in refs:
        wanted.setdefault(kind, set()).add(key)
    parts: list[Select[str, str]] = []
    if "case" in wanted:
        ids = [uuid.UUID(k) for k in wanted["case"]]
        parts.append(select(literal("case", String), cast(Case.id, Text)).where(Case.id.in_(ids), hidden))
    if "number" in wanted:
        parts.append(
            select(literal("number", String), cast(Case.number, Text)).where(
                Case.number.in_(wanted["number"]), hidden
            )
        )
    for kind, table in _CASE_PARTS.items():
        if kind in wanted:
            ids = [uuid.UUID(k) for k in wanted[kind]]
            model = aliased(table)  # visible_to's own subquery reads case_assignments: not correlated to it
            parts.append(
                select(literal(kind, String), cast(model.id, Text))
                .join(Case, and_(Case.tenant_id == model.tenant_id, Case.id == model.case_id))
                .where(model.tenant_id == tenant, model.id.in_(ids), hidden)
            )
    if not parts:
        return set()
    statement = parts[0] if len(parts) == 1 else union_all(*parts)
    return {(kind, key) for kind, key in (await session.execute(statement)).all()}


async def change_log_page(
    session: AsyncSession,
    *,
    viewer: Actor,
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
            ApiClient.name.label("client_name"),
        )
        .outerjoin(User, User.id == ChangeLog.actor_user_id)
        .outerjoin(ApiClient, ApiClient.id == ChangeLog.actor_client_id)
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
    # The cases the rows touch, those the viewer may not see among them in one batch (none: no statement).
    refs = {r.id: _case_refs(r.entity_type, r.entity_id, r.before, r.after) for r in found}
    hidden = await hidden_case_refs(session, viewer, set().union(*refs.values()))
    restricted = {i for i, row_refs in refs.items() if row_refs & hidden}
    # The staff the snapshots name (a membership's user_id), in one batch; no statement when there are none.
    mentioned = {r.id: set(_user_ids(r.before, r.after)) for r in found[:limit] if r.id not in restricted}
    names = await connected_user_names(session, set().union(*mentioned.values()))
    rows = [
        ChangeEntry(
            id=r.id,
            occurred_at=r.occurred_at,
            actor_user_id=r.actor_user_id,
            actor_name=r.full_name,
            action=r.action,
            entity_type=r.entity_type,
            entity_id=None if r.id in restricted else r.entity_id,
            before=None if r.id in restricted else r.before,
            after=None if r.id in restricted else r.after,
            user_names={u: names[u] for u in mentioned.get(r.id, ()) if u in names},
            restricted=r.id in restricted,
            actor_client_name=r.client_name,
        )
        for r in found
    ]
    return page_of(rows, limit, lambda e: encode_cursor(e.occurred_at, e.id))


def _logged_case_number(context: str | None) -> str:
    """The case number of an access-log context "case:<number>[ detail]" ("" for any other)."""
    if not context or not context.startswith("case:"):
        return ""
    number = context.removeprefix("case:").split(" ", 1)[0]
    return number if len(number) <= MAX_CASE_NUMBER else ""


async def access_log_page(
    session: AsyncSession,
    *,
    viewer: Actor,
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
    # A case view is logged as "case:<number> …"; a restricted case's as plain "case" — and so, here, one
    # made restricted since, or one the viewer may not see (one batch when the page names case numbers).
    numbers = {r.id: _logged_case_number(r.context) for r in found}
    hidden = await hidden_case_refs(session, viewer, {("number", n) for n in numbers.values() if n})
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
            context="case" if ("number", numbers[r.id]) in hidden else r.context,
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
