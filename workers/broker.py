"""The Dramatiq broker, built from a URL, and the actors declared on it.

Nothing here touches Dramatiq's global broker: the web process, the worker and each test build their
own broker and declare the actors on it, so a test can run a private broker against a private Redis.
"""

from __future__ import annotations

from typing import Any

import dramatiq
import redis
from dramatiq.brokers.redis import RedisBroker
from dramatiq.middleware import (
    AgeLimit,
    Callbacks,
    CurrentMessage,
    Pipelines,
    Retries,
    ShutdownNotifications,
    TimeLimit,
)

from app.domains.people.importing import RUN_IMPORT
from app.notifications.email import SEND_EMAIL
from workers.actors import email, imports
from workers.deps import WorkerDeps

NOTIFICATIONS = "notifications"
IMPORTS = "imports"

MINUTE_MS = 60_000
HOUR_MS = 60 * MINUTE_MS


def make_broker(
    redis_url: str,
    *,
    namespace: str = "atbalsts",
    max_retries: int = 10,
    min_backoff: int = 15_000,
    max_backoff: int = HOUR_MS,
    time_limit: int = 10 * MINUTE_MS,
) -> RedisBroker:
    """A Redis broker with Dramatiq's default middleware, retries capped for notifications.

    Ten retries with backoff doubling from 15 s and capped at an hour span about four hours: long enough
    to ride out an SMTP outage, short enough that a dead letter is noticed the same day."""
    # Explicit timeouts: the outbox relay holds row locks while it enqueues, so a hung Redis must turn
    # into an error quickly rather than block the relay forever.
    client = redis.Redis.from_url(
        redis_url, socket_connect_timeout=5, socket_timeout=30, health_check_interval=30
    )
    middleware = [
        AgeLimit(),
        TimeLimit(time_limit=time_limit),
        ShutdownNotifications(),
        Callbacks(),
        Pipelines(),
        Retries(max_retries=max_retries, min_backoff=min_backoff, max_backoff=max_backoff),
        CurrentMessage(),
    ]
    return RedisBroker(client=client, namespace=namespace, middleware=middleware)


def close_broker(broker: dramatiq.Broker) -> None:
    broker.close()
    if isinstance(broker, RedisBroker):
        broker.client.close()  # RedisBroker.close() leaves its connection pool open


def register_actors(broker: dramatiq.Broker, deps: WorkerDeps) -> dict[str, dramatiq.Actor[Any, Any]]:
    """Declare every actor on `broker`, bound to `deps`. Actor names are the outbox `actor` values."""
    declared: list[dramatiq.Actor[Any, Any]] = [
        dramatiq.actor(broker=broker, actor_name=SEND_EMAIL, queue_name=NOTIFICATIONS, time_limit=MINUTE_MS)(
            email.make_send_email(deps)
        ),
        # An import of 100 000 rows takes minutes, not hours; a failed run is retried a few times only
        # (each retry runs the whole file again, and the page offers "Try again" after that).
        dramatiq.actor(
            broker=broker,
            actor_name=RUN_IMPORT,
            queue_name=IMPORTS,
            time_limit=30 * MINUTE_MS,
            max_retries=3,
        )(imports.make_import_file(deps)),
    ]
    return {a.actor_name: a for a in declared}
