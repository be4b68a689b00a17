"""Test infrastructure: a real PostgreSQL database built by the migrations, a real Redis.

`DATABASE_URL` / `REDIS_URL` point at servers to use (CI); otherwise embedded servers start. Each test
run gets its own database, created with the same roles as production and dropped at the end; the
app and most tests connect as `app_rw`, the role that cannot bypass row-level security.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, text
from sqlalchemy.engine import make_url

from app import dbsetup
from app.config import Settings, load_settings
from app.db import make_sync_engine, sync_session_factory
from app.devservers import EmbeddedServers, RedisProcess, free_port, start_embedded


@pytest.fixture(scope="session")
def servers(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, str]]:
    db, redis = os.environ.get("DATABASE_URL"), os.environ.get("REDIS_URL")
    embedded: EmbeddedServers | None = None
    redis_proc: RedisProcess | None = None
    if not db:
        embedded = start_embedded(tmp_path_factory.mktemp("embedded"), redis_port=free_port())
        db, redis = embedded.database_url, redis or embedded.redis.url
    if not redis:
        redis_proc = RedisProcess(free_port(), tmp_path_factory.mktemp("redis"), persistent=False).start()
        redis = redis_proc.url
    yield {"DATABASE_URL": db, "REDIS_URL": redis}
    if redis_proc:
        redis_proc.stop()
    if embedded:
        embedded.stop()


@pytest.fixture(scope="session")
def settings(servers: dict[str, str]) -> Iterator[Settings]:
    name = f"atbalsts_test_{uuid.uuid4().hex[:10]}"
    url = make_url(servers["DATABASE_URL"]).set(database=name)
    env = dict(os.environ)
    env.update(servers)
    env["DATABASE_URL"] = url.render_as_string(hide_password=False)
    for key in ("RUNTIME_DATABASE_URL", "MIGRATOR_DATABASE_URL", "MAINT_DATABASE_URL"):
        env.pop(key, None)
    s = load_settings(env)
    dbsetup.bootstrap(s)
    dbsetup.migrate(s)
    yield s
    dbsetup.drop_database(s, name)


@pytest.fixture(scope="session")
def maint_engine(settings: Settings) -> Iterator[Engine]:
    engine = make_sync_engine(settings.maint_url())
    yield engine
    engine.dispose()


@pytest.fixture(scope="session")
def rw_engine(settings: Settings) -> Iterator[Engine]:
    engine = make_sync_engine(settings.runtime_url())
    yield engine
    engine.dispose()


@pytest.fixture(scope="session")
def rw_sessions(rw_engine: Engine):
    return sync_session_factory(rw_engine)


@pytest.fixture
def make_tenant(maint_engine: Engine):
    """Creates a municipality with unique slug and ATVK code; returns its id."""

    def make(name: str = "Testa novads") -> uuid.UUID:
        from tests.factories.tenants import create_tenant

        return create_tenant(maint_engine, name)

    return make


@pytest.fixture
def tenant_a(make_tenant) -> uuid.UUID:
    return make_tenant("Ādažu novads")


@pytest.fixture
def tenant_b(make_tenant) -> uuid.UUID:
    return make_tenant("Bauskas novads")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    # Browser tests last: they are the slowest and the most likely to need the rest to be right.
    items.sort(key=lambda item: 1 if item.get_closest_marker("browser") else 0)


ROOT = Path(__file__).resolve().parent.parent
__all__ = ["ROOT", "text"]
