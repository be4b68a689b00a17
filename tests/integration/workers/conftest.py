"""Workers against real services: PostgreSQL from the suite, Redis (shared with a private namespace, or a
private redis-server), and a real SMTP server (aiosmtpd) on loopback."""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage
from typing import Any

import pytest
import redis
from aiosmtpd.controller import Controller
from dramatiq import Broker
from dramatiq.brokers.redis import RedisBroker
from sqlalchemy import Engine, text
from sqlalchemy.orm import Session, sessionmaker

from app.config import Settings
from app.db import sync_session_factory, sync_tenant_uow
from app.devservers import free_port
from app.notifications.email import schedule_email
from workers.broker import NOTIFICATIONS, close_broker, make_broker, register_actors
from workers.deps import WorkerDeps
from workers.main import start_worker
from workers.smtp import SmtpMailer


@dataclass
class SmtpSink:
    """Collects what an SMTP client delivers; aiosmtpd calls `handle_DATA` on its own thread."""

    port: int
    received: list[EmailMessage] = field(default_factory=list)
    controller: Controller | None = None

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        message = message_from_bytes(envelope.content, policy=policy.default)
        assert isinstance(message, EmailMessage)
        self.received.append(message)
        return "250 Message accepted for delivery"

    def start(self) -> SmtpSink:
        self.controller = Controller(self, hostname="127.0.0.1", port=self.port)
        self.controller.start()
        return self

    def stop(self) -> None:
        if self.controller is not None:
            self.controller.stop()
            self.controller = None

    def outbox_ids(self) -> list[uuid.UUID]:
        """The outbox id behind each received message, read back from its Message-ID `<id@domain>`."""
        return [uuid.UUID(str(m["Message-ID"]).strip("<>").partition("@")[0]) for m in self.received]


@pytest.fixture
def smtp() -> Iterator[SmtpSink]:
    sink = SmtpSink(free_port()).start()
    yield sink
    sink.stop()


@pytest.fixture
def maint_sessions(maint_engine: Engine) -> sessionmaker[Session]:
    return sync_session_factory(maint_engine)


@pytest.fixture(autouse=True)
def quiet_outbox(maint_engine: Engine) -> None:
    """The relay serves every tenant in the database; rows other tests left pending are not ours to send."""
    with maint_engine.begin() as conn:
        conn.execute(text("UPDATE app.outbox SET dispatched_at = now() WHERE dispatched_at IS NULL"))


def make_deps(settings: Settings, sessions: sessionmaker[Session], smtp_port: int) -> WorkerDeps:
    return WorkerDeps(settings=settings, sessions=sessions, mailer=SmtpMailer("127.0.0.1", smtp_port))


def unique_namespace() -> str:
    return f"atbalsts-test-{uuid.uuid4().hex[:8]}"


def purge_namespace(redis_url: str, namespace: str) -> None:
    """Remove a test broker's keys (queues, acks, worker heartbeats) from a shared Redis."""
    with suppress(redis.RedisError), redis.Redis.from_url(redis_url) as client:  # a private Redis may be gone
        for key in client.scan_iter(f"{namespace}:*"):
            client.delete(key)


@contextmanager
def private_broker(redis_url: str, deps: WorkerDeps, **options: Any) -> Iterator[RedisBroker]:
    """A broker in its own key namespace, so tests never see each other's (or anyone's) messages."""
    namespace = unique_namespace()
    broker = make_broker(redis_url, namespace=namespace, **options)
    register_actors(broker, deps)
    try:
        yield broker
    finally:
        close_broker(broker)
        purge_namespace(redis_url, namespace)


@pytest.fixture
def deps(settings: Settings, rw_sessions: sessionmaker[Session], smtp: SmtpSink) -> WorkerDeps:
    return make_deps(settings, rw_sessions, smtp.port)


@pytest.fixture
def broker(settings: Settings, deps: WorkerDeps) -> Iterator[RedisBroker]:
    with private_broker(settings.redis_url, deps) as b:
        yield b


def drain(broker: Broker, timeout_ms: int = 10_000) -> None:
    """Run a real Dramatiq worker until the notifications queue (including retries and unacked
    messages) is empty."""
    worker = start_worker(broker, threads=2, worker_timeout=100)
    try:
        broker.join(NOTIFICATIONS, timeout=timeout_ms)
        worker.join()
    finally:
        worker.stop()


def commit_email(sessions: sessionmaker[Session], tenant: uuid.UUID, **fields: Any) -> uuid.UUID:
    """One committed business act that schedules an e-mail."""
    with sync_tenant_uow(sessions, tenant) as session:
        return schedule_email(session, **fields)


def wait_until(predicate: Callable[[], bool], timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise TimeoutError("condition not reached")
        time.sleep(0.02)
