"""Sign-in throttling in Redis.

Per user name: after `max_failures` failed attempts the name is locked for `lockout_seconds`, whether or
not it exists (no hint who has an account). Per client address: a higher limit across all names, which
slows password spraying (one password tried against many names) without locking out a whole office
behind one NAT address on a normal day."""

from __future__ import annotations

from dataclasses import dataclass

from redis.asyncio import Redis


@dataclass
class LoginThrottle:
    redis: Redis
    max_failures: int = 5
    lockout_seconds: int = 900
    max_failures_per_address: int = 50

    @staticmethod
    def _key(username: str) -> str:
        return f"atbalsts:login-failures:{username.strip().lower()}"

    @staticmethod
    def _address_key(address: str) -> str:
        return f"atbalsts:login-failures-from:{address}"

    async def is_locked(self, username: str, address: str | None = None) -> bool:
        keys = [self._key(username)] + ([self._address_key(address)] if address else [])
        counts = await self.redis.mget(keys)
        limits = [self.max_failures, self.max_failures_per_address]
        return any(c is not None and int(c) >= limit for c, limit in zip(counts, limits, strict=False))

    async def record_failure(self, username: str, address: str | None = None) -> int:
        keys = [self._key(username)] + ([self._address_key(address)] if address else [])
        async with self.redis.pipeline(transaction=True) as pipe:
            for key in keys:
                pipe.incr(key)
                pipe.expire(key, self.lockout_seconds)
            results = await pipe.execute()
        return int(results[0])

    async def reset(self, username: str) -> None:
        # Only the name: a success must not wipe an address's count of failures against other names.
        await self.redis.delete(self._key(username))
