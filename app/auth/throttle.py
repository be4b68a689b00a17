"""Sign-in throttling in Redis: after `max_failures` failed attempts for one user name the account is
locked for `lockout_seconds`, whether or not the name exists (no hint who has an account)."""

from __future__ import annotations

from dataclasses import dataclass

from redis.asyncio import Redis


@dataclass
class LoginThrottle:
    redis: Redis
    max_failures: int = 5
    lockout_seconds: int = 900

    @staticmethod
    def _key(username: str) -> str:
        return f"atbalsts:login-failures:{username.strip().lower()}"

    async def is_locked(self, username: str) -> bool:
        count = await self.redis.get(self._key(username))
        return count is not None and int(count) >= self.max_failures

    async def record_failure(self, username: str) -> int:
        key = self._key(username)
        async with self.redis.pipeline(transaction=True) as pipe:
            pipe.incr(key)
            pipe.expire(key, self.lockout_seconds)
            count, _ = await pipe.execute()
        return int(count)

    async def reset(self, username: str) -> None:
        await self.redis.delete(self._key(username))
