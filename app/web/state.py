"""Process-wide resources, created in the app's lifespan and reached through `request.app.state`."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from redis.asyncio import Redis
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from app.auth.throttle import LoginThrottle
from app.config import Settings

if TYPE_CHECKING:  # the limiter reads the citizen's session (app.auth.citizen), which imports app.web
    from app.api.v1.rate_limit import ApiRateLimit


@dataclass
class Resources:
    settings: Settings
    engine: AsyncEngine
    sessions: async_sessionmaker[AsyncSession]
    redis: Redis
    throttle: LoginThrottle
    # The maintenance role (BYPASSRLS), for the listed cross-tenant acts only (design §3): the
    # cross-municipality benefit check.
    maint_sessions: async_sessionmaker[AsyncSession] | None = None
    api_rate_limit: ApiRateLimit | None = None
