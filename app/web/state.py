"""Process-wide resources, created in the app's lifespan and reached through `request.app.state`."""

from __future__ import annotations

from dataclasses import dataclass

from redis.asyncio import Redis
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from app.api.v1.rate_limit import ApiRateLimit
from app.auth.throttle import LoginThrottle
from app.config import Settings


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
