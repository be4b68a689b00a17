"""Rate limits of /api/v1: a client over its budget for the minute gets 429 problem details with
Retry-After, each signed-in account has its own budget, the window's end resets it, and a Redis that
cannot answer lets requests through rather than failing them."""

from __future__ import annotations

import asyncio
import dataclasses
import uuid
from typing import Any

import pytest
from litestar.testing import TestClient
from redis.asyncio import Redis

from app.api.v1.rate_limit import WINDOW_SECONDS, ApiRateLimit
from app.devservers import free_port
from app.main import create_app
from tests.factories.staff import create_staff
from tests.web.conftest import sign_in

LIMIT = 3


@pytest.fixture
def limited(settings) -> Any:
    with TestClient(
        app=create_app(dataclasses.replace(settings, api_rate_limit_per_minute=LIMIT)),
        base_url="http://127.0.0.1:8000",
    ) as client:
        yield client


def worker(rw_sessions, tenant: uuid.UUID) -> str:
    username = f"rl-{uuid.uuid4().hex[:8]}"
    create_staff(rw_sessions, {tenant: ["social_worker"]}, username=username, full_name="Līga Kalniņa")
    return username


def test_over_the_limit_is_429_with_retry_after_in_the_readers_language(
    limited, rw_sessions, tenant_a
) -> None:
    sign_in(limited, worker(rw_sessions, tenant_a))
    assert [limited.get("/api/v1/me").status_code for _ in range(LIMIT)] == [200] * LIMIT
    refused = limited.get("/api/v1/me", headers={"Accept-Language": "lv"})
    assert refused.status_code == 429
    assert refused.headers["content-type"].startswith("application/problem+json")
    assert 1 <= int(refused.headers["retry-after"]) <= WINDOW_SECONDS
    body = refused.json()
    assert body["status"] == 429 and body["detail"] == "Pārāk daudz pieprasījumu. Mēģiniet vēlreiz vēlāk."
    # Pages are not counted: the staff keep working in the browser.
    assert limited.get("/").status_code == 200


def test_each_account_has_its_own_budget(settings, rw_sessions, tenant_a) -> None:
    app = create_app(dataclasses.replace(settings, api_rate_limit_per_minute=LIMIT))
    with TestClient(app=app, base_url="http://127.0.0.1:8000") as first:
        sign_in(first, worker(rw_sessions, tenant_a))
        statuses = [first.get("/api/v1/me").status_code for _ in range(LIMIT + 1)]
    with TestClient(app=app, base_url="http://127.0.0.1:8000") as second:  # same address, other account
        sign_in(second, worker(rw_sessions, tenant_a))
        assert second.get("/api/v1/me").status_code == 200
    assert statuses == [200] * LIMIT + [429]


def test_the_next_window_starts_afresh(settings) -> None:
    async def run() -> list[int | None]:
        redis = Redis.from_url(settings.redis_url)
        limiter, client = ApiRateLimit(redis, 2), f"test:{uuid.uuid4()}"
        start = (10**9 // WINDOW_SECONDS) * WINDOW_SECONDS + 0.5  # half a second into a window
        try:
            return [await limiter.retry_after(client, start + i) for i in range(3)] + [
                await limiter.retry_after(client, start + WINDOW_SECONDS)
            ]
        finally:
            await redis.aclose()

    assert asyncio.run(run()) == [None, None, WINDOW_SECONDS - 2, None]


def test_without_redis_the_request_goes_through() -> None:
    async def run() -> int | None:
        redis = Redis(host="127.0.0.1", port=free_port(), socket_connect_timeout=0.5)
        try:
            return await ApiRateLimit(redis, 0).retry_after("anyone")
        finally:
            await redis.aclose()

    assert asyncio.run(run()) is None
