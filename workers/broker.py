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
from periodiq import PeriodiqMiddleware

from app.domains.benefits.decision_pdf import RENDER_DECISION_PDF
from app.domains.controls.service import RUN_DATA_CONTROLS
from app.domains.people.importing import RUN_IMPORT
from app.notifications.email import SEND_EMAIL
from app.notifications.service import DELIVER_NOTIFICATION
from workers.actors import controls, decisions, email, imports, notifications
from workers.deps import WorkerDeps
from workers.schedules import SKIP_DELAY_S, declare_periodic_actors

NOTIFICATIONS = "notifications"
IMPORTS = "imports"
PDF = "pdf"  # WeasyPrint: CPU-bound, one document per message
CONTROLS = "controls"  # data-control runs after a change (workers/actors/controls.py)

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
        PeriodiqMiddleware(skip_delay=SKIP_DELAY_S),  # the `periodic` actor option (workers/schedules.py)
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
        # A decision renders in about a second; a failed render is retried a few times, then "render now".
        dramatiq.actor(
            broker=broker,
            actor_name=RENDER_DECISION_PDF,
            queue_name=PDF,
            time_limit=2 * MINUTE_MS,
            max_retries=5,
        )(decisions.make_render_decision_pdf(deps)),
        # The delivery log's messages: retried with backoff (settings NOTIFY_*), then dead-lettered and
        # marked given up by the hook below (workers/actors/notifications.py).
        dramatiq.actor(
            broker=broker,
            actor_name=DELIVER_NOTIFICATION,
            queue_name=NOTIFICATIONS,
            time_limit=2 * MINUTE_MS,
            max_retries=deps.settings.notify_max_retries,
            min_backoff=deps.settings.notify_min_backoff_ms,
            max_backoff=deps.settings.notify_max_backoff_ms,
            on_retry_exhausted=notifications.NOTIFICATION_GIVEN_UP,
        )(notifications.make_deliver_notification(deps)),
        dramatiq.actor(
            broker=broker, actor_name=notifications.NOTIFICATION_GIVEN_UP, queue_name=NOTIFICATIONS
        )(notifications.make_notification_given_up(deps)),
        # The data-control rules after a change, for one municipality (debounced by the run itself).
        dramatiq.actor(
            broker=broker,
            actor_name=RUN_DATA_CONTROLS,
            queue_name=CONTROLS,
            time_limit=30 * MINUTE_MS,
            max_retries=3,
        )(controls.make_run_data_controls(deps)),
        *declare_periodic_actors(broker, deps),
    ]
    return {a.actor_name: a for a in declared}
