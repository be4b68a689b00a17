"""Request dependencies: the acting user and the tenant unit of work.

The tenant comes from the signed-in user's chosen municipality (never from a request parameter); the
unit of work commits when the handler succeeded and rolls back otherwise."""

from __future__ import annotations

import uuid
from collections.abc import AsyncGenerator
from typing import Any

from litestar import Request
from litestar.connection import ASGIConnection
from litestar.exceptions import NotAuthorizedException
from sqlalchemy.ext.asyncio import AsyncSession

from app.auth.principal import Actor
from app.auth.service import load_actor
from app.errors import Conflict
from app.i18n import N_
from app.web.state import Resources


def resources(connection: ASGIConnection[Any, Any, Any, Any]) -> Resources:
    return connection.app.state.resources


async def retrieve_actor(
    session: dict[str, Any], connection: ASGIConnection[Any, Any, Any, Any]
) -> Actor | None:
    """SessionAuth's user loader: the session holds only ids; memberships are read fresh each request, so
    a revoked role takes effect at once."""
    user_id = session.get("user_id")
    if not user_id:
        return None
    try:
        uid = uuid.UUID(user_id)
        tid = uuid.UUID(session["tenant_id"]) if session.get("tenant_id") else None
    except (ValueError, TypeError):
        return None
    res = resources(connection)
    async with res.sessions() as db:
        db.info["user_id"] = uid
        return await load_actor(db, uid, tid)


async def provide_actor(request: Request[Actor, Any, Any]) -> Actor:
    if not isinstance(request.user, Actor):
        raise NotAuthorizedException()
    return request.user


TENANT_HEADER = "x-atbalsts-tenant"
TENANT_FIELD = "_tenant"
_UNSAFE = {"POST", "PUT", "PATCH", "DELETE"}


async def ensure_same_municipality(request: Request[Any, Any, Any], actor: Actor | None) -> None:
    """A page carries the municipality it was shown for (a header from htmx, a hidden field in plain
    forms). The session's municipality can change in another tab; acting on a stale page would then
    write into the other municipality, so such a request is refused instead."""
    if actor is None or actor.tenant_id is None or request.method not in _UNSAFE:
        return
    if actor.api_client is not None:  # a partner names its municipality with the header (app/api/bearer.py)
        return
    shown_for = request.headers.get(TENANT_HEADER)
    if shown_for is None and request.content_type[0] in (
        "application/x-www-form-urlencoded",
        "multipart/form-data",
    ):
        value = (await request.form()).get(TENANT_FIELD)
        shown_for = value if isinstance(value, str) else None
    if shown_for is not None and shown_for != str(actor.tenant_id):
        raise Conflict(
            N_("This page belongs to another municipality than the one you now work in. Reload it.")
        )


async def provide_db(request: Request[Any, Any, Any]) -> AsyncGenerator[AsyncSession, None]:
    user = request.scope.get("user")
    actor = user if isinstance(user, Actor) else None
    await ensure_same_municipality(request, actor)
    async with resources(request).sessions() as session:
        session.info["tenant_id"] = actor.tenant_id if actor else None
        session.info["user_id"] = actor.user_id if actor else None
        session.info["api_client_id"] = actor.api_client.id if actor and actor.api_client else None
        try:
            yield session
        except BaseException:
            await session.rollback()
            raise
        else:
            await session.commit()
