"""Reads for the alerts page (/controls): open alerts per rule, one rule's open alerts a keyset page at a
time, and the latest runs. An alert about a restricted case the reader may not see is shown without the
case's number or link (what the rule found is still counted)."""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass
from typing import Any

from sqlalchemy import and_, case, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from app.auth.models import User
from app.auth.principal import Actor
from app.domains.cases.access import hidden_from
from app.domains.cases.models import Case
from app.domains.controls import rules
from app.domains.controls.models import ControlAlert, ControlRun
from app.pagination import Page, decode_cursor, encode_cursor, older_than, page_of
from app.permissions import Permission

PAGE_SIZE = 50


@dataclass(frozen=True)
class RuleCount:
    info: rules.RuleInfo
    open: int


async def open_counts(session: AsyncSession, actor: Actor) -> list[RuleCount]:
    """Every rule, available or not, with its number of open alerts."""
    actor.require(Permission.CONTROL_VIEW)
    rows = await session.execute(
        select(ControlAlert.rule, func.count())
        .where(ControlAlert.resolved_at.is_(None))
        .group_by(ControlAlert.rule)
    )
    counts = dict(rows.tuples().all())
    return [RuleCount(info, counts.get(key, 0)) for key, info in rules.RULES.items()]


@dataclass(frozen=True)
class AlertRow:
    id: uuid.UUID
    rule: str
    record_kind: str
    details: dict[str, Any]
    link: str | None
    responsible: str | None  # None: the heads of service
    first_seen_at: dt.datetime
    last_seen_at: dt.datetime
    restricted: bool  # a restricted case the reader may not see: no number, no link


async def open_alerts_page(
    session: AsyncSession, actor: Actor, rule: str, *, after: str | None = None, limit: int = PAGE_SIZE
) -> Page[AlertRow]:
    """One rule's open alerts, newest first."""
    actor.require(Permission.CONTROL_VIEW)
    restricted = case(
        (ControlAlert.record_kind == "case", func.coalesce(hidden_from(actor), True)), else_=False
    ).label("restricted")
    stmt = (
        select(
            ControlAlert.id,
            ControlAlert.rule,
            ControlAlert.record_kind,
            ControlAlert.details,
            ControlAlert.link,
            User.full_name,
            ControlAlert.first_seen_at,
            ControlAlert.last_seen_at,
            restricted,
        )
        .outerjoin(User, User.id == ControlAlert.responsible_user_id)
        .outerjoin(Case, and_(ControlAlert.record_kind == "case", Case.id == ControlAlert.record_id))
        .where(ControlAlert.resolved_at.is_(None), ControlAlert.rule == rule)
    )
    position = decode_cursor(after)
    if position is not None:
        stmt = stmt.where(older_than(position, ControlAlert.first_seen_at, ControlAlert.id))
    rows = await session.execute(
        stmt.order_by(ControlAlert.first_seen_at.desc(), ControlAlert.id.desc()).limit(limit + 1)
    )
    shown = []
    for r in rows:
        details = dict(r.details)
        if r.restricted:
            details = {"months": details.get("months")}
        shown.append(
            AlertRow(
                r.id,
                r.rule,
                r.record_kind,
                details,
                None if r.restricted else r.link,
                r.full_name,
                r.first_seen_at,
                r.last_seen_at,
                bool(r.restricted),
            )
        )
    return page_of(shown, limit, lambda a: encode_cursor(a.first_seen_at, a.id))


@dataclass(frozen=True)
class RunRow:
    trigger: str
    started_at: dt.datetime
    finished_at: dt.datetime | None
    hits: int
    opened: int
    resolved: int
    failures: dict[str, Any]


async def latest_runs(session: AsyncSession, actor: Actor, limit: int = 5) -> list[RunRow]:
    actor.require(Permission.CONTROL_VIEW)
    rows = await session.execute(
        select(
            ControlRun.trigger,
            ControlRun.started_at,
            ControlRun.finished_at,
            ControlRun.hits,
            ControlRun.opened,
            ControlRun.resolved,
            ControlRun.failures,
        )
        .order_by(ControlRun.started_at.desc(), ControlRun.id.desc())
        .limit(limit)
    )
    return [RunRow(*r) for r in rows]
