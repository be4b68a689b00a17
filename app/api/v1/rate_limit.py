"""Rate limits of /api/v1: each client may make `limit` requests a minute; the next one is answered 429 with
`Retry-After` (RFC 9457 problem details, `app/web/errors.py`) until the minute is over.

The client is the signed-in account when there is one — a staff member, a partner system's API client, or
a citizen by personal code (an office behind one address must not share one budget) — otherwise its
address (so the token endpoint, before its client is known). A fixed one-minute window in Redis (INCR and
EXPIRE in one round trip) is enough here: it bounds what one client costs, and a burst at a window's edge
gets at most twice the limit. When Redis cannot answer, the request is let through: the limit protects the
service, it must not be what takes it down."""

from __future__ import annotations

import hashlib
import time
from dataclasses import dataclass
from typing import Any

from litestar import Request
from litestar.exceptions import HTTPException
from litestar.status_codes import HTTP_429_TOO_MANY_REQUESTS
from redis.asyncio import Redis
from redis.exceptions import RedisError

from app.auth.citizen import citizen_of

WINDOW_SECONDS = 60


@dataclass(frozen=True)
class ApiRateLimit:
    redis: Redis
    limit: int

    async def retry_after(self, client: str, now: float | None = None) -> int | None:
        """Seconds until `client` may try again; None while it is within its limit."""
        now = time.time() if now is None else now
        window = int(now // WINDOW_SECONDS)
        key = f"atbalsts:api-rate:{client}:{window}"
        try:
            async with self.redis.pipeline(transaction=True) as pipe:
                pipe.incr(key)
                pipe.expire(key, WINDOW_SECONDS + 1)
                count, _ = await pipe.execute()
        except RedisError:
            return None
        if int(count) <= self.limit:
            return None
        return max(1, int((window + 1) * WINDOW_SECONDS - now + 0.999))


def client_of(request: Request[Any, Any, Any]) -> str:
    user = request.scope.get("user")
    partner = getattr(user, "api_client", None)
    if partner is not None:  # a partner system: its budget whichever municipality it acts for
        return f"client:{partner.id}"
    user_id = getattr(user, "user_id", None)
    if user_id is not None:
        return f"user:{user_id}"
    citizen = citizen_of(request)
    if citizen is not None:  # hashed: a personal code is not written into Redis keys
        return f"citizen:{hashlib.sha256(citizen.personal_code.encode()).hexdigest()[:32]}"
    return f"address:{request.client.host if request.client else 'unknown'}"


async def enforce_rate_limit(request: Request[Any, Any, Any]) -> None:
    """Part of the API router's `before_request` (after authentication, before the body is read)."""
    limiter: ApiRateLimit | None = getattr(request.app.state.resources, "api_rate_limit", None)
    if limiter is None:
        return
    wait = await limiter.retry_after(client_of(request))
    if wait is not None:
        raise HTTPException(status_code=HTTP_429_TOO_MANY_REQUESTS, headers={"Retry-After": str(wait)})
