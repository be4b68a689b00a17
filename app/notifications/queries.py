"""Reads for the delivery log (head of service): keyset pages of the municipality's messages, newest
first, filtered by status, channel and event; one message; the open contact problems; counts by status.

Each page is one statement, the recipient's name joined in (a person of this municipality, or a staff
member the message was for). Rows are plain frozen values; reasons are msgids, translated where shown."""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, and_, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from app.auth.models import User
from app.auth.principal import Actor
from app.domains.people.models import Person
from app.notifications.models import ContactProblem, NotificationMessage
from app.notifications.service import RETRYABLE
from app.pagination import Page, Position, encode_cursor, older_than, page_of
from app.permissions import Permission

MAX_LIMIT = 200


@dataclass(frozen=True)
class DeliveryEntry:
    id: uuid.UUID
    created_at: dt.datetime
    event: str
    channel: str
    status: str
    attempts: int
    last_error: str | None  # msgid
    last_error_detail: str | None  # the provider's words, untranslated
    address: str | None
    language: str
    subject: str | None
    person_id: uuid.UUID | None
    user_id: uuid.UUID | None
    recipient_name: str | None
    last_attempt_at: dt.datetime | None
    sent_at: dt.datetime | None
    provider_id: str | None
    has_content: bool

    @property
    def retryable(self) -> bool:
        return self.status in RETRYABLE and self.has_content


@dataclass(frozen=True)
class ProblemEntry:
    id: uuid.UUID
    channel: str
    address: str | None
    reason: str  # msgid
    detail: str | None
    person_id: uuid.UUID | None
    user_id: uuid.UUID | None
    recipient_name: str | None
    found_at: dt.datetime
    last_seen_at: dt.datetime


def _tenant(session: AsyncSession) -> uuid.UUID:
    tenant = session.info.get("tenant_id")
    if tenant is None:
        raise RuntimeError("the delivery log needs a tenant-bound session")
    return tenant


def _recipient_name() -> Any:
    person = func.concat_ws(" ", Person.first_name, Person.last_name)
    return func.coalesce(func.nullif(person, ""), User.full_name).label("recipient_name")


def _with_recipient(stmt: Select[Any], model: Any) -> Select[Any]:
    return stmt.outerjoin(
        Person, and_(Person.tenant_id == model.tenant_id, Person.id == model.person_id)
    ).outerjoin(User, User.id == model.user_id)


_M = NotificationMessage
_ENTRY_COLUMNS = (
    _M.id,
    _M.created_at,
    _M.event,
    _M.channel,
    _M.status,
    _M.attempts,
    _M.last_error,
    _M.last_error_detail,
    _M.address,
    _M.language,
    _M.subject,
    _M.person_id,
    _M.user_id,
    _recipient_name(),
    _M.last_attempt_at,
    _M.sent_at,
    _M.provider_id,
    _M.text.is_not(None).label("has_content"),
)


def _entry(row: Any) -> DeliveryEntry:
    return DeliveryEntry(**row._mapping)


async def delivery_log_page(
    session: AsyncSession,
    viewer: Actor,
    *,
    after: Position | None = None,
    limit: int = 50,
    status: str | None = None,
    channel: str | None = None,
    event: str | None = None,
) -> Page[DeliveryEntry]:
    viewer.require(Permission.OUTBOX_VIEW)
    limit = max(1, min(limit, MAX_LIMIT))
    stmt = _with_recipient(select(*_ENTRY_COLUMNS), _M).where(_M.tenant_id == _tenant(session))
    if status is not None:
        stmt = stmt.where(_M.status == status)
    if channel is not None:
        stmt = stmt.where(_M.channel == channel)
    if event is not None:
        stmt = stmt.where(_M.event == event)
    if after is not None:
        stmt = stmt.where(older_than(after, _M.created_at, _M.id))
    rows = (await session.execute(stmt.order_by(_M.created_at.desc(), _M.id.desc()).limit(limit + 1))).all()
    return page_of([_entry(r) for r in rows], limit, lambda e: encode_cursor(e.created_at, e.id))


async def delivery_entry(session: AsyncSession, viewer: Actor, message_id: uuid.UUID) -> DeliveryEntry | None:
    viewer.require(Permission.OUTBOX_VIEW)
    stmt = _with_recipient(select(*_ENTRY_COLUMNS), _M).where(
        _M.tenant_id == _tenant(session), _M.id == message_id
    )
    row = (await session.execute(stmt)).first()
    return _entry(row) if row is not None else None


async def status_counts(session: AsyncSession, viewer: Actor) -> dict[str, int]:
    viewer.require(Permission.OUTBOX_VIEW)
    rows = await session.execute(
        select(_M.status, func.count()).where(_M.tenant_id == _tenant(session)).group_by(_M.status)
    )
    return {status: int(count) for status, count in rows.tuples()}


async def open_contact_problems(
    session: AsyncSession, viewer: Actor, *, limit: int = 50
) -> tuple[tuple[ProblemEntry, ...], int]:
    """The newest open problems (at most `limit`) and how many are open in all."""
    viewer.require(Permission.OUTBOX_VIEW)
    tenant = _tenant(session)
    open_ = and_(ContactProblem.tenant_id == tenant, ContactProblem.resolved_at.is_(None))
    stmt = _with_recipient(
        select(
            ContactProblem.id,
            ContactProblem.channel,
            ContactProblem.address,
            ContactProblem.reason,
            ContactProblem.detail,
            ContactProblem.person_id,
            ContactProblem.user_id,
            _recipient_name(),
            ContactProblem.found_at,
            ContactProblem.last_seen_at,
        ),
        ContactProblem,
    ).where(open_)
    rows = await session.execute(
        stmt.order_by(ContactProblem.found_at.desc(), ContactProblem.id.desc()).limit(max(1, limit))
    )
    total = await session.scalar(select(func.count()).select_from(ContactProblem).where(open_))
    return tuple(ProblemEntry(**r._mapping) for r in rows), int(total or 0)
