"""The staff inbox: adding items (deduplicated), reading them (unread first, a keyset page at a time),
the unread count for the header's badge, and marking items read.

Every read and act is the signed-in user's own: another user's item is "not there". Marking an item
read changes only the reader's own view, so it is not written to the change log."""

from __future__ import annotations

import datetime as dt
import re
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import and_, case, func, or_, select, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Session

from app.auth.principal import Actor
from app.errors import NotFound
from app.i18n import N_, format_day, translations
from app.notifications.inbox_models import InboxItem
from app.pagination import Page, decode_token, encode_token, page_of

NO_SUCH_ITEM = N_("No such notification.")
PAGE_SIZE = 30

_ISO_DAY = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_UNSAFE_LINK = re.compile(r"[\x00-\x20\\]")


def safe_link(link: str | None) -> str | None:
    """A path inside the app ("/cases/…"), or None: an item never links elsewhere (no open redirect)."""
    if not link or len(link) > 500 or not link.startswith("/") or link.startswith("//"):
        return None
    return None if _UNSAFE_LINK.search(link) else link


class _Params(dict[str, Any]):
    def __missing__(self, key: str) -> str:  # a title must show even if a parameter went missing
        return "—"


def _shown(value: Any, language: str) -> Any:
    if isinstance(value, dict):
        return value.get(language) or value.get("lv") or ""
    if isinstance(value, list):
        return ", ".join(str(_shown(v, language)) for v in value)
    if isinstance(value, str) and _ISO_DAY.fullmatch(value):
        try:
            return format_day(dt.date.fromisoformat(value), language)
        except ValueError:
            return value
    return value


def title_text(language: str, title: str, params: Mapping[str, Any]) -> str:
    """An item's title in `language`: the msgid translated, its parameters in the reader's language
    (a {"lv", "en"} pair picks one, an ISO day is shown as dd.mm.yyyy)."""
    text = translations(language).gettext(title)
    try:
        return text % _Params({k: _shown(v, language) for k, v in params.items()})
    except (TypeError, ValueError):
        return text


# --- writing ----------------------------------------------------------------------------------------------


def add_inbox_item_sync(
    session: Session,
    *,
    user_id: uuid.UUID,
    event: str,
    title: str,
    params: Mapping[str, Any],
    link: str | None = None,
    dedup_key: str | None = None,
) -> bool:
    """Add one item in the caller's transaction; False when an item with the same `dedup_key` is already
    in the user's inbox (read or not), so a repeated publish never doubles it."""
    tenant = session.info.get("tenant_id")
    if tenant is None:
        raise RuntimeError("the inbox needs a tenant-bound session")
    stmt = (
        insert(InboxItem)
        .values(
            tenant_id=tenant,
            user_id=user_id,
            event=event[:60],
            title=title[:300],
            params=dict(params),
            link=safe_link(link),
            dedup_key=dedup_key[:200] if dedup_key else None,
        )
        .on_conflict_do_nothing(index_elements=["tenant_id", "user_id", "dedup_key"])
        .returning(InboxItem.id)
    )
    return session.execute(stmt).first() is not None


def _own(actor: Actor) -> Any:
    return InboxItem.user_id == actor.user_id


async def mark_read(session: AsyncSession, actor: Actor, item_id: uuid.UUID) -> InboxItem:
    """Mark one of the actor's items read (again is fine); NotFound for anyone else's."""
    item = await session.scalar(select(InboxItem).where(InboxItem.id == item_id, _own(actor)))
    if item is None:
        raise NotFound(NO_SUCH_ITEM)
    if item.read_at is None:
        item.read_at = dt.datetime.now(dt.UTC)
    return item


async def mark_all_read(session: AsyncSession, actor: Actor) -> int:
    """Mark every unread item of the actor's read; how many there were."""
    result = await session.execute(
        update(InboxItem)
        .where(_own(actor), InboxItem.read_at.is_(None))
        .values(read_at=func.now())
        .returning(InboxItem.id),
        execution_options={"synchronize_session": False},
    )
    return len(result.all())


# --- reading ----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class InboxRow:
    id: uuid.UUID
    event: str
    title: str
    params: dict[str, Any]
    link: str | None
    created_at: dt.datetime
    read_at: dt.datetime | None


async def unread_count(session: AsyncSession, actor: Actor) -> int:
    if actor.tenant_id is None:
        return 0
    count = await session.scalar(
        select(func.count()).select_from(InboxItem).where(_own(actor), InboxItem.read_at.is_(None))
    )
    return int(count or 0)


def _encode(row: InboxRow) -> str:
    return encode_token(f"{int(row.read_at is not None)}|{row.id}".encode())


def _decode(token: str | None) -> tuple[bool, uuid.UUID] | None:
    raw = decode_token(token)
    try:
        flag, id_text = raw.decode().split("|") if raw is not None else ("", "")
        if flag not in ("0", "1"):
            return None
        return flag == "1", uuid.UUID(id_text)
    except ValueError:  # also UnicodeDecodeError
        return None


async def inbox_page(
    session: AsyncSession, actor: Actor, *, after: str | None = None, limit: int = PAGE_SIZE
) -> Page[InboxRow]:
    """The actor's items: unread first, then read ones, each newest first (ids are time-ordered). A
    cursor that does not decode gives the first page."""
    is_read = case((InboxItem.read_at.is_(None), 0), else_=1)  # unread (0) first
    stmt = select(
        InboxItem.id,
        InboxItem.event,
        InboxItem.title,
        InboxItem.params,
        InboxItem.link,
        InboxItem.created_at,
        InboxItem.read_at,
    ).where(_own(actor))
    position = _decode(after)
    if position is not None:
        read, last_id = position
        flag = int(read)
        stmt = stmt.where(or_(is_read > flag, and_(is_read == flag, InboxItem.id < last_id)))
    rows = (await session.execute(stmt.order_by(is_read, InboxItem.id.desc()).limit(limit + 1))).all()
    return page_of([InboxRow(*r) for r in rows], limit, _encode)
