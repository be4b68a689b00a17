from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from litestar.testing import TestClient
from redis import Redis

from app.auth.throttle import LoginThrottle
from app.main import create_app
from tests.factories.staff import PASSWORD, create_staff


@pytest.fixture
def client(settings) -> Iterator[TestClient[Any]]:
    # Every test client signs in from the same address ("testclient"): start each test with that
    # address's failure count at zero, or the suite's deliberate failures would add up to a lockout.
    redis = Redis.from_url(settings.redis_url)
    redis.delete(LoginThrottle._address_key("testclient"))
    redis.close()
    with TestClient(app=create_app(settings), base_url="http://127.0.0.1:8000") as c:
        yield c


def csrf_from(html: str) -> str:
    match = re.search(r'name="_csrf_token" value="([^"]+)"', html)
    assert match, "no CSRF field on the page"
    return match.group(1)


def sign_in(client: TestClient[Any], username: str, password: str = PASSWORD, **extra: str) -> Any:
    page = client.get("/login")
    return client.post(
        "/login",
        data={"username": username, "password": password, "_csrf_token": csrf_from(page.text), **extra},
        follow_redirects=False,
    )


@pytest.fixture
def social_worker(rw_sessions, tenant_a) -> str:
    username = f"sw-{tenant_a.hex[-8:]}"
    create_staff(rw_sessions, {tenant_a: ["social_worker"]}, username=username, full_name="Līga Kalniņa")
    return username
