"""The worker program as `atbalsts worker` runs it: relay thread, worker threads, clean stop."""

from __future__ import annotations

import threading
import uuid
from dataclasses import replace

from sqlalchemy.orm import Session, sessionmaker

from app.config import Settings
from tests.integration.workers.conftest import (
    SmtpSink,
    commit_email,
    purge_namespace,
    unique_namespace,
    wait_until,
)
from workers.main import run_worker


def test_run_worker_relays_and_delivers_until_stopped(
    settings: Settings, rw_sessions: sessionmaker[Session], smtp: SmtpSink, tenant_a: uuid.UUID
) -> None:
    stop = threading.Event()
    namespace = unique_namespace()
    program = threading.Thread(
        target=run_worker,
        args=(replace(settings, smtp_port=smtp.port), stop),
        kwargs={"threads": 2, "namespace": namespace},
    )
    program.start()
    try:
        outbox_id = commit_email(rw_sessions, tenant_a, to="e@example.lv", subject="Sveiki", text="Labdien!")
        wait_until(lambda: len(smtp.received) >= 1)
    finally:
        stop.set()
        program.join(20)
        purge_namespace(settings.redis_url, namespace)
    assert not program.is_alive()
    assert smtp.outbox_ids() == [outbox_id]
