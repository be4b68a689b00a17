"""Engines, sessions and the tenant unit of work.

The tenant is bound per transaction by one class-level `after_begin` hook: it reads
`session.info["tenant_id"]` (and `["user_id"]`) and calls `set_config(..., true)`, which lasts only
until the transaction ends. A session without a tenant sees no tenant rows and cannot insert any:
the system fails closed.
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager
from typing import Any

from sqlalchemy import create_engine, event, text
from sqlalchemy.engine import URL, Connection, Engine
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker, create_async_engine
from sqlalchemy.orm import Session, SessionTransaction, sessionmaker

_BIND = text("select set_config('app.tenant_id', :tenant, true), set_config('app.user_id', :user, true)")


@event.listens_for(Session, "after_begin")
def _bind_tenant(session: Session, transaction: SessionTransaction, connection: Connection) -> None:
    tenant = session.info.get("tenant_id")
    user = session.info.get("user_id")
    connection.execute(_BIND, {"tenant": str(tenant) if tenant else "", "user": str(user) if user else ""})


def make_async_engine(url: URL | str, **kw: Any) -> AsyncEngine:
    kw.setdefault("pool_pre_ping", True)
    return create_async_engine(url, **kw)


def make_sync_engine(url: URL | str, **kw: Any) -> Engine:
    kw.setdefault("pool_pre_ping", True)
    return create_engine(url, **kw)


def async_session_factory(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    return async_sessionmaker(engine, expire_on_commit=False)


def sync_session_factory(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(engine, expire_on_commit=False)


@asynccontextmanager
async def tenant_uow(
    factory: async_sessionmaker[AsyncSession],
    tenant_id: uuid.UUID | None,
    user_id: uuid.UUID | None = None,
) -> AsyncIterator[AsyncSession]:
    """One business act: commits when the block succeeds, rolls back otherwise."""
    async with factory() as session:
        session.info["tenant_id"] = tenant_id
        session.info["user_id"] = user_id
        try:
            yield session
            await session.commit()
        except BaseException:
            await session.rollback()
            raise


@contextmanager
def sync_tenant_uow(
    factory: sessionmaker[Session], tenant_id: uuid.UUID | None, user_id: uuid.UUID | None = None
) -> Iterator[Session]:
    """The same unit of work for workers, which are thread-based and use sync SQLAlchemy."""
    with factory() as session:
        session.info["tenant_id"] = tenant_id
        session.info["user_id"] = user_id
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise
