"""The worker program: Dramatiq worker threads for every actor, plus the outbox relay.

`atbalsts worker` calls `run_worker`; `python -m workers` runs `main`. Each process also runs a relay
thread, which is safe with any number of processes because the relay skips rows another one holds.
"""

from __future__ import annotations

import argparse
import signal
import threading
from types import FrameType

from dramatiq import Broker, Worker

import app.metadata  # noqa: F401  (every model: Core statements resolve foreign keys such as app.tenants)
from app.config import Settings, load_settings
from app.db import make_sync_engine, sync_session_factory
from app.logs import configure_logging
from workers.broker import close_broker, make_broker, register_actors
from workers.deps import WorkerDeps
from workers.relay import run_relay
from workers.schedules import start_scheduler


def start_worker(broker: Broker, *, threads: int = 4, worker_timeout: int = 1000) -> Worker:
    """Start consuming every queue declared on `broker`.

    `process_boot` is what the `dramatiq` command emits before starting a worker: TimeLimit and
    ShutdownNotifications start their watcher threads on it, so without it time limits do nothing."""
    broker.emit_after("process_boot")
    worker = Worker(broker, worker_threads=threads, worker_timeout=worker_timeout)
    worker.start()
    return worker


def run_worker(
    settings: Settings,
    stop_event: threading.Event,
    *,
    threads: int = 4,
    relay: bool = True,
    namespace: str = "atbalsts",
) -> None:
    """Run until `stop_event` is set, then finish the messages in hand and return."""
    # One connection per worker thread, and a spare; an import run holds a second one for its progress
    # updates (short transactions beside its long data transaction), hence the overflow.
    rw = make_sync_engine(settings.runtime_url(), pool_size=threads, max_overflow=threads + 1)
    broker = make_broker(settings.redis_url, namespace=namespace)
    register_actors(broker, WorkerDeps.from_settings(settings, sync_session_factory(rw)))
    relay_thread = None
    if relay:
        relay_thread = threading.Thread(
            target=run_relay, args=(settings, stop_event), kwargs={"broker": broker}, name="outbox-relay"
        )
        relay_thread.start()
    worker = start_worker(broker, threads=threads)
    scheduler_thread = start_scheduler(broker, stop_event)  # periodic jobs (workers/schedules.py)
    try:
        # A timed wait keeps the main thread responsive to signals.
        while not stop_event.wait(1.0):
            pass
    finally:
        stop_event.set()
        worker.stop(timeout=30_000)
        if relay_thread is not None:
            relay_thread.join(30)
        if scheduler_thread is not None:
            scheduler_thread.join(5)
        close_broker(broker)
        rw.dispose()


def install_stop_signals(stop_event: threading.Event) -> None:
    """SIGINT and SIGTERM set `stop_event` (call from the main thread): the worker then shuts down cleanly."""

    def _stop(signum: int, frame: FrameType | None) -> None:
        stop_event.set()

    signal.signal(signal.SIGINT, _stop)
    signal.signal(signal.SIGTERM, _stop)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m workers", description="Atbalsts background worker")
    parser.add_argument("--threads", type=int, default=4, help="worker threads (default 4)")
    parser.add_argument("--no-relay", action="store_true", help="do not run the outbox relay in this process")
    args = parser.parse_args(argv)
    configure_logging()

    stop = threading.Event()
    install_stop_signals(stop)
    run_worker(load_settings(), stop, threads=args.threads, relay=not args.no_relay)
