"""Periodic jobs: cron-like schedules (periodiq's spec, Latvian time) for actors on the maintenance queue.

**Adding a job** — one entry in `PERIODIC_JOBS`:

    PeriodicJob("run_data_control_rules", "*/15 * * * *", data_control.make_run_rules)

`make(deps)` returns the actor's function (no arguments); it is declared on every broker by
`declare_periodic_actors` (called from `workers.broker.register_actors`) with the `periodic` option, so
periodiq's own tools (`periodiq workers.…`) list it too. A job's function must be safe to run twice
(an actor may be retried) and should do its work per municipality in short transactions.

**Who sends them**: periodiq's scheduler needs the main thread (SIGALRM), which the worker process uses
for its signals, so each worker process runs `Scheduler` in a thread instead (workers/main.py). Every
process wakes each minute; a Redis `SET NX` per job and minute lets only the first send the message,
however many workers run. A job whose message waited in the queue longer than `SKIP_DELAY_S` is
skipped by periodiq's middleware (the next run comes anyway) rather than run late twice over."""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import dramatiq
import pendulum
import redis
import structlog
from periodiq import CronSpec, cron

from workers.actors import complaints, controls, housekeeping, providers
from workers.deps import WorkerDeps

log = structlog.get_logger()

MAINTENANCE = "maintenance"
TIMEZONE = "Europe/Riga"
SKIP_DELAY_S = 15 * 60
_MINUTE_MS = 60_000


@dataclass(frozen=True)
class PeriodicJob:
    actor_name: str
    schedule: str  # "minute hour day-of-month month day-of-week", Europe/Riga
    make: Callable[[WorkerDeps], Callable[[], Any]]
    time_limit: int = 30 * _MINUTE_MS
    max_retries: int = 3


PERIODIC_JOBS: list[PeriodicJob] = [
    # Daily at 03:17, outside office hours and off the full hour that other systems' jobs favour.
    PeriodicJob(housekeeping.PURGE_OUTBOX, "17 3 * * *", housekeeping.make_purge_outbox),
    # The data-control rules for every municipality, nightly; the expiry reminders in the morning, so that
    # text messages do not arrive at night.
    PeriodicJob(
        controls.NIGHTLY_CONTROLS, "23 2 * * *", controls.make_nightly_controls, time_limit=120 * _MINUTE_MS
    ),
    PeriodicJob(controls.EXPIRY_REMINDERS, "7 8 * * *", controls.make_expiry_reminders),
    # Complaint deadlines (near and overdue) in the worker's inbox at the start of the working day.
    PeriodicJob(complaints.COMPLAINT_REMINDERS, "11 8 * * *", complaints.make_complaint_reminders),
    # Provider registrations ending within 60 days, to the heads of service.
    PeriodicJob(providers.PROVIDER_REMINDERS, "13 8 * * *", providers.make_provider_reminders),
]


def declare_periodic_actors(
    broker: dramatiq.Broker, deps: WorkerDeps, jobs: Sequence[PeriodicJob] | None = None
) -> list[dramatiq.Actor[Any, Any]]:
    return [
        dramatiq.actor(
            broker=broker,
            actor_name=job.actor_name,
            queue_name=MAINTENANCE,
            time_limit=job.time_limit,
            max_retries=job.max_retries,
            periodic=cron(job.schedule),
        )(job.make(deps))
        for job in (PERIODIC_JOBS if jobs is None else jobs)
    ]


class Scheduler:
    """Sends each periodic actor's message when its schedule says, once per minute across processes."""

    def __init__(self, broker: dramatiq.Broker, client: redis.Redis, *, namespace: str) -> None:
        self.broker, self.client, self.namespace = broker, client, namespace

    def periodic_actors(self) -> list[dramatiq.Actor[Any, Any]]:
        return [
            self.broker.get_actor(name)
            for name in sorted(self.broker.get_declared_actors())
            if "periodic" in self.broker.get_actor(name).options
        ]

    def tick(self, minute: pendulum.DateTime) -> list[str]:
        """Send the actors due at `minute` that no other process has sent for it; their names."""
        minute = minute.replace(second=0, microsecond=0)
        sent = []
        for actor in self.periodic_actors():
            spec: CronSpec = actor.options["periodic"]
            if not spec.validate(minute):
                continue
            key = f"{self.namespace}:periodic:{actor.actor_name}:{minute.isoformat()}"
            if not self.client.set(key, "1", nx=True, ex=24 * 3600):
                continue  # another worker process sent it
            actor.send_with_options(scheduled_at=str(minute))
            sent.append(actor.actor_name)
        if sent:
            log.info("periodic jobs sent", jobs=sent, at=str(minute))
        return sent

    def run(self, stop_event: threading.Event) -> None:
        """Tick at the start of every minute until `stop_event` is set; Redis errors are logged and the
        minute is skipped (a missed daily job runs the next day; jobs catch up on what they find)."""
        last: pendulum.DateTime | None = None
        while not stop_event.is_set():
            now = pendulum.now(TIMEZONE)
            minute = now.replace(second=0, microsecond=0)
            if last is None or minute > last:
                try:
                    self.tick(minute)
                except (redis.RedisError, dramatiq.errors.DramatiqError) as exc:
                    log.warning("periodic jobs not sent", error=str(exc), at=str(minute))
                last = minute
            next_minute = minute + dt.timedelta(minutes=1)
            stop_event.wait(max(0.05, (next_minute - pendulum.now(TIMEZONE)).total_seconds() + 0.05))


def start_scheduler(broker: dramatiq.Broker, stop_event: threading.Event) -> threading.Thread | None:
    """The scheduler thread for a Redis broker with periodic actors; None when there is nothing to do."""
    client = getattr(broker, "client", None)
    namespace = getattr(broker, "namespace", "atbalsts")
    if client is None:
        return None
    scheduler = Scheduler(broker, client, namespace=namespace)
    if not scheduler.periodic_actors():
        return None
    thread = threading.Thread(
        target=scheduler.run, args=(stop_event,), name="periodic-scheduler", daemon=True
    )
    thread.start()
    return thread
